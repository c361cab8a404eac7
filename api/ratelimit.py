"""Rate limits on the endpoints that start paid work, per API key (the `limits` library).

A moving window per key: `RATE_LIMIT_PAID` (e.g. "600/minute" or "10/second;5000/hour"), kept
in `RATE_LIMIT_STORAGE` (memory, or e.g. `redis://…` so every API replica shares the count).
Past it the API answers 429 with `Retry-After`.
"""

from __future__ import annotations

import math
import time

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from api.auth import CallerDep

NAMESPACE = "paid-work"


class PaidWorkLimiter:
    def __init__(self, spec: str, storage_uri: str) -> None:
        self.spec = spec
        self.items: list[RateLimitItem] = parse_many(spec) if spec.strip() else []
        uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri))

    async def hit(self, key: str) -> float | None:
        """None when this start is allowed; else the seconds until the next one is."""
        for item in self.items:
            if not await self.limiter.hit(item, NAMESPACE, key):
                stats = await self.limiter.get_window_stats(item, NAMESPACE, key)
                return max(1.0, stats.reset_time - time.time())
        return None


async def paid_work(request: Request, caller: CallerDep) -> None:
    """Spend one start of the caller's allowance (with no key configured: the client address's)."""
    limiter: PaidWorkLimiter | None = getattr(request.app.state, "paid_limiter", None)
    if limiter is None or not limiter.items:
        return
    open_api = request.app.state.settings.propertyaudit_api_key is None
    key = f"ip:{request.client.host if request.client else '?'}" if open_api else caller.rate_key
    wait = await limiter.hit(key)
    if wait is not None:
        raise HTTPException(
            status_code=429,
            detail=f"too many audits started with this key (limit {limiter.spec}); "
            f"try again in {math.ceil(wait)} s",
            headers={"Retry-After": str(math.ceil(wait))},
        )
