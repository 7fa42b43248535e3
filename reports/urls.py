from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
    path("get/<str:kind>/<str:fmt>/", views.download_period, name="download-period"),
]
