"""The simulator's settings: its knobs (`LLMSIM_*` variables at start, `POST /_sim/config` at run
time), and where `python -m llmsim` listens and how it logs."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from llmsim.answers import Lies

Rate = Annotated[float, Field(ge=0, le=1)]


class SimConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LLMSIM_", extra="ignore")

    latency_ms: float = Field(default=0.0, ge=0, le=600_000)
    latency_jitter: Rate = 0.0
    error_rate: Rate = 0.0
    rate_limit_rate: Rate = 0.0
    malformed_rate: Rate = 0.0
    slow_rate: Rate = 0.0
    slow_ms: float = Field(default=150_000.0, ge=0)
    rpm: int = Field(default=0, ge=0)
    retry_after_s: float = Field(default=1.0, ge=0)
    # A comma list (or JSON list) of surfaces whose key is refused: 401, or Gemini's 400
    # API_KEY_INVALID.
    auth_fail: Annotated[list[str], NoDecode] = Field(default_factory=list)
    seed: int = 42
    # A model that misreports its own answer: positions that disagree with the list's order,
    # citation domains that disagree with the URL, extractions that claim an unnamed brand.
    lie_position_rate: Rate = 0.0
    lie_domain_rate: Rate = 0.0
    lie_extraction_rate: Rate = 0.0

    @field_validator("auth_fail", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [s.strip() for s in text.split(",") if s.strip()]
        return value

    @property
    def lies(self) -> Lies:
        return Lies(position_rate=self.lie_position_rate, domain_rate=self.lie_domain_rate)

    @classmethod
    def from_env(cls) -> SimConfig:
        return cls()


class ServeSettings(BaseSettings):
    """The `python -m llmsim` process: its address, and the log settings every process reads."""

    # An empty variable counts as unset (an empty LOG_FORMAT logs text), as in config.Settings.
    model_config = SettingsConfigDict(env_prefix="LLMSIM_", env_ignore_empty=True, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8900, ge=0, le=65535)
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="LOG_FORMAT")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value
