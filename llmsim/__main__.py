"""`python -m llmsim`: serve the simulator on LLMSIM_HOST:LLMSIM_PORT (127.0.0.1:8900)."""

from __future__ import annotations

import uvicorn

from llmsim.knobs import ServeSettings
from llmsim.server import create_app

if __name__ == "__main__":
    from config.logs import configure_logging

    settings = ServeSettings()
    # The simulator never talks to Temporal: no runtime to forward the core's logs from.
    configure_logging(settings.log_format, settings.log_level, forward_temporal_core=False)
    uvicorn.run(
        create_app(),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        # JSON: uvicorn keeps its hands off logging; its loggers reach configure_logging's handler.
        log_config=None if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG,
    )
