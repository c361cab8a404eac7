"""The simulator's knobs: environment at start, `POST /_sim/config` at run time."""

from __future__ import annotations

import os

from pydantic import BaseModel, Field, field_validator


class SimConfig(BaseModel):
    latency_ms: float = Field(default=0.0, ge=0, le=600_000)
    latency_jitter: float = Field(default=0.0, ge=0, le=1)
    error_rate: float = Field(default=0.0, ge=0, le=1)
    rate_limit_rate: float = Field(default=0.0, ge=0, le=1)
    malformed_rate: float = Field(default=0.0, ge=0, le=1)
    slow_rate: float = Field(default=0.0, ge=0, le=1)
    slow_ms: float = Field(default=150_000.0, ge=0)
    rpm: int = Field(default=0, ge=0)
    retry_after_s: float = Field(default=1.0, ge=0)
    auth_fail: list[str] = Field(default_factory=list)
    seed: int = 42

    @field_validator("auth_fail", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [s.strip() for s in value.split(",") if s.strip()]
        return value

    @classmethod
    def from_env(cls) -> SimConfig:
        names = {
            "latency_ms": "LLMSIM_LATENCY_MS",
            "latency_jitter": "LLMSIM_LATENCY_JITTER",
            "error_rate": "LLMSIM_ERROR_RATE",
            "rate_limit_rate": "LLMSIM_RATE_LIMIT_RATE",
            "malformed_rate": "LLMSIM_MALFORMED_RATE",
            "slow_rate": "LLMSIM_SLOW_RATE",
            "slow_ms": "LLMSIM_SLOW_MS",
            "rpm": "LLMSIM_RPM",
            "retry_after_s": "LLMSIM_RETRY_AFTER_S",
            "auth_fail": "LLMSIM_AUTH_FAIL",
            "seed": "LLMSIM_SEED",
        }
        values = {k: os.environ[v] for k, v in names.items() if os.environ.get(v)}
        return cls.model_validate(values)
