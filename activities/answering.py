"""Ask, score and store in one activity on the surface's queue.

The answer goes from the provider to the database without crossing Temporal: the workflow's
history holds the question and the run's progress, not the answer text, and each question is one
activity instead of two (ask, then record). If the database cannot take the answer, the answer
is handed back to the workflow, which stores it with the database's retry policy: a database
outage must never make us buy the same answer twice.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.asking import AskingActivities
from activities.recording import store_answer
from contracts.asking import (
    Answered,
    AnswerRequest,
    Ask,
    AskResult,
    ExtractRequest,
    RecordAnswerInput,
)
from geo.profile import PropertyProfile, brand_context


class AnsweringActivities:
    def __init__(
        self, asking: AskingActivities, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        self._asking = asking
        self._sessions = sessions

    @activity.defn
    async def ask_and_record(self, req: AnswerRequest) -> Answered:
        """Structured mode: one paid call, stored at once."""
        answer = await self._asking.ask_structured(req)
        return await self._store(req.ask, req.profile, answer)

    @activity.defn
    async def extract_and_record(self, req: ExtractRequest) -> Answered:
        """Natural mode, phase 2: extract from phase 1's text, stored at once."""
        answer = await self._asking.extract(req)
        return await self._store(req.ask, req.profile, answer)

    async def _store(self, ask: Ask, profile: PropertyProfile, answer: AskResult) -> Answered:
        record = RecordAnswerInput(ask=ask, brand=brand_context(profile), answer=answer)
        try:
            return Answered(recorded=await store_answer(self._sessions, record))
        except ApplicationError:
            raise  # the run is gone: nothing will ever store this answer
        except Exception as exc:  # noqa: BLE001 - any database failure: hand the answer back
            activity.logger.warning(
                "could not store the answer to q%d (%s); the workflow will store it",
                ask.query.index,
                type(exc).__name__,
            )
            return Answered(answer=answer)
