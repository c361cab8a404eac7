"""Request and response bodies, bounded so that hostile input gets a clear 422.

One module per domain noun; every name is re-exported here, so `from api.schemas import X`
is the way in. The class names are the OpenAPI schema's component names.
"""

from __future__ import annotations

from api.schemas.audits import (
    AskerLocationIn,
    AuditCreate,
    AuditEstimate,
    AuditOptions,
    AuditStarted,
    AuditState,
    CostCap,
    RunRef,
    RunState,
)
from api.schemas.common import (
    ERROR_RESPONSES,
    ErrorOut,
    Keyword,
    Mode,
    Name,
    QueryTypeName,
    RequestModel,
    ShortText,
    SurfaceName,
)
from api.schemas.insights import BatchStatus, Insights, SurfaceScore
from api.schemas.orgs import KeyCreated, KeyPublic, OrgCreate, OrgCreated, OrgPublic, ShownOnce
from api.schemas.properties import (
    AddressIn,
    AddressOut,
    BrandDomain,
    CompetitorIn,
    PropertyCreate,
    PropertyFields,
    PropertyPublic,
    PropertyUpdate,
    Url,
)
from api.schemas.queries import (
    GenerateResult,
    QueriesActivation,
    QueryCreate,
    QueryList,
    QueryPublic,
    QueryText,
    QueryUpdate,
    Weight,
)
from api.schemas.recommendations import RecommendationsOut
from api.schemas.rescoring import RescoreState
from api.schemas.runs import AnswerPublic, CitationPublic, RunDetail, ScorePublic
from api.schemas.schedules import ScheduleIn, ScheduleOut
from api.schemas.trends import (
    CombinedScore,
    Direction,
    DomainSeen,
    DomainStatus,
    PurgeIn,
    PurgeOut,
    RunDiff,
    RunTrend,
    SurfaceScoreNow,
    Trend,
)

__all__ = [
    "ERROR_RESPONSES",
    "AddressIn",
    "AddressOut",
    "AnswerPublic",
    "AskerLocationIn",
    "AuditCreate",
    "AuditOptions",
    "AuditEstimate",
    "AuditStarted",
    "AuditState",
    "BatchStatus",
    "BrandDomain",
    "CitationPublic",
    "CombinedScore",
    "CompetitorIn",
    "CostCap",
    "Direction",
    "DomainSeen",
    "DomainStatus",
    "ErrorOut",
    "GenerateResult",
    "Insights",
    "KeyCreated",
    "KeyPublic",
    "Keyword",
    "Mode",
    "Name",
    "OrgCreate",
    "OrgCreated",
    "OrgPublic",
    "PropertyCreate",
    "PropertyFields",
    "PropertyPublic",
    "PropertyUpdate",
    "PurgeIn",
    "PurgeOut",
    "QueriesActivation",
    "QueryCreate",
    "QueryList",
    "QueryPublic",
    "QueryText",
    "QueryTypeName",
    "QueryUpdate",
    "RecommendationsOut",
    "RequestModel",
    "RescoreState",
    "RunDetail",
    "RunDiff",
    "RunRef",
    "RunState",
    "RunTrend",
    "ScheduleIn",
    "ScheduleOut",
    "ScorePublic",
    "ShortText",
    "ShownOnce",
    "SurfaceName",
    "SurfaceScore",
    "SurfaceScoreNow",
    "Trend",
    "Url",
    "Weight",
]
