"""Recorded histories replay against today's workflow code: a change that would break audits
already running fails here, before it reaches a worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.replay.record import SCENARIOS
from workflows.property_audit import PropertyAuditWorkflow
from workflows.rescore import RescoreWorkflow
from workflows.surface_run import SurfaceRunWorkflow

# One folder per generation of the workflow code still running somewhere.
HISTORIES = sorted((Path(__file__).parent / "histories").glob("*/*.json"))
GENERATIONS = sorted({p.parent.name for p in HISTORIES})


def test_there_is_a_generation_of_histories() -> None:
    assert GENERATIONS, "record one: python -m tests.replay.record <generation>"


@pytest.mark.parametrize("generation", GENERATIONS)
def test_every_scenario_was_recorded(generation: str) -> None:
    paths = [p for p in HISTORIES if p.parent.name == generation]
    assert {p.name.split(".")[0] for p in paths} == set(SCENARIOS)
    assert any(p.name.startswith("continued_as_new.") and ".1.json" in p.name for p in paths)


@pytest.mark.parametrize("path", HISTORIES, ids=[f"{p.parent.name}/{p.stem}" for p in HISTORIES])
async def test_history_replays(path: Path) -> None:
    replayer = Replayer(
        workflows=[PropertyAuditWorkflow, SurfaceRunWorkflow, RescoreWorkflow],
        data_converter=pydantic_data_converter,
    )
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"
