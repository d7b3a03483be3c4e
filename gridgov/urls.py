from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gridgov.cases.views import photo_original, photo_public
from gridgov.core.views import healthz
from gridgov.web.importviews import admin_import_urls, import_job_view
from gridgov.web.screen import screen_map, screen_page
from gridgov.web.security import AdminLoginForm
from gridgov.web.views import home

admin.site.site_header = "gridgov 网格化基层社会治理平台"
admin.site.site_title = "gridgov 管理后台"
admin.site.index_title = "基础数据管理"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url="/static/favicon.svg", permanent=True)),
    path("admin/imports/<int:pk>/", admin.site.admin_view(import_job_view), name="import-job"),
    *admin_import_urls(admin.site),
    path("admin/", admin.site.urls),
    path("api/v1/", include("gridgov.api_urls")),
    path("open311/v2/", include("gridgov.integrations.open311.urls")),
    path("console/", include("gridgov.web.urls_console")),
    path("m/", include("gridgov.web.urls_mobile")),
    path("screen/", screen_page, name="screen"),
    path("screen/map.json", screen_map, name="screen-map"),
    # Uploaded files have no public URL: every photo goes through a view that checks who asks (see README,
    # "Production": nginx serves them with X-Accel-Redirect).
    path("files/photos/<int:pk>.jpg", photo_public, name="case-photo"),
    path("files/photos/<int:pk>/original", photo_original, name="case-photo-original"),
]

handler400 = "gridgov.web.views.bad_request"
handler403 = "gridgov.web.views.permission_denied"
handler404 = "gridgov.web.views.page_not_found"
handler500 = "gridgov.web.views.server_error"
