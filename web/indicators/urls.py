from django.urls import path

from web.caching import public_page

from . import pages, views

app_name = "indicators"
urlpatterns = [
    path("", public_page(pages.indicator_list_view), name="indicator-list"),
    path("<int:pk>/", public_page(pages.indicator_detail_view), name="indicator-detail"),
    path("programmes/", public_page(pages.programme_list_view), name="programme-list"),
    path("programmes/<int:pk>/", public_page(pages.programme_detail_view), name="programme-detail"),
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
