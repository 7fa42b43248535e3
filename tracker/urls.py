from django.urls import path

from . import views

app_name = "tracker"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("articles/<int:number>/", views.article_detail, name="article-detail"),
    # Placeholder until the workflow pages land: where a signed-in person starts.
    path("my-work/", views.dashboard, name="my-work"),
]
