from csp.decorators import csp_update
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from web.accounts.views import admin_login_redirect

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Redoc writes its styles into <style> elements at run time: that page alone allows them.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("healthz", include("web.health_urls")),
]
urlpatterns += i18n_patterns(
    # The admin has no sign-in of its own: the site's, with its second factor (issue 11).
    path("admin/login/", admin_login_redirect, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("web.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("indicators/", include("web.indicators.urls")),
    path("reports/", include("reports.urls")),
    path("", include("web.tracker.urls")),
    prefix_default_language=True,
)
# Uploaded evidence is never served straight from MEDIA_ROOT, not even in development: only the
# evidence view, which checks who may see a draft's files, hands it out.
