from django.urls import path

from gridgov.web import mobile

urlpatterns = [
    path("", mobile.m_home, name="m-home"),
    path("login/", mobile.m_login, name="m-login"),
    path("cases/<int:pk>/", mobile.m_case, name="m-case"),
    path("nearby/", mobile.m_nearby, name="m-nearby"),
]
