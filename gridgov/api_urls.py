from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from gridgov.accounts.api import MeApi
from gridgov.analytics.api import KpiApi, ScreenApi, ScreenFeedApi
from gridgov.care.api import (
    BoardApi,
    CheckInApi,
    DeviceListCreateApi,
    PairingApi,
    PlanDetailApi,
    PlanListCreateApi,
    ThresholdsApi,
)
from gridgov.care.api import action_paths as care_action_paths
from gridgov.cases.api import CaseDetailApi, CaseListCreateApi, CaseRevealPhoneApi, action_view
from gridgov.cases.workflow import ACTIONS
from gridgov.core.converters import IdConverter
from gridgov.deliberation import api as topics
from gridgov.emergency.api import (
    BroadcastApi,
    CalloutDetailApi,
    CalloutListApi,
    GroupListApi,
    ShiftCancelApi,
    ShiftCreateApi,
    UnitListApi,
)
from gridgov.emergency.api import action_paths as emergency_action_paths
from gridgov.integrations.api import DeviceIngestApi, IngestApi
from gridgov.mediation.api import (
    CaseToDisputeApi,
    DisputeAttachmentApi,
    DisputeDetailApi,
    DisputeDocumentApi,
    DisputeListCreateApi,
    DisputeStatsApi,
)
from gridgov.mediation.api import action_view as dispute_action_view
from gridgov.mediation.workflow import TABLE as DISPUTE_TABLE
from gridgov.notify.api import MessageListApi, MessageReadApi
from gridgov.orgs.api import OrgUnitDetailApi, OrgUnitListApi
from gridgov.people.api import (
    BuildingListApi,
    OrganisationListApi,
    ResidentDetailApi,
    ResidentExportApi,
    ResidentListApi,
    ResidentRevealApi,
    ResidentSearchApi,
)
from gridgov.points import api as points_tasks
from gridgov.points.api import (
    ClaimDetailApi,
    ClaimListCreateApi,
    CreditBoardsApi,
    CreditDetailApi,
    CreditListCreateApi,
    ItemListApi,
    MyHistoryApi,
    MyPointsApi,
    RedeemApi,
    RedemptionDetailApi,
    RedemptionListApi,
    RewardListApi,
    VolunteerDetailApi,
    VolunteerListCreateApi,
)
from gridgov.points.api import action_paths as points_action_paths
from gridgov.portal import api as portal
from gridgov.regions.api import LocateApi, RegionDetailApi, RegionListApi
from gridgov.supervision import api as supervision

register_converter(IdConverter, "id")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("me/", MeApi.as_view(), name="api-me"),
    path("messages/", MessageListApi.as_view(), name="api-message-list"),
    path("messages/read/", MessageReadApi.as_view(), name="api-message-read"),
    path("regions/", RegionListApi.as_view(), name="api-region-list"),
    path("regions/<str:code>/", RegionDetailApi.as_view(), name="api-region-detail"),
    path("locate/", LocateApi.as_view(), name="api-locate"),
    path("org-units/", OrgUnitListApi.as_view(), name="api-org-unit-list"),
    path("org-units/<id:pk>/", OrgUnitDetailApi.as_view(), name="api-org-unit-detail"),
    path("residents/", ResidentListApi.as_view(), name="api-resident-list"),
    path("residents/search/", ResidentSearchApi.as_view(), name="api-resident-search"),
    path("residents/export.xlsx", ResidentExportApi.as_view(), name="api-resident-export"),
    path("residents/<id:pk>/", ResidentDetailApi.as_view(), name="api-resident-detail"),
    path("residents/<id:pk>/reveal/", ResidentRevealApi.as_view(), name="api-resident-reveal"),
    path("buildings/", BuildingListApi.as_view(), name="api-building-list"),
    path("organisations/", OrganisationListApi.as_view(), name="api-organisation-list"),
    path("kpis/", KpiApi.as_view(), name="api-kpis"),
    path("screen/", ScreenApi.as_view(), name="api-screen"),
    path("screen/feed/", ScreenFeedApi.as_view(), name="api-screen-feed"),
    path("ingest/devices/<slug:vendor>/", DeviceIngestApi.as_view(), name="api-ingest-devices"),
    path("ingest/<slug:source>/", IngestApi.as_view(), name="api-ingest"),
    path("cases/", CaseListCreateApi.as_view(), name="api-case-list"),
    path("cases/<id:pk>/", CaseDetailApi.as_view(), name="api-case-detail"),
    path("cases/<id:pk>/reveal-phone/", CaseRevealPhoneApi.as_view(), name="api-case-reveal-phone"),
    *[path(f"cases/<id:pk>/{action}/", action_view(action), name=f"api-case-{action}") for action in ACTIONS],
    path("cases/<id:pk>/to-dispute/", CaseToDisputeApi.as_view(), name="api-case-to-dispute"),
    path("points/me/", MyPointsApi.as_view(), name="api-points-me"),
    path("points/history/", MyHistoryApi.as_view(), name="api-points-history"),
    path("points/items/", ItemListApi.as_view(), name="api-points-items"),
    path("points/rewards/", RewardListApi.as_view(), name="api-points-rewards"),
    path("points/rewards/<id:pk>/redeem/", RedeemApi.as_view(), name="api-points-redeem"),
    path("points/redemptions/", RedemptionListApi.as_view(), name="api-points-redemptions"),
    path("points/redemptions/<id:pk>/", RedemptionDetailApi.as_view(), name="api-points-redemption"),
    path("points/claims/", ClaimListCreateApi.as_view(), name="api-points-claims"),
    path("points/claims/<id:pk>/", ClaimDetailApi.as_view(), name="api-points-claim"),
    path("points/volunteers/", VolunteerListCreateApi.as_view(), name="api-points-volunteers"),
    path("points/volunteers/<id:pk>/", VolunteerDetailApi.as_view(), name="api-points-volunteer"),
    path("points/credit/", CreditListCreateApi.as_view(), name="api-points-credit"),
    path("points/credit/lists/", CreditBoardsApi.as_view(), name="api-points-credit-lists"),
    path("points/credit/<id:pk>/", CreditDetailApi.as_view(), name="api-points-credit-detail"),
    path("points/tasks/", points_tasks.TaskListCreateApi.as_view(), name="api-points-tasks"),
    path("points/tasks/<id:pk>/take/", points_tasks.TaskTakeApi.as_view(), name="api-points-task-take"),
    path("points/takes/", points_tasks.TakeListApi.as_view(), name="api-points-takes"),
    *points_action_paths(),
    path("care/board/", BoardApi.as_view(), name="api-care-board"),
    path("care/plans/", PlanListCreateApi.as_view(), name="api-care-plans"),
    path("care/plans/<id:pk>/", PlanDetailApi.as_view(), name="api-care-plan"),
    path("care/plans/<id:pk>/checkins/", CheckInApi.as_view(), name="api-care-checkin"),
    path("care/plans/<id:pk>/pairings/", PairingApi.as_view(), name="api-care-pairing"),
    path("care/plans/<id:pk>/thresholds/", ThresholdsApi.as_view(), name="api-care-thresholds"),
    *care_action_paths(),
    path("care/devices/", DeviceListCreateApi.as_view(), name="api-care-devices"),
    path("deliberation/topics/", topics.TopicListCreateApi.as_view(), name="api-topics"),
    path("deliberation/topics/<id:pk>/", topics.TopicDetailApi.as_view(), name="api-topic"),
    path("deliberation/topics/<id:pk>/settings/", topics.TopicSettingsApi.as_view(), name="api-topic-settings"),
    path("deliberation/topics/<id:pk>/support/", topics.SupportApi.as_view(), name="api-topic-support"),
    path("deliberation/topics/<id:pk>/comments/", topics.CommentApi.as_view(), name="api-topic-comments"),
    path("deliberation/topics/<id:pk>/vote/", topics.VoteApi.as_view(), name="api-topic-vote"),
    path("deliberation/topics/<id:pk>/ballots/", topics.BallotApi.as_view(), name="api-topic-ballots"),
    path("deliberation/topics/<id:pk>/rate/", topics.RateApi.as_view(), name="api-topic-rate"),
    path("deliberation/topics/<id:pk>/participants/", topics.ParticipantApi.as_view(),
         name="api-topic-participants"),
    path("deliberation/topics/<id:pk>/meetings/", topics.MeetingCreateApi.as_view(), name="api-topic-meetings"),
    path("deliberation/topics/<id:pk>/milestones/", topics.MilestoneCreateApi.as_view(),
         name="api-topic-milestones"),
    *topics.action_paths(),
    path("deliberation/meetings/<id:pk>/close/", topics.MeetingCloseApi.as_view(), name="api-meeting-close"),
    path("deliberation/meetings/<id:pk>/cancel/", topics.MeetingCancelApi.as_view(), name="api-meeting-cancel"),
    path("deliberation/meetings/<id:pk>/signup/", topics.MeetingSignUpApi.as_view(), name="api-meeting-signup"),
    path("deliberation/milestones/<id:pk>/done/", topics.MilestoneDoneApi.as_view(), name="api-milestone-done"),
    path("portal/articles/", portal.ArticleListCreateApi.as_view(), name="api-articles"),
    path("portal/articles/<id:pk>/", portal.ArticleDetailApi.as_view(), name="api-article"),
    path("portal/articles/<id:pk>/edit/", portal.ArticleEditApi.as_view(), name="api-article-edit"),
    path("portal/articles/<id:pk>/receipt/", portal.ReceiptApi.as_view(), name="api-article-receipt"),
    path("portal/articles/<id:pk>/signup/", portal.SignupApi.as_view(), name="api-article-signup"),
    path("portal/conversations/", portal.ConversationListCreateApi.as_view(), name="api-conversations"),
    path("portal/conversations/<id:pk>/", portal.ConversationDetailApi.as_view(), name="api-conversation"),
    path("portal/conversations/<id:pk>/messages/", portal.MessageApi.as_view(), name="api-conversation-messages"),
    path("portal/conversations/<id:pk>/assign/", portal.AssignApi.as_view(), name="api-conversation-assign"),
    path("portal/slots/", portal.SlotListCreateApi.as_view(), name="api-slots"),
    path("portal/slots/<id:pk>/book/", portal.BookApi.as_view(), name="api-slot-book"),
    path("portal/slots/<id:pk>/cancel/", portal.SlotCancelApi.as_view(), name="api-slot-cancel"),
    path("portal/appointments/", portal.AppointmentListApi.as_view(), name="api-appointments"),
    *portal.action_paths(),
    path("supervision/compounds/", supervision.CompoundListApi.as_view(), name="api-compounds"),
    path("supervision/inspections/", supervision.InspectionListApi.as_view(), name="api-inspections"),
    path("supervision/inspections/<id:pk>/", supervision.InspectionDetailApi.as_view(), name="api-inspection"),
    path("supervision/inspections/<id:pk>/submit/", supervision.InspectionSubmitApi.as_view(),
         name="api-inspection-submit"),
    path("supervision/inspections/<id:pk>/reinspect/", supervision.InspectionReinspectApi.as_view(),
         name="api-inspection-reinspect"),
    path("supervision/inspections/<id:pk>/cancel/", supervision.InspectionCancelApi.as_view(),
         name="api-inspection-cancel"),
    path("supervision/scores/", supervision.ScoreApi.as_view(), name="api-supervision-scores"),
    path("emergency/callouts/", CalloutListApi.as_view(), name="api-callouts"),
    path("emergency/callouts/<id:pk>/", CalloutDetailApi.as_view(), name="api-callout"),
    *emergency_action_paths(),
    path("emergency/units/", UnitListApi.as_view(), name="api-emergency-units"),
    path("emergency/shifts/", ShiftCreateApi.as_view(), name="api-emergency-shifts"),
    path("emergency/shifts/<id:pk>/cancel/", ShiftCancelApi.as_view(), name="api-emergency-shift-cancel"),
    path("emergency/groups/", GroupListApi.as_view(), name="api-emergency-groups"),
    path("emergency/groups/<id:pk>/broadcast/", BroadcastApi.as_view(), name="api-emergency-broadcast"),
    path("disputes/", DisputeListCreateApi.as_view(), name="api-dispute-list"),
    path("disputes/stats/", DisputeStatsApi.as_view(), name="api-dispute-stats"),
    path("disputes/materials/<id:pk>/", DisputeAttachmentApi.as_view(), name="api-dispute-attachment"),
    path("disputes/<id:pk>/", DisputeDetailApi.as_view(), name="api-dispute-detail"),
    path("disputes/<id:pk>/documents/<slug:name>.pdf", DisputeDocumentApi.as_view(), name="api-dispute-document"),
    path("disputes/<id:pk>/documents/<slug:name>.docx", DisputeDocumentApi.as_view(), {"fmt": "docx"},
         name="api-dispute-document-docx"),
    *[path(f"disputes/<id:pk>/{action}/", dispute_action_view(action), name=f"api-dispute-{action}")
      for action in DISPUTE_TABLE.actions],
]
