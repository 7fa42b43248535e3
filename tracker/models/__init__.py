from .base import Curation, DataFlag, DataFlagCode, localized
from .changes import (
    ChangeOperation,
    ChangeRequest,
    ChangeStatus,
    Evidence,
    ReviewAction,
    ReviewEvent,
)
from .law import Citation, LegalAct, LegalActAlias, LegalActStatus, LegalActType
from .measures import Measure, MeasureKind, MeasureStatus
from .notifications import Notification, NotificationKind, NotificationStatus
from .reference import (
    Article,
    ArticlePart,
    Organization,
    OrganizationKind,
    RepairStatus,
    ReportParagraph,
    TechnicalAid,
    User,
)

__all__ = [
    "Article",
    "ArticlePart",
    "ChangeOperation",
    "ChangeRequest",
    "ChangeStatus",
    "Citation",
    "Curation",
    "DataFlag",
    "DataFlagCode",
    "Evidence",
    "LegalAct",
    "LegalActAlias",
    "LegalActStatus",
    "LegalActType",
    "Measure",
    "MeasureKind",
    "MeasureStatus",
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "Organization",
    "OrganizationKind",
    "RepairStatus",
    "ReportParagraph",
    "ReviewAction",
    "ReviewEvent",
    "TechnicalAid",
    "User",
    "localized",
]
