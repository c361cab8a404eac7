"""What a model family accepts and what it costs, and what a surface can do.

Prices are US dollars per million tokens (input, output) and per thousand web searches, list
prices as published by the providers for these families (searches: OpenAI's web search tool
$10/1k calls on GPT-5 and o-series, $25/1k on GPT-4o/4.1; Anthropic's web search $10/1k;
Perplexity's request fee at medium search context, $8/1k sonar, $10/1k sonar-pro and
sonar-reasoning-pro; Gemini's grounding with Google Search $35/1k grounded prompts). Unknown
models get safe defaults (no temperature, the classic `max_tokens` parameter, the table's most
expensive prices, so budgets err on the safe side).

Gemini: the Gemini Developer API's paid tier (ai.google.dev/gemini-api/docs/pricing, as read in
December 2025), for prompts up to 200k tokens; thinking tokens bill as output. Its grounding is
priced per grounded prompt at $35/1k for every family: Gemini 3 bills per search query instead
($14/1k from January 2026), and a prompt may run several queries, so the per-prompt price keeps
budgets on the safe side there too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# How a surface searches the web: OpenAI's Responses `web_search` tool, Anthropic's
# `web_search` server tool, Gemini's grounding with Google Search (`google_search` tool), an
# engine that searches on every call and returns its sources in fields of its own
# (Perplexity's `citations` / `search_results`), or not at all.
WebSearchStyle = Literal["responses_tool", "server_tool", "google_search", "always", "none"]
TokenParam = Literal["max_tokens", "max_completion_tokens"]


@dataclass(frozen=True)
class Capabilities:
    """What one surface accepts: strict JSON schema, web search, temperature, token parameter."""

    json_schema: bool
    web_search: WebSearchStyle
    temperature: bool
    token_param: TokenParam

    def searches(self, requested: bool) -> bool:
        """Whether an ask with `web_search` set actually searches on this surface."""
        return self.web_search == "always" or (requested and self.web_search != "none")


@dataclass(frozen=True)
class ModelInfo:
    family: str
    token_param: TokenParam
    temperature: bool
    json_schema: bool
    input_per_mtok: float
    output_per_mtok: float
    search_per_k: float = 10.0

    def cost_usd(self, input_tokens: int, output_tokens: int, searches: int = 0) -> float:
        return (
            input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok
        ) / 1e6 + searches * self.search_per_k / 1e3


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
    (r"^gpt-4\.1-mini", ModelInfo("gpt-4.1-mini", "max_tokens", False, True, 0.40, 1.60, 25.0)),
    (r"^gpt-4\.1", ModelInfo("gpt-4.1", "max_tokens", False, True, 2.00, 8.00, 25.0)),
    (r"^gpt-4o-mini", ModelInfo("gpt-4o-mini", "max_tokens", True, True, 0.15, 0.60, 25.0)),
    (r"^gpt-4o", ModelInfo("gpt-4o", "max_tokens", True, True, 2.50, 10.00, 25.0)),
    # Today's Messages API takes no temperature.
    (r"^claude-(opus)", ModelInfo("claude-opus", "max_tokens", False, True, 15.00, 75.00)),
    (r"^claude-(sonnet)", ModelInfo("claude-sonnet", "max_tokens", False, True, 3.00, 15.00)),
    (r"^claude-(haiku)", ModelInfo("claude-haiku", "max_tokens", False, True, 1.00, 5.00)),
    (r"^claude-3", ModelInfo("claude-3", "max_tokens", True, False, 3.00, 15.00)),
    (
        r"^sonar-reasoning-pro",
        ModelInfo("perplexity-sonar-reasoning-pro", "max_tokens", True, True, 2.00, 8.00, 10.0),
    ),
    (r"^sonar-pro", ModelInfo("perplexity-sonar-pro", "max_tokens", True, True, 3.00, 15.00, 10.0)),
    (r"^sonar", ModelInfo("perplexity-sonar", "max_tokens", True, True, 1.00, 1.00, 8.0)),
    # Flash-Lite before Flash, Flash before the catch-all.
    (
        r"^gemini-2\.0-flash-lite",
        ModelInfo("gemini-2.0-flash-lite", "max_tokens", True, True, 0.075, 0.30, 35.0),
    ),
    (
        r"^gemini-.*flash-lite",
        ModelInfo("gemini-flash-lite", "max_tokens", True, True, 0.10, 0.40, 35.0),
    ),
    (
        r"^gemini-2\.0-flash",
        ModelInfo("gemini-2.0-flash", "max_tokens", True, True, 0.10, 0.40, 35.0),
    ),
    (
        r"^gemini-3(\.\d+)?-flash",
        ModelInfo("gemini-3-flash", "max_tokens", True, True, 0.50, 3.00, 35.0),
    ),
    (r"^gemini-.*flash", ModelInfo("gemini-flash", "max_tokens", True, True, 0.30, 2.50, 35.0)),
    (r"^gemini-2\.5-pro", ModelInfo("gemini-2.5-pro", "max_tokens", True, True, 1.25, 10.00, 35.0)),
    # Gemini 3 Pro, and any newer Gemini this table does not know yet.
    (r"^gemini", ModelInfo("gemini-pro", "max_tokens", True, True, 2.00, 12.00, 35.0)),
)
UNKNOWN = ModelInfo("unknown", "max_tokens", False, False, 15.00, 75.00, 35.0)


def model_info(model: str) -> ModelInfo:
    name = (model or "").lower()
    for pattern, info in MODEL_TABLE:
        if re.match(pattern, name):
            return info
    return UNKNOWN
