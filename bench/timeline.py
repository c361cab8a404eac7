"""Where an audit's time goes, from its workflows' histories: each event's time relative to the
client's POST, the workflow tasks' and the LLM activities' dispatch and run times, and how long
a freed slot stays empty (an answer completed → the next question started)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from contracts.names import audit_workflow_id, surface_workflow_id

E = EventType
ASK_ACTIVITIES = ("ask_and_record", "extract_and_record", "ask_natural")


@dataclass
class Timeline:
    """Seconds after the POST, for one workflow's history."""

    wft_dispatch: list[float] = field(default_factory=list)  # scheduled → started
    wft_run: list[float] = field(default_factory=list)  # started → completed
    ask_dispatch: list[float] = field(default_factory=list)  # LLM activity scheduled → started
    ask_run: list[float] = field(default_factory=list)  # started → completed
    ask_started: list[float] = field(default_factory=list)
    ask_completed: list[float] = field(default_factory=list)  # when each answer was stored
    first_ask_scheduled: float | None = None
    done: dict[str, float] = field(default_factory=dict)  # activity type → its last completion
    closed: float | None = None

    def refill(self, concurrency: int) -> list[float]:
        """How long each freed slot stayed empty: the i-th ask to start beyond the first
        `concurrency` waited for the (i - concurrency)-th answer to complete."""
        starts, ends = sorted(self.ask_started), sorted(self.ask_completed)
        return [s - e for s, e in zip(starts[concurrency:], ends, strict=False)]


def _seconds(event: Any, t0: float) -> float:
    micros: int = event.event_time.ToMicroseconds()
    return micros / 1e6 - t0


def read_events(events: list[Any], t0: float) -> Timeline:
    """The timeline of one history (t0: the client's clock at the POST, epoch seconds)."""
    tl = Timeline()
    wft: dict[int, float] = {}  # scheduled event id → time
    wft_started: dict[int, float] = {}
    acts: dict[int, tuple[str, float]] = {}  # scheduled event id → (type, time)
    started: dict[int, float] = {}
    for ev in events:
        t = _seconds(ev, t0)
        kind = ev.event_type
        if kind == E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            wft[ev.event_id] = t
        elif kind == E.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            sched = ev.workflow_task_started_event_attributes.scheduled_event_id
            tl.wft_dispatch.append(t - wft[sched])
            wft_started[ev.event_id] = t
        elif kind == E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            tl.wft_run.append(
                t - wft_started[ev.workflow_task_completed_event_attributes.started_event_id]
            )
        elif kind == E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            name = ev.activity_task_scheduled_event_attributes.activity_type.name
            acts[ev.event_id] = (name, t)
            if name in ASK_ACTIVITIES and tl.first_ask_scheduled is None:
                tl.first_ask_scheduled = t
        elif kind == E.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            sched = ev.activity_task_started_event_attributes.scheduled_event_id
            name, at = acts[sched]
            started[sched] = t
            if name in ASK_ACTIVITIES:
                tl.ask_dispatch.append(t - at)
                tl.ask_started.append(t)
        elif kind == E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            sched = ev.activity_task_completed_event_attributes.scheduled_event_id
            name, _ = acts[sched]
            tl.done[name] = t
            if name in ASK_ACTIVITIES:
                tl.ask_run.append(t - started[sched])
                tl.ask_completed.append(t)
        elif kind == E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
            tl.closed = t
    return tl


async def audit_timelines(
    client: Client, audit_id: str, surfaces: list[str], t0: float
) -> dict[str, Timeline]:
    """The parent's and each child's timelines."""
    ids = {"audit": audit_workflow_id(audit_id)} | {
        s: surface_workflow_id(audit_id, s) for s in surfaces
    }
    out = {}
    for name, wid in ids.items():
        history = await client.get_workflow_handle(wid).fetch_history()
        out[name] = read_events(list(history.events), t0)
    return out


def _mean_ms(values: list[float]) -> float:
    return round(1000 * statistics.fmean(values), 1) if values else 0.0


def _max_ms(values: list[float]) -> float:
    return round(1000 * max(values), 1) if values else 0.0


def rounds(completed: list[float], concurrency: int) -> list[tuple[float, float]]:
    """(first, last) completion of each round of `concurrency` answers, in seconds."""
    done = sorted(completed)
    return [
        (round(done[i], 2), round(done[min(i + concurrency, len(done)) - 1], 2))
        for i in range(0, len(done), concurrency)
    ]


def summarize(tls: dict[str, Timeline], concurrency: int) -> dict[str, Any]:
    """The figures a latency hunt starts from, over the children (and the parent's close)."""
    children = [tl for name, tl in tls.items() if name != "audit"]
    every = list(tls.values())

    def pool(attr: str, among: list[Timeline]) -> list[float]:
        return [v for tl in among for v in getattr(tl, attr)]

    # An activity with a retry policy has its Started event written when it closes, with the
    # attempt's real start time: refills are matched by time, not by the order of events.
    refills = [v for tl in children for v in tl.refill(concurrency)]
    first = [tl.first_ask_scheduled for tl in children if tl.first_ask_scheduled is not None]
    return {
        "first_ask_scheduled_s": round(min(first), 3) if first else None,
        "wft_count": len(pool("wft_run", every)),
        "wft_dispatch_ms": _mean_ms(pool("wft_dispatch", every)),
        "wft_dispatch_max_ms": _max_ms(pool("wft_dispatch", every)),
        "wft_run_ms": _mean_ms(pool("wft_run", every)),
        "wft_run_max_ms": _max_ms(pool("wft_run", every)),
        "ask_dispatch_ms": _mean_ms(pool("ask_dispatch", children)),
        "ask_dispatch_max_ms": _max_ms(pool("ask_dispatch", children)),
        "ask_run_ms": _mean_ms(pool("ask_run", children)),
        "ask_run_max_ms": _max_ms(pool("ask_run", children)),
        "slot_refill_ms": _mean_ms(refills),
        "slot_refill_max_ms": _max_ms(refills),
        "children_closed_s": round(max(tl.closed or 0 for tl in children), 3),
        "batch_completed_s": round(tls["audit"].done.get("complete_batch", 0), 3),
        "rounds_s": {
            name: rounds(tl.ask_completed, concurrency)
            for name, tl in tls.items()
            if name != "audit"
        },
    }
