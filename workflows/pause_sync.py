"""Mirroring a workflow's pause flag into the database, one write at a time and in order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio import workflow


async def mirror_pause(
    paused: Callable[[], bool],
    closing: Callable[[], bool],
    record: Callable[[bool], Awaitable[None]],
) -> None:
    """Call `record(state)` whenever `paused()` changes, until `closing()`.

    Writes are sequential so a quick pause-resume can never land in the wrong order.
    """
    recorded = False
    while True:
        await workflow.wait_condition(lambda r=recorded: paused() != r or closing())  # type: ignore[misc]
        if closing():
            return
        target = paused()
        await record(target)
        recorded = target
