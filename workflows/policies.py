"""Retry policies and timeouts: Temporal is the only retry layer."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

from contracts.errors import DB_NON_RETRYABLE_TYPES, NON_RETRYABLE_TYPES

LLM_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=10,
    non_retryable_error_types=NON_RETRYABLE_TYPES,
)
# Each attempt is one HTTP call bounded by the SDK's own timeout (LLM_TIMEOUT_S); the
# activity's start-to-close is that plus slack.
LLM_TIMEOUT_SLACK = timedelta(seconds=10)
# Cancellation reaches a running call with its next heartbeat (sent at most every 0.8 × this).
LLM_HEARTBEAT = timedelta(seconds=5)
# Bounds what one question may cost in time, retries and queueing included.
LLM_SCHEDULE_TO_CLOSE = timedelta(minutes=20)

DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=20),
    non_retryable_error_types=DB_NON_RETRYABLE_TYPES,
)
# Writes take milliseconds; a short timeout lets a write lost with a killed worker retry soon.
DB_START_TO_CLOSE = timedelta(seconds=15)
# A database outage should stall an audit, not fail it: retry for up to an hour.
DB_SCHEDULE_TO_CLOSE = timedelta(hours=1)

# The written summary is a nicety: a few tries, then the rule-based one.
SUMMARY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=3,
    non_retryable_error_types=NON_RETRYABLE_TYPES,
)
SUMMARY_TIMEOUT = timedelta(seconds=120)
# A webhook may be down for a while; give it about ten minutes.
ALERT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    maximum_interval=timedelta(minutes=2),
    maximum_attempts=8,
)
