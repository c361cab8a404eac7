"""The names of the errors activities raise (ApplicationError.type), for the retry policies
and the workflows: no SDK needed to read them."""

from __future__ import annotations

# Provider errors that will not heal on the next question either: the surface stops.
FATAL_SURFACE_ERRORS = ("AuthError", "PermissionDenied", "NotFound")
# Never worth another attempt.
NON_RETRYABLE_TYPES = ["BadRequest", "AuthError", "PermissionDenied", "NotFound", "Unprocessable"]
# Database activities: a missing row or an audit with nothing to ask will not appear by retrying.
DB_NON_RETRYABLE_TYPES = ["NotFound", "NoQueries", "UnknownSurface"]
