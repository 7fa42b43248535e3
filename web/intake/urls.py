from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("template.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/status.json", views.batch_status, name="status"),
    path("<int:pk>/decide/", views.batch_decide, name="decide"),
]
