"""Property-based tests of the whole API from its OpenAPI document: no 5xx, schemas honoured."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import positive_data_acceptance

from tests.integration.conftest import Live

pytestmark = pytest.mark.slow


def test_api_contract(live: Live) -> None:
    # Give the fuzzer real ids to find too, not only random ones.
    prop = live.new_property(name="Fuzz Target")
    schema = schemathesis.openapi.from_url(f"{live.stack.api_url}/openapi.json")
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # Ok | Err: an Err raises here
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: Any) -> None:
            # Text with NUL characters or lone surrogates is refused (422) on purpose: no
            # database can store it, and JSON Schema cannot say so.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()
    assert operations >= 20
    assert live.api.get(f"/properties/{prop['id']}").status_code in (200, 404)
