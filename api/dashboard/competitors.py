"""The competitors page of a property: each rival over time, and the pages cited for them."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
