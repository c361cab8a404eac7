"""`python -m llmsim`: serve the simulator on LLMSIM_PORT (default 8900)."""

from __future__ import annotations

import os

import uvicorn

from llmsim.server import create_app

if __name__ == "__main__":
    uvicorn.run(
        create_app(),
        host=os.environ.get("LLMSIM_HOST", "127.0.0.1"),
        port=int(os.environ.get("LLMSIM_PORT", "8900")),
        log_level="warning",
    )
