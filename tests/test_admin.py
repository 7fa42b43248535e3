"""Every admin changelist and add page loads for a superuser, under a fixed query budget."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories as f
from tracker import models as tm

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    ((m._meta.app_label, m._meta.model_name) for m in admin.site._registry),
)
# Generous enough for inlines and filters, tight enough to catch an N+1 over 20 rows.
CHANGELIST_BUDGET = 25
ADD_BUDGET = 25


@pytest.fixture
def populated(db):
    """A few rows of everything, so list pages render real rows (N+1s show up only with rows)."""
    orgs = [f.OrganizationFactory() for _ in range(5)]
    for _ in range(20):
        measure = f.MeasureFactory(organizations=orgs[:2])
        measure.legal_basis.add(f.CitationFactory())
        f.ObservationFactory()
        f.TargetFactory()
        f.ChangeRequestFactory()


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_changelist_loads_within_budget(
    client, superuser, populated, django_assert_max_num_queries, app_label, model_name
):
    client.force_login(superuser)
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    with django_assert_max_num_queries(CHANGELIST_BUDGET):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_add_page_loads_within_budget_or_is_refused_by_design(
    client, superuser, django_assert_max_num_queries, app_label, model_name
):
    client.force_login(superuser)
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    model_admin = admin.site._registry[model]
    url = reverse(f"admin:{app_label}_{model_name}_add")
    with django_assert_max_num_queries(ADD_BUDGET):
        response = client.get(url)
    request = response.wsgi_request
    if model_admin.has_add_permission(request):
        assert response.status_code == 200
    else:
        # Change requests, review events and evidence are created only by the workflow.
        assert response.status_code == 403


def test_admin_speaks_kazakh_by_default_and_switches_language(client, superuser):
    client.force_login(superuser)
    response = client.get("/kk/admin/")
    assert response.status_code == 200
    assert 'lang="kk"' in response.content.decode()
    assert 'name="language"' in response.content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/admin/"})
    assert response.status_code == 302
    response = client.get("/en/admin/")
    assert 'lang="en"' in response.content.decode()


def test_measure_status_is_read_only_in_the_admin(client, superuser):
    measure = f.MeasureFactory(status="in_progress")
    client.force_login(superuser)
    url = reverse("admin:tracker_measure_change", args=[measure.pk])
    page = client.get(url).content.decode()
    assert 'name="status"' not in page
    assert 'name="progress"' not in page


def _evidence():
    cr = f.ChangeRequestFactory()
    return tm.Evidence.objects.create(
        change_request=cr,
        file="evidence/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=cr.author,
    )


def _review_event():
    cr = f.ChangeRequestFactory()
    return tm.ReviewEvent.objects.create(
        change_request=cr, action="create", to_status="draft", actor=cr.author
    )


def _snapshot(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.mark.parametrize(
    "make",
    [
        f.MeasureFactory,
        f.LegalActFactory,
        f.ObservationFactory,
        f.CitationFactory,
        f.ChangeRequestFactory,
        _evidence,
        _review_event,
    ],
)
def test_live_and_workflow_records_cannot_be_edited_or_deleted_in_the_admin(
    client, superuser, make
):
    obj = make()
    opts = obj._meta
    before = _snapshot(obj)
    client.force_login(superuser)
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200  # the record and its history stay visible
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"title_kk": "changed behind the reviewers' backs", "size": 1})
    assert response.status_code == 403
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    obj.refresh_from_db()
    assert _snapshot(obj) == before


@pytest.mark.parametrize("make", [f.MeasureFactory, f.LegalActFactory, f.ObservationFactory])
def test_the_history_page_cannot_revert_a_live_record(client, superuser, make):
    obj = make()
    model = type(obj)
    first = obj.history.order_by("history_id").first()
    before = _snapshot(model.objects.get(pk=obj.pk))
    client.force_login(superuser)
    opts = obj._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, first.history_id],
    )
    assert client.post(url, {"title_kk": "HACKED", "value": "1"}).status_code == 403
    assert _snapshot(model.objects.get(pk=obj.pk)) == before
