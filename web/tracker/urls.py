from django.urls import path

from web.caching import public_page

from . import pages, search, tokens, views

app_name = "tracker"
# The public pages (public_page: cached for the anonymous public under the data generation).
urlpatterns = [
    path("", public_page(pages.dashboard), name="dashboard"),
    path("articles/<int:number>/", public_page(pages.article_detail), name="article-detail"),
    path("measures/", public_page(views.measure_list_view), name="measure-list"),
    path("measures/new/", views.measure_propose_new, name="measure-propose-new"),
    path("measures/<int:pk>/", public_page(views.measure_detail), name="measure-detail"),
    path("measures/<int:pk>/propose/", views.measure_propose, name="measure-propose"),
    path("legal-acts/", public_page(views.legal_act_list), name="legal-act-list"),
    path("legal-acts/<int:pk>/", public_page(views.legal_act_detail), name="legal-act-detail"),
    path("legal-acts/<int:pk>/propose/", views.legal_act_propose, name="legal-act-propose"),
    path("organisations/", public_page(pages.organization_list), name="organization-list"),
    path(
        "organisations/<str:code>/",
        public_page(pages.organization_detail),
        name="organization-detail",
    ),
    path("lookup/<slug:kind>/", views.lookup, name="lookup"),
    path("my-work/", views.my_work, name="my-work"),
    path("search/", public_page(search.search_page), name="search"),
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
