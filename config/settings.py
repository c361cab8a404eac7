"""The one settings object, read once at the edges (worker.py, api/main.py, the CLI)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url

from config.egress import EgressPolicy
from config.secrets import FileSecrets, dotenv_of, extra_key
from config.surfaces import BUILT_IN, DEFAULT_SURFACES, BuiltIn, ExtraSurface, check_surface_names
from surfaces.config import SurfaceConfig

# A stopped worker waits this much longer than the longest LLM call for the calls in flight.
DRAIN_MARGIN_S = 10.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            FileSecrets(settings_cls),
            dotenv_settings,
            file_secret_settings,
        )

    api_port: int = 8000
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    llmsim_port: int = 8900
    # The worker's Prometheus endpoint (/metrics): 0 turns it off. Loopback by default so a
    # laptop does not publish it; containers set WORKER_METRICS_HOST=0.0.0.0.
    worker_metrics_port: int = 9464
    worker_metrics_host: str = "127.0.0.1"
    temporal_address: str = ""
    temporal_namespace: str = "default"
    temporal_api_key: SecretStr | None = None
    temporal_tls_cert_path: str | None = None
    temporal_tls_key_path: str | None = None
    temporal_ui_url: str = ""
    database_url: str = "sqlite+aiosqlite:///.data/propertyaudit.db"
    # Put into DATABASE_URL (escaped), so the URL itself can be shared without the password.
    database_password: SecretStr | None = None
    llmsim_url: str = ""

    openai_api_key: SecretStr | None = None
    anthropic_api_key: SecretStr | None = None
    gemini_api_key: SecretStr | None = None
    perplexity_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    anthropic_base_url: str | None = None
    gemini_base_url: str | None = None  # unset: the SDK's own (generativelanguage.googleapis.com)
    perplexity_base_url: str = "https://api.perplexity.ai"
    llm_backend: Literal["auto", "simulator", "live"] = "auto"
    # A comma list: the surfaces of an audit that names none (an extra's `default` adds it too).
    default_surfaces: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_SURFACES)
    )

    geo_openai_model: str = "gpt-5.5"
    geo_claude_model: str = "claude-sonnet-5-5"
    geo_gemini_model: str = "gemini-2.5-flash"
    geo_perplexity_model: str = "sonar-pro"
    geo_audit_mode: Literal["structured", "natural"] = "structured"
    geo_enable_web_search: bool = False

    propertyaudit_api_key: SecretStr | None = None
    propertyaudit_api_url: str = ""
    # production: the API refuses to start without PROPERTYAUDIT_API_KEY.
    propertyaudit_env: Literal["development", "production"] = "development"
    # The dashboard's session cookie is sent over HTTPS only (unset: in production). Browsers
    # treat http://localhost as secure, so only a plain-HTTP address elsewhere needs false.
    session_cookie_secure: bool | None = None

    # Spending and volume: a panel's size, each audit's budget, paid starts per key.
    max_panel_size: int = Field(default=200, ge=1, le=5000)
    default_max_cost_usd: float | None = Field(default=25.0, gt=0)
    max_cost_usd_limit: float = Field(default=1000.0, gt=0)
    # Starts of paid work (audits, schedules) per API key, in the `limits` notation
    # ("600/minute", "10/second;5000/hour"); "" turns it off.
    rate_limit_paid: str = "600/minute"
    rate_limit_storage: str = "memory://"
    max_request_bytes: int = Field(default=1_048_576, ge=1024)
    # Hosts or CIDRs alert webhooks may reach although they are not public (a private network's
    # receiver, on purpose); everything else internal is refused (config/egress.py).
    webhook_allow: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # An audit stored but left `queued` this long with no workflow (the API died between the two)
    # is started by the API's reconciler, which looks this often.
    reconcile_after_s: float = Field(default=30.0, gt=0)
    reconcile_every_s: float = Field(default=20.0, gt=0)

    llm_max_concurrency: int = Field(default=8, ge=1)
    llm_max_rps: float = 0.0
    llm_max_concurrency_openai: int | None = None
    llm_max_concurrency_claude: int | None = None
    llm_max_concurrency_gemini: int | None = None
    llm_max_concurrency_perplexity: int | None = None
    llm_max_rps_openai: float | None = None
    llm_max_rps_claude: float | None = None
    llm_max_rps_gemini: float | None = None
    llm_max_rps_perplexity: float | None = None
    llm_timeout_s: float = 90.0
    # Each surface's LLM worker replicas: an audit plans replicas × LLM_MAX_CONCURRENCY_<S> calls.
    llm_workers_openai: int = Field(default=1, ge=1)
    llm_workers_claude: int = Field(default=1, ge=1)
    llm_workers_gemini: int = Field(default=1, ge=1)
    llm_workers_perplexity: int = Field(default=1, ge=1)
    # Each process's pool: DB_POOL_SIZE open, DB_MAX_OVERFLOW more (README, "Connection budget")
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=5, ge=0)
    # A surface run asks this many questions between two chances to continue as new, and does
    # once its history passes this many events (kept far below Temporal's limits).
    surface_chunk_size: int = Field(default=200, ge=1)
    # Worker Versioning: a build's id (git sha, image tag) pins each audit to it; empty: none.
    worker_build_id: str = ""
    worker_deployment_name: str = "propertyaudit"
    # false: workflows outside the SDK's sandbox (its cost: README, "Production"); tests keep it
    workflow_sandbox: bool = True
    surface_history_budget: int = Field(default=3_000, ge=50)
    log_format: Literal["text", "json"] = "text"  # json: one object per line (config/logs.py)
    # OpenTelemetry (config/tracing.py): off unless TRACING_ENABLED; OTEL_SDK_DISABLED wins.
    # Spans go over OTLP/HTTP to the traces endpoint, else the base endpoint + /v1/traces.
    tracing_enabled: bool = False
    otel_sdk_disabled: bool = False
    otel_exporter_otlp_endpoint: str = ""
    otel_exporter_otlp_traces_endpoint: str = ""
    log_level: str = "INFO"
    # JSON list of ExtraSurface objects, e.g.
    # [{"name": "local", "base_url": "http://localhost:11434/v1", "model": "llama3.3",
    #   "key_env": "LOCAL_API_KEY"}]
    extra_surfaces: list[ExtraSurface] = Field(default_factory=list)
    _extra_keys: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("webhook_allow", "default_surfaces", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @property
    def egress(self) -> EgressPolicy:
        return EgressPolicy.parse(self.webhook_allow)

    @model_validator(mode="after")
    def _derive_addresses(self) -> Settings:
        if self.database_password is not None:
            url = make_url(self.database_url).set(
                password=self.database_password.get_secret_value()
            )
            self.database_url = url.render_as_string(hide_password=False)
        if not self.temporal_address:
            self.temporal_address = f"localhost:{self.temporal_port}"
        if not self.llmsim_url:
            self.llmsim_url = f"http://127.0.0.1:{self.llmsim_port}"
        if not self.propertyaudit_api_url:
            self.propertyaudit_api_url = f"http://127.0.0.1:{self.api_port}"
        if not self.temporal_ui_url:
            self.temporal_ui_url = f"http://localhost:{self.temporal_ui_port}"
        check_surface_names(self.extra_surfaces, self.default_surfaces)
        return self

    if not TYPE_CHECKING:  # type checkers keep the signature pydantic derives from the fields

        def __init__(self, **values: Any) -> None:
            super().__init__(**values)
            # Extra surfaces' keys, read once like every other setting (never in payloads), from
            # the .env file too unless this instance reads none (`_env_file=None`).
            env_file = values.get("_env_file", self.model_config.get("env_file"))
            dotenv = dotenv_of(env_file)
            self._extra_keys = {
                s.name: extra_key(s.key_env, dotenv) for s in self.extra_surfaces if s.key_env
            }

    def _simulated(self, key: SecretStr | None) -> bool:
        if self.llm_backend == "simulator":
            return True
        if self.llm_backend == "live":
            return False
        return key is None

    def surface_configs(self) -> dict[str, SurfaceConfig]:
        """The configured surfaces; in simulator mode their SDKs point at llmsim."""
        sim = self.llmsim_url.rstrip("/")
        configs = {name: self._built_in_config(name, row, sim) for name, row in BUILT_IN.items()}
        # An extra of a built-in's name replaces it, in the same place.
        configs.update(
            {extra.name: self._extra_config(extra, sim) for extra in self.extra_surfaces}
        )
        return configs

    def _built_in_config(self, name: str, row: BuiltIn, sim: str) -> SurfaceConfig:
        key: SecretStr | None = getattr(self, row.key_field)
        simulated = self._simulated(key)
        concurrency: int | None = getattr(self, f"llm_max_concurrency_{name}")
        return SurfaceConfig(
            name=name,
            provider=row.provider,
            model=getattr(self, f"geo_{name}_model"),
            base_url=sim + row.simulator_root if simulated else getattr(self, row.base_url_field),
            api_key=SecretStr("llmsim") if simulated else key,
            simulator=simulated,
            max_concurrency=concurrency or self.llm_max_concurrency,
            max_rps=self._rps(getattr(self, f"llm_max_rps_{name}")),
            timeout_s=self.llm_timeout_s,
            default=name in self.default_surfaces,
            web_search=row.web_search,
        )

    def _extra_config(self, extra: ExtraSurface, sim: str) -> SurfaceConfig:
        key = self._extra_keys.get(extra.name) or None
        simulated = self._simulated(SecretStr(key) if key else None)
        return SurfaceConfig(
            name=extra.name,
            provider="openai",
            model=extra.model,
            base_url=f"{sim}/v1" if simulated else extra.base_url,
            api_key=SecretStr("llmsim") if simulated or not key else SecretStr(key),
            simulator=simulated,
            max_concurrency=extra.max_concurrency or self.llm_max_concurrency,
            max_rps=self._rps(extra.max_rps),
            timeout_s=self.llm_timeout_s,
            default=extra.default or extra.name in self.default_surfaces,
            input_per_mtok=extra.input_per_mtok,
            output_per_mtok=extra.output_per_mtok,
            search_per_k=extra.search_per_k,
            web_search=extra.web_search,
            json_schema=extra.json_schema,
            temperature=extra.temperature,
            token_param=extra.token_param,
        )

    def _rps(self, override: float | None) -> float:
        return self.llm_max_rps if override is None else override

    def llm_workers(self, surface: str) -> int:
        """The surface's LLM worker replicas (LLM_WORKERS_<SURFACE>, an extra's `workers`)."""
        extra = {s.name: s for s in self.extra_surfaces}.get(surface)
        if extra is not None:
            return extra.workers
        return int(getattr(self, f"llm_workers_{surface}"))

    def planned_surfaces(self) -> dict[str, SurfaceConfig]:
        """The surfaces as the workflow worker plans an audit: its in-flight cap on a surface is
        what all its LLM workers run together (replicas × calls per worker)."""
        return {
            name: config.model_copy(
                update={"max_concurrency": config.max_concurrency * self.llm_workers(name)}
            )
            for name, config in self.surface_configs().items()
        }

    def keyless_surfaces(self) -> dict[str, str]:
        """Surfaces that would call a live API without a key: name -> the variable to set."""
        extras = {s.name: s.key_env for s in self.extra_surfaces}
        return {
            name: extras[name] if name in extras else BUILT_IN[name].key_field.upper()
            for name, config in self.surface_configs().items()
            if not config.simulator
            and (self._extra_keys.get(name) == "" if name in extras else config.api_key is None)
        }

    @property
    def graceful_shutdown_s(self) -> float:
        """How long a stopped worker lets the tasks in flight finish: longer than an LLM call."""
        return self.llm_timeout_s + DRAIN_MARGIN_S


def settings_from_environ(environ: Mapping[str, str]) -> Settings:
    """The settings a process started with `environ` would read (no .env file): what the stack
    launcher gives each process it starts. The parsing is pydantic-settings' own, so lists,
    JSON and `*_FILE` secrets mean the same as in that process."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(environ)
        return Settings(_env_file=None)  # type: ignore[call-arg]
    finally:
        os.environ.clear()
        os.environ.update(saved)
