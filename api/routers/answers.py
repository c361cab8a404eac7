"""The answers behind every figure, filtered; as JSON or CSV."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["answers"])
