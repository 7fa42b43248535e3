"""indicators' routes, included under /api/v1/ by tracker/api/urls.py (same `api` namespace)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("targets", views.TargetViewSet, basename="target")
router.register("observations", views.ObservationViewSet, basename="observation")
router.register("dimensions", views.DimensionViewSet, basename="dimension")

urlpatterns = router.urls
