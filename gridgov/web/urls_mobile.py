from django.contrib.auth.views import LogoutView
from django.urls import path

from gridgov.web import (
    mobile,
    mobile_care,
    mobile_points,
    mobile_portal,
    mobile_topics,
    mobile_work,
    supervision,
)

urlpatterns = [
    path("", mobile.m_home, name="m-home"),
    path("login/", mobile.m_login, name="m-login"),
    path("logout/", LogoutView.as_view(next_page="/m/login/"), name="m-logout"),
    path("cases/<int:pk>/", mobile.m_case, name="m-case"),
    path("nearby/", mobile.m_nearby, name="m-nearby"),
    path("points/", mobile_points.points_home, name="m-points"),
    path("points/claim/", mobile_points.points_claim, name="m-points-claim"),
    path("points/tasks/", mobile_points.points_tasks, name="m-points-tasks"),
    path("points/shop/", mobile_points.points_shop, name="m-points-shop"),
    path("points/credit/", mobile_points.points_credit, name="m-points-credit"),
    path("inspect/", supervision.inspect_home, name="m-inspect"),
    path("work/assessment/", supervision.my_assessment, name="m-my-assessment"),
    path("work/patrol/", supervision.patrol_page, name="m-patrol"),
    path("inspect/<int:pk>/", supervision.inspect_page, name="m-inspect-form"),
    path("inspect/photos/<int:pk>/", supervision.result_photo, name="m-inspect-photo"),
    path("portal/", mobile_portal.portal_home, name="m-portal"),
    path("portal/<int:pk>/", mobile_portal.portal_article, name="m-article"),
    path("ask/", mobile_portal.ask_home, name="m-ask-home"),
    path("ask/<int:pk>/", mobile_portal.ask_page, name="m-ask"),
    path("ask/media/<int:pk>/<slug:what>/", mobile_portal.ask_media, name="m-ask-media"),
    path("appointments/", mobile_portal.appointments_home, name="m-appointments"),
    path("topics/", mobile_topics.topics_home, name="m-topics"),
    path("topics/new/", mobile_topics.topic_propose, name="m-topic-new"),
    path("topics/<int:pk>/", mobile_topics.topic_page, name="m-topic"),
    path("care/", mobile_care.care_home, name="m-care"),
    path("emergency/", mobile_care.emergency_home, name="m-emergency"),
    path("work/", mobile_work.work_home, name="m-work"),
    path("work/cases/<int:pk>/", mobile_work.work_case, name="m-work-case"),
    path("work/cases/<int:pk>/<str:action>/", mobile_work.work_case, name="m-work-case-act"),
]
