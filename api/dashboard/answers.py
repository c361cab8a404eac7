"""The answers page: the answers behind a figure, with their evidence."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
