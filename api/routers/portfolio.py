"""The portfolio rolled up by tag or region."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["portfolio"])
