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
from activities.payloads import (
    Answered,
    AnswerRequest,
    AskResult,
    ExtractAndRecordRequest,
    QuerySpec,
    RecordAnswerInput,
)
from activities.recording import store_answer
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
        answer = await self._asking.ask_surface(req)
        return await self._store(
            req.run_id, req.query, req.sample, req.total_asks, req.profile, answer
        )

    @activity.defn
    async def extract_and_record(self, req: ExtractAndRecordRequest) -> Answered:
        """Natural mode, phase 2: extract from phase 1's text, stored at once."""
        answer = await self._asking.extract_answer(req)
        return await self._store(
            req.run_id, req.query, req.natural.sample, req.total_asks, req.profile, answer
        )

    async def _store(
        self,
        run_id: str,
        query: QuerySpec,
        sample: int,
        total_asks: int,
        profile: PropertyProfile,
        answer: AskResult,
    ) -> Answered:
        record = RecordAnswerInput(
            run_id=run_id,
            query=query,
            sample=sample,
            total_asks=total_asks,
            brand=brand_context(profile),
            answer=answer,
        )
        try:
            return Answered(recorded=await store_answer(self._sessions, record))
        except ApplicationError:
            raise  # the run is gone: nothing will ever store this answer
        except Exception as exc:  # noqa: BLE001 - any database failure: hand the answer back
            activity.logger.warning(
                "could not store the answer to q%d (%s); the workflow will store it",
                query.index,
                type(exc).__name__,
            )
            return Answered(answer=answer)
