"""Tables: organisations, properties, queries, audits (one per batch), runs, answers,
citations, scores, revisions and unusable calls."""

from db.models.answers import Answer, CitationRow, UnusableCall
from db.models.audits import Audit, Revision, Run, Score
from db.models.base import NAMING, Base, JsonType, UTCDateTime, utcnow
from db.models.properties import Property, Query
from db.models.tenancy import ApiKey, Organisation

__all__ = [
    "NAMING",
    "Answer",
    "ApiKey",
    "Audit",
    "Base",
    "CitationRow",
    "JsonType",
    "Organisation",
    "Property",
    "Query",
    "Revision",
    "Run",
    "Score",
    "UTCDateTime",
    "UnusableCall",
    "utcnow",
]
