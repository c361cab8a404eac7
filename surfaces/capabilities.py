"""What a model family accepts (token parameter, temperature, strict schemas)."""

from __future__ import annotations

import re


def uses_max_completion_tokens(model: str) -> bool:
    """GPT-5 and o-series models reject `max_tokens`."""
    return bool(re.match(r"^(gpt-5|o\d)", model))


def accepts_temperature(model: str) -> bool:
    """GPT-5, GPT-4.1+ and o-series run with default sampling only."""
    return not re.match(r"^(gpt-5|gpt-4\.[1-9]|o\d)", model)


def claude_supports_json_schema(model: str) -> bool:
    """Structured outputs exist from the 4.5 generation of Claude models on."""
    return not re.match(r"^claude-(3|instant|2|(sonnet|opus)-4-(0|1|2025))", model)
