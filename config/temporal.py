"""One way to connect to Temporal, shared by the API, the worker and the CLI."""

from __future__ import annotations

import logging
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from config.settings import Settings
from config.tracing import tracing_interceptors
from contracts.names import SEARCH_ATTRIBUTES

log = logging.getLogger(__name__)


async def connect_temporal(
    settings: Settings, *, lazy: bool = False, runtime: Runtime | None = None
) -> Client:
    """A client with the project's data converter; `runtime` carries the worker's metrics.
    With tracing on (config/tracing.py) its calls, and its workers' tasks, are spans."""
    tls: TLSConfig | bool = False
    if settings.temporal_tls_cert_path and settings.temporal_tls_key_path:
        tls = TLSConfig(
            client_cert=Path(settings.temporal_tls_cert_path).read_bytes(),
            client_private_key=Path(settings.temporal_tls_key_path).read_bytes(),
        )
    elif settings.temporal_api_key:
        tls = True
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        api_key=settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None,
        tls=tls,
        data_converter=pydantic_data_converter,
        lazy=lazy,
        runtime=runtime,
        interceptors=tracing_interceptors(),
    )


async def ensure_search_attributes(client: Client, namespace: str) -> list[str]:
    """Register the custom search attributes that are missing; returns the names added.

    Temporal Cloud does not let a namespace's API key or client certificate add them (they are
    added with `tcld` or the Cloud UI): there a refusal is logged and the worker goes on.
    """
    try:
        return await _add_missing(client, namespace)
    except RPCError as err:
        if err.status not in (RPCStatusCode.PERMISSION_DENIED, RPCStatusCode.UNIMPLEMENTED):
            raise
        log.warning(
            "could not register search attributes %s (%s); add them as Keyword to namespace %s",
            ", ".join(k.name for k in SEARCH_ATTRIBUTES),
            err.message,
            namespace,
        )
        return []


async def _add_missing(client: Client, namespace: str) -> list[str]:
    existing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {
        key.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        for key in SEARCH_ATTRIBUTES
        if key.name not in existing.custom_attributes
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(search_attributes=missing, namespace=namespace)
        )
    return sorted(missing)
