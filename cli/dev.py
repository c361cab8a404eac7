"""`python -m cli.dev up|demo`: the development stack in the foreground (`make up`,
`make demo`); Ctrl-C or SIGTERM stops every process it started."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from cli.stack import ROOT, Stack

app = typer.Typer(add_completion=False, no_args_is_help=False, help=__doc__)

DataDir = Annotated[
    Path,
    typer.Option(envvar="PROPERTYAUDIT_DATA_DIR", help="logs and the dev server's database"),
]


class Stopped(Exception):
    """SIGTERM: stop like Ctrl-C does."""


def _serve(stack: Stack, demo: bool, once: bool) -> int:
    def on_sigterm(_signum: int, _frame: object) -> None:
        raise Stopped

    signal.signal(signal.SIGTERM, on_sigterm)
    s = stack.settings
    print(f"starting the stack (logs in {stack.log_dir}) …", flush=True)
    try:
        stack.start()
        print(f"  Dashboard        {stack.api_url}/", flush=True)
        print(f"  Temporal Web UI  {s.temporal_ui_url}")
        print(f"  API docs         {stack.api_url}/docs")
        if stack.with_simulator:
            print(f"  LLM simulator    {s.llmsim_url} (no API keys set)")
        code = 0
        if demo:
            from cli.demo import run_demo

            code = run_demo(stack.api_url, s, simulator=stack.with_simulator)
            if once:
                return code
        print("serving; Ctrl-C stops every process", flush=True)
        return code if _watch(stack) else 1
    except (KeyboardInterrupt, Stopped):
        print("\nstopping …")
        return 0
    finally:
        stack.stop()


def _watch(stack: Stack) -> bool:
    """Until a signal; False as soon as one of the processes exits on its own."""
    while True:
        for name, proc in stack.procs.items():
            if proc.poll() is not None:
                print(f"{name} exited with {proc.returncode}; see {stack.log_path(name)}")
                return False
        time.sleep(1)


def _exit(code: int) -> None:
    sys.stdout.flush()
    # The Temporal bridge's threads can outlive interpreter shutdown (sdk-python#300).
    os._exit(code)


@app.command()
def up(data_dir: DataDir = ROOT / ".data") -> None:
    """Serve the stack until Ctrl-C."""
    _exit(_serve(Stack(data_dir=data_dir), demo=False, once=False))


@app.command()
def demo(
    data_dir: DataDir = ROOT / ".data",
    once: Annotated[
        bool, typer.Option(envvar="DEMO_ONCE", help="exit after the demo audit")
    ] = False,
    latency_ms: Annotated[
        int, typer.Option(envvar="LLMSIM_LATENCY_MS", help="simulated LLM latency")
    ] = 700,
    latency_jitter: Annotated[
        float, typer.Option(envvar="LLMSIM_LATENCY_JITTER", help="latency spread, 0-1")
    ] = 0.6,
) -> None:
    """Serve the stack and run the demo audit of the example property."""
    # Some simulated latency, so the live progress is worth watching.
    env = {"LLMSIM_LATENCY_MS": str(latency_ms), "LLMSIM_LATENCY_JITTER": str(latency_jitter)}
    _exit(_serve(Stack(env, data_dir=data_dir), demo=True, once=once))


if __name__ == "__main__":
    app()
