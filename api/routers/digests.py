"""A property's weekly digest on a Temporal Schedule."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["digests"])
