from django.urls import path

from . import pages, views

app_name = "indicators"
urlpatterns = [
    path("", pages.indicator_list_view, name="indicator-list"),
    path("<int:pk>/", pages.indicator_detail_view, name="indicator-detail"),
    path("programmes/", pages.programme_list_view, name="programme-list"),
    path("programmes/<int:pk>/", pages.programme_detail_view, name="programme-detail"),
    path(
        "<int:pk>/observations/new/",
        views.observation_propose_new,
        name="observation-propose-new",
    ),
    path("<int:pk>/propose/", views.indicator_propose, name="indicator-propose"),
    path("<int:pk>/targets/new/", views.target_propose_new, name="target-propose-new"),
    path("targets/<int:pk>/propose/", views.target_propose, name="target-propose"),
    path(
        "observations/<int:pk>/propose/",
        views.observation_propose,
        name="observation-propose",
    ),
]
