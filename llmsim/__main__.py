"""`python -m llmsim`: serve the simulator on LLMSIM_PORT (default 8900)."""

from __future__ import annotations

import os

import uvicorn

from llmsim.server import create_app

if __name__ == "__main__":
    from config.logs import configure_logging

    log_format = (os.environ.get("LOG_FORMAT") or "text").lower()
    # The simulator never talks to Temporal: no runtime to forward the core's logs from.
    configure_logging(
        log_format, os.environ.get("LOG_LEVEL") or "INFO", forward_temporal_core=False
    )
    uvicorn.run(
        create_app(),
        host=os.environ.get("LLMSIM_HOST", "127.0.0.1"),
        port=int(os.environ.get("LLMSIM_PORT", "8900")),
        log_level="warning",
        # JSON: uvicorn keeps its hands off logging; its loggers reach configure_logging's handler.
        log_config=None if log_format == "json" else uvicorn.config.LOGGING_CONFIG,
    )
