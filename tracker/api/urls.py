"""The API, versioned: /api/v1/. Breaking changes get a /api/v2/ beside it, never an edit here."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("paragraphs", views.ParagraphViewSet, basename="paragraph")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("legal-acts", views.LegalActViewSet, basename="legal-act")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("data-flags", views.DataFlagViewSet, basename="data-flag")
router.register("change-requests", views.ChangeRequestViewSet, basename="change-request")

urlpatterns = [
    path("v1/", include(router.urls)),
    # indicators' endpoints under the same version, included by name: tracker imports nothing
    # from indicators (tracker ← indicators).
    path("v1/", include("indicators.api.urls")),
]
