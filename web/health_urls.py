from django.urls import path

from web.tracker import views

urlpatterns = [path("", views.healthz, name="healthz")]
