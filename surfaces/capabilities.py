"""What a model family accepts and what it costs.

Prices are US dollars per million tokens (input, output), list prices as published by the
providers for these families; unknown models get safe defaults (no temperature, the classic
`max_tokens` parameter, the table's most expensive price so budgets err on the safe side).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelInfo:
    family: str
    token_param: str  # "max_tokens" or "max_completion_tokens"
    temperature: bool
    json_schema: bool
    input_per_mtok: float
    output_per_mtok: float

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok) / 1e6


# First match wins: specific families before the general ones.
MODEL_TABLE: tuple[tuple[str, ModelInfo], ...] = (
    (
        r"^gpt-5(\.\d+)?-nano",
        ModelInfo("gpt-5-nano", "max_completion_tokens", False, True, 0.05, 0.40),
    ),
    (
        r"^gpt-5(\.\d+)?-mini",
        ModelInfo("gpt-5-mini", "max_completion_tokens", False, True, 0.25, 2.00),
    ),
    (r"^gpt-5", ModelInfo("gpt-5", "max_completion_tokens", False, True, 1.25, 10.00)),
    (r"^o\d", ModelInfo("o-series", "max_completion_tokens", False, True, 2.00, 8.00)),
    (r"^gpt-4\.1-mini", ModelInfo("gpt-4.1-mini", "max_tokens", False, True, 0.40, 1.60)),
    (r"^gpt-4\.1", ModelInfo("gpt-4.1", "max_tokens", False, True, 2.00, 8.00)),
    (r"^gpt-4o-mini", ModelInfo("gpt-4o-mini", "max_tokens", True, True, 0.15, 0.60)),
    (r"^gpt-4o", ModelInfo("gpt-4o", "max_tokens", True, True, 2.50, 10.00)),
    (r"^claude-(opus)", ModelInfo("claude-opus", "max_tokens", True, True, 15.00, 75.00)),
    (r"^claude-(sonnet)", ModelInfo("claude-sonnet", "max_tokens", True, True, 3.00, 15.00)),
    (r"^claude-(haiku)", ModelInfo("claude-haiku", "max_tokens", True, True, 1.00, 5.00)),
    (r"^claude-3", ModelInfo("claude-3", "max_tokens", True, False, 3.00, 15.00)),
    (r"^sonar-pro", ModelInfo("perplexity-sonar-pro", "max_tokens", True, True, 3.00, 15.00)),
    (r"^sonar", ModelInfo("perplexity-sonar", "max_tokens", True, True, 1.00, 1.00)),
    (r"^gemini-.*flash", ModelInfo("gemini-flash", "max_tokens", True, True, 0.30, 2.50)),
    (r"^gemini", ModelInfo("gemini-pro", "max_tokens", True, True, 1.25, 10.00)),
)
UNKNOWN = ModelInfo("unknown", "max_tokens", False, False, 15.00, 75.00)


def model_info(model: str) -> ModelInfo:
    name = (model or "").lower()
    for pattern, info in MODEL_TABLE:
        if re.match(pattern, name):
            return info
    return UNKNOWN


def uses_max_completion_tokens(model: str) -> bool:
    return model_info(model).token_param == "max_completion_tokens"


def accepts_temperature(model: str) -> bool:
    return model_info(model).temperature


def claude_supports_json_schema(model: str) -> bool:
    return model_info(model).json_schema
