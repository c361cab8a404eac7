"""Results split by persona, language and asker location."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["segments"])
