from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_list_view, name="indicator-list"),
    path("<int:pk>/", views.indicator_detail_view, name="indicator-detail"),
    path(
        "<int:pk>/observations/new/",
        views.observation_propose_new,
        name="observation-propose-new",
    ),
    path(
        "observations/<int:pk>/propose/",
        views.observation_propose,
        name="observation-propose",
    ),
]
