from django.urls import path

from referrals.views import assessments, case_records, new_referral, referrals

app_name = "referrals"

urlpatterns = [
    path("", referrals.ReferralListView.as_view(), name="referral_list"),
    path("new/", referrals.ChildSearchView.as_view(), name="referral_new"),
    path("new/details/", new_referral.ReferralCreateView.as_view(), name="referral_new_details"),
    path("<int:pk>/", referrals.ReferralDetailView.as_view(), name="referral_detail"),
    path("<int:pk>/print/", referrals.ReferralPrintView.as_view(), name="referral_print"),
    path("<int:pk>/edit/", referrals.ReferralUpdateView.as_view(), name="referral_edit"),
    path("<int:pk>/child/edit/", referrals.ChildUpdateView.as_view(), name="child_edit"),
    path("<int:pk>/link/", referrals.ReferralLinkView.as_view(), name="referral_link"),
    path("<int:pk>/workflow/<slug:step>/", referrals.ReferralStepView.as_view(), name="referral_step"),
    # Risk assessments
    path("<int:pk>/assessments/new/", assessments.InstrumentChoiceView.as_view(), name="assessment_new"),
    path(
        "<int:pk>/assessments/new/<int:instrument_id>/",
        assessments.RiskAssessmentCreateView.as_view(),
        name="assessment_form",
    ),
    path(
        "<int:pk>/assessments/new/<int:instrument_id>/level/",
        assessments.ComputedLevelView.as_view(),
        name="assessment_level",
    ),
    path(
        "<int:pk>/assessments/<int:assessment_id>/",
        assessments.RiskAssessmentDetailView.as_view(),
        name="assessment_detail",
    ),
    path(
        "<int:pk>/assessments/<int:assessment_id>/decision/",
        assessments.RiskAssessmentDecisionView.as_view(),
        name="assessment_decide",
    ),
    # Chronology, actions and missing episodes
    path("<int:pk>/chronology/new/", case_records.ChronologyEntryCreateView.as_view(), name="chronology_new"),
    path("<int:pk>/actions/new/", case_records.ActionCreateView.as_view(), name="action_new"),
    path("<int:pk>/actions/<int:action_id>/done/", case_records.ActionCompleteView.as_view(), name="action_complete"),
    path("<int:pk>/missing-episodes/new/", case_records.MissingEpisodeCreateView.as_view(), name="missing_episode_new"),
    path(
        "<int:pk>/missing-episodes/<int:episode_id>/",
        case_records.MissingEpisodeUpdateView.as_view(),
        name="missing_episode_edit",
    ),
]
