"""The API, versioned: /api/v1/. Breaking changes get a /api/v2/ beside it, never an edit here."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.indicators import views as indicator_views
from api.intake import views as intake_views
from api.tracker import views

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

router.register("programmes", indicator_views.ProgrammeViewSet, basename="programme")
router.register("indicators", indicator_views.IndicatorViewSet, basename="indicator")
router.register("targets", indicator_views.TargetViewSet, basename="target")
router.register("observations", indicator_views.ObservationViewSet, basename="observation")
router.register("dimensions", indicator_views.DimensionViewSet, basename="dimension")
router.register("imports", intake_views.ImportBatchViewSet, basename="import")

urlpatterns = [path("v1/", include(router.urls))]
