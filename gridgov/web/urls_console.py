from django.contrib.auth import views as auth_views
from django.urls import path

from gridgov.web import console, disputes

urlpatterns = [
    path("", console.home, name="console-home"),
    path("login/", console.LoginView.as_view(), name="console-login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/console/login/"), name="console-logout"),
    path("queue/", console.queue, name="console-queue"),
    path("intake/", console.intake, name="console-intake"),
    path("intake/caller/", console.caller_history, name="console-caller-history"),
    path("cases/", console.cases, name="console-cases"),
    path("inbox/", console.inbox, name="console-inbox"),
    path("board/", console.board, name="console-board"),
    path("stats/", console.stats, name="console-stats"),
    path("messages/", console.message_list, name="console-messages"),
    path("messages/<int:pk>/", console.message_open, name="console-message"),
    path("map/", console.grid_map, name="console-map"),
    path("map/data.json", console.map_data, name="console-map-data"),
    path("cases/<int:pk>/", console.case_detail, name="console-case"),
    path("cases/<int:pk>/reveal-phone/", console.reveal_phone, name="console-case-reveal-phone"),
    path("cases/<int:pk>/to-dispute/", disputes.case_to_dispute, name="console-case-to-dispute"),
    path("cases/<int:pk>/<str:action>/", console.case_detail, name="console-case-act"),
    path("disputes/", disputes.disputes, name="console-disputes"),
    path("disputes/report/", disputes.dispute_report, name="console-dispute-report"),
    path("disputes/mine/", disputes.dispute_inbox, name="console-dispute-inbox"),
    path("disputes/materials/<int:pk>/", disputes.dispute_attachment, name="console-dispute-attachment"),
    path("disputes/new/", disputes.dispute_new, name="console-dispute-new"),
    path("disputes/window/", disputes.dispute_window, name="console-dispute-window"),
    path("disputes/board/", disputes.dispute_board, name="console-dispute-board"),
    path("disputes/<int:pk>/", disputes.dispute_detail, name="console-dispute"),
    path("disputes/<int:pk>/agreement.pdf", disputes.dispute_document, name="console-dispute-agreement"),
    path("disputes/<int:pk>/documents/<slug:name>.pdf", disputes.dispute_document, name="console-dispute-document"),
    path("disputes/<int:pk>/documents/<slug:name>.docx", disputes.dispute_document, {"fmt": "docx"},
         name="console-dispute-document-docx"),
    path("disputes/<int:pk>/<str:action>/", disputes.dispute_detail, name="console-dispute-act"),
]
