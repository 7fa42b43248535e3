from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("observations/tidy.csv", views.export_tidy, name="tidy"),
    path("change-requests.<slug:fmt>", views.export_change_requests, name="change-requests"),
    path("<slug:name>.<slug:fmt>", views.export_list, name="list"),
]
