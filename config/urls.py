from csp.decorators import csp_update
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from web import health
from web.accounts.views import admin_login_redirect

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from the vendored drf-spectacular-sidecar assets and our own start-up script
    # (templates/drf_spectacular/swagger_ui.html): nothing from a CDN, no inline script. Its
    # widgets set styles at run time: that page alone allows inline styles.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
            SpectacularSwaggerView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("healthz", include("web.health_urls")),
    path("readyz", health.readyz, name="readyz"),
]
urlpatterns += i18n_patterns(
    # The admin has no sign-in of its own: the site's, with its second factor (issue 11).
    path("admin/login/", admin_login_redirect, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("web.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("indicators/", include("web.indicators.urls")),
    path("reports/", include("reports.urls")),
    path("exports/", include("exports.urls")),
    path("imports/", include("web.intake.urls")),
    path("", include("web.tracker.urls")),
    prefix_default_language=True,
)
# Uploaded evidence is never served straight from MEDIA_ROOT, not even in development: only the
# evidence view, which checks who may see a draft's files, hands it out.
