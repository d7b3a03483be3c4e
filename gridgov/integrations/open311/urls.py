from django.urls import path

from gridgov.integrations.open311 import views

urlpatterns = [
    path("", views.open311_root, name="open311-root"),
    path("discovery.<str:fmt>", views.discovery, name="open311-discovery"),
    path("services.<str:fmt>", views.services, name="open311-services"),
    path("services/<str:code>.<str:fmt>", views.service_definition, name="open311-service"),
    path("requests.<str:fmt>", views.requests_, name="open311-requests"),
    path("requests/<str:number>.<str:fmt>", views.request_detail, name="open311-request"),
    path("tokens/<str:token>.<str:fmt>", views.token_detail, name="open311-token"),
    path("servicerequestupdates.<str:fmt>", views.service_request_updates, name="open311-updates"),
]
