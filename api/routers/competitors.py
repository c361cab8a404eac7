"""Competitors over time and the pages the engines cite for them."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["competitors"])
