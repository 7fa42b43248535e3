from django.urls import path

from . import pages, search, tokens, views

app_name = "tracker"
urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("articles/<int:number>/", pages.article_detail, name="article-detail"),
    path("measures/", views.measure_list_view, name="measure-list"),
    path("measures/new/", views.measure_propose_new, name="measure-propose-new"),
    path("measures/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/propose/", views.measure_propose, name="measure-propose"),
    path("legal-acts/", views.legal_act_list, name="legal-act-list"),
    path("legal-acts/<int:pk>/", views.legal_act_detail, name="legal-act-detail"),
    path("legal-acts/<int:pk>/propose/", views.legal_act_propose, name="legal-act-propose"),
    path("organisations/", pages.organization_list, name="organization-list"),
    path("organisations/<str:code>/", pages.organization_detail, name="organization-detail"),
    path("lookup/<slug:kind>/", views.lookup, name="lookup"),
    path("my-work/", views.my_work, name="my-work"),
    path("search/", search.search_page, name="search"),
    path("changes/<int:pk>/", views.change_request_detail, name="change-request-detail"),
    path("changes/<int:pk>/edit/", views.change_request_edit, name="change-request-edit"),
    path("changes/<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"),
    path(
        "changes/<int:pk>/<slug:action>/",
        views.change_request_action,
        name="change-request-action",
    ),
    path("account/api-tokens/", tokens.api_tokens, name="api-tokens"),
    path("account/api-tokens/revoke/", tokens.api_token_revoke, name="api-token-revoke"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]
