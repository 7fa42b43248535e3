"""The tracker's models, one domain sub-package each; imported here so that Django registers them
under the `tracker` app label (the migrations are unchanged by the split)."""

from tracker.accounts.models import SignInEvent, SignInEventKind
from tracker.common.models import Curation, localized
from tracker.convention.models import (
    Article,
    ArticlePart,
    RepairStatus,
    ReportParagraph,
    TechnicalAid,
)
from tracker.law.models import Citation, LegalAct, LegalActAlias, LegalActStatus, LegalActType
from tracker.measures.models import Measure, MeasureKind, MeasureStatus
from tracker.organisations.models import Organization, OrganizationKind, User
from tracker.outbox.models import (
    Notification,
    NotificationAttachment,
    NotificationKind,
    NotificationStatus,
)
from tracker.quality.models import DataFlag, DataFlagCode
from tracker.workflow.models import (
    ChangeOperation,
    ChangeRequest,
    ChangeStatus,
    Evidence,
    ReviewAction,
    ReviewEvent,
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
    "NotificationAttachment",
    "NotificationKind",
    "NotificationStatus",
    "Organization",
    "OrganizationKind",
    "RepairStatus",
    "ReportParagraph",
    "ReviewAction",
    "ReviewEvent",
    "SignInEvent",
    "SignInEventKind",
    "TechnicalAid",
    "User",
    "localized",
]
