"""The API, versioned: /api/v1/. Breaking changes get a /api/v2/ beside it, never an edit here."""

from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import routers

from api.indicators import views as indicator_views
from api.intake import views as intake_views
from api.tracker import views

app_name = "api"


@extend_schema(
    summary="The API's endpoints",
    description="Every list of API v1 by name, with its absolute URL.",
    responses={200: OpenApiTypes.OBJECT},
)
class APIRootView(routers.APIRootView):
    """The endpoints of API v1; the interactive documentation is at /api/docs/."""


class Router(routers.DefaultRouter):
    """The lists, and at /api/v1/ the root that names them; no `.json` suffix routes."""

    include_format_suffixes = False
    APIRootView = APIRootView


router = Router()
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
