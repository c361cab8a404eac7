"""What an LLM worker checks before it polls: every surface it serves can be asked, through a
live API with a key or through the simulator. Otherwise every question would retry for minutes
before the audit gave up; a worker that stops at once names the surface and what to set."""

from __future__ import annotations

import asyncio
import time

import httpx

from config.settings import Settings
from config.surfaces import BUILT_IN
from contracts.names import llm_task_queue

# How long a simulated surface waits for the simulator to answer (it may start beside us).
SIMULATOR_WAIT_S = 10.0


class UnusableSurface(RuntimeError):
    """A surface this worker serves has neither a key nor a simulator."""


def served(settings: Settings, queues: set[str] | None) -> list[str]:
    """The surfaces whose task queue this worker polls (all of them without --queues)."""
    return [
        name
        for name in settings.surface_configs()
        if queues is None or llm_task_queue(name) in queues
    ]


async def check_surfaces(
    settings: Settings, queues: set[str] | None, wait_s: float = SIMULATOR_WAIT_S
) -> None:
    """Raise UnusableSurface naming every served surface that cannot be asked."""
    names = served(settings, queues)
    keyless = settings.keyless_surfaces()
    problems = [
        f"surface {name}: LLM_BACKEND={settings.llm_backend} asks the live API but "
        f"{keyless[name]} is not set (nor {keyless[name]}_FILE)"
        for name in names
        if name in keyless
    ]
    configs = settings.surface_configs()
    simulated = [name for name in names if configs[name].simulator]
    if simulated and not await simulator_answers(settings.llmsim_url, wait_s):
        problems += [
            f"surface {name} has neither a key nor a simulator: nothing answers at "
            f"{settings.llmsim_url} (LLM_BACKEND={settings.llm_backend}; set "
            f"{_key_variable(settings, name)}, or start the simulator: "
            "`docker compose --profile simulator up`)"
            for name in simulated
        ]
    if problems:
        raise UnusableSurface("cannot ask every surface:\n  " + "\n  ".join(problems))


async def simulator_answers(url: str, wait_s: float) -> bool:
    """Whether the simulator's health endpoint answers within `wait_s`."""
    deadline = time.monotonic() + wait_s
    async with httpx.AsyncClient(timeout=2) as client:
        while True:
            try:
                if (await client.get(url.rstrip("/") + "/healthz")).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.5)


def _key_variable(settings: Settings, name: str) -> str:
    extra = {s.name: s for s in settings.extra_surfaces}.get(name)
    if extra is not None:
        return extra.key_env or "no key_env"
    return BUILT_IN[name].key_field.upper()
