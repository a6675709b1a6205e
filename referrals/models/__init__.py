"""The referrals app's records, split by subject (DESIGN.md: a package past ~800 lines)."""

from referrals.models.assessments import Answer, IndicatorAnswer, RiskAssessment, Timeframe
from referrals.models.case_records import Action, ChronologyEntry, MissingEpisode
from referrals.models.children import Child, ChildNameWord, Ethnicity, Gender, SpecialNeeds
from referrals.models.instruments import Band, Indicator, Instrument, OverrideRule, RiskLevel, Section
from referrals.models.referrals import (
    ACTIVE_STATUSES,
    Channel,
    ClosureReason,
    ConsentNotSoughtReason,
    ConsentOutcome,
    ExploitationModel,
    ReferenceCounter,
    Referral,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    Status,
    StatusChange,
)

__all__ = [
    "ACTIVE_STATUSES",
    "Action",
    "Answer",
    "Band",
    "Channel",
    "Child",
    "ChildNameWord",
    "ChronologyEntry",
    "ClosureReason",
    "ConsentNotSoughtReason",
    "ConsentOutcome",
    "Ethnicity",
    "ExploitationModel",
    "Gender",
    "Indicator",
    "IndicatorAnswer",
    "Instrument",
    "MissingEpisode",
    "OverrideRule",
    "ReferenceCounter",
    "Referral",
    "ReferralGroupObjectPermission",
    "ReferralUserObjectPermission",
    "RiskAssessment",
    "RiskLevel",
    "Section",
    "SpecialNeeds",
    "Status",
    "StatusChange",
    "Timeframe",
]
