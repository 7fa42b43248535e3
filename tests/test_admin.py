"""Every admin changelist and add page loads for a superuser, under a fixed query budget."""

import pytest
from django.contrib import admin
from django.urls import reverse

from indicators import models as im
from tests import factories as f
from tracker import models as tm
from tracker.common.services import StaleEdit, reference_save

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
    # The language switcher is links to the same page in the other languages.
    assert 'href="/en/admin/" lang="en" hreflang="en"' in response.content.decode()
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
        f.TargetFactory,
        f.IndicatorFactory,
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


@pytest.mark.parametrize(
    "make", [f.MeasureFactory, f.LegalActFactory, f.ObservationFactory, f.TargetFactory]
)
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


# Reference data: edited in the admin, saved through tracker/common/services.py ----------------


def _post_data(response, **changes) -> dict:
    """What the browser would send back from an admin change or add page, with `changes`."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    data.update(changes)
    return data


def _admin_url(obj, action: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])


@pytest.mark.parametrize(
    ("make", "field"),
    [(f.OrganizationFactory, "name_en"), (f.ProgrammeFactory, "name_en")],
)
def test_an_admin_edit_of_reference_data_raises_the_version_and_writes_history_with_the_reason(
    client, make, field
):
    admin_user = f.UserFactory(administrator=True, username="ref-admin")
    obj = make()
    rows_before = obj.history.count()
    client.force_login(admin_user)
    page = client.get(_admin_url(obj))
    assert page.status_code == 200
    response = client.post(
        _admin_url(obj),
        _post_data(page, **{field: "Renamed", "change_reason": "Renamed by decree No. 12"}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == ("Renamed", 2)
    assert obj.history.count() == rows_before + 1
    row = obj.history.latest()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "~",
        admin_user,
        "Renamed by decree No. 12",
    )
    assert row.version == 2


def test_an_admin_edit_without_a_reason_is_refused_and_changes_nothing(client, superuser):
    org = f.OrganizationFactory(name_en="Ministry")
    client.force_login(superuser)
    page = client.get(_admin_url(org))
    response = client.post(_admin_url(org), _post_data(page, name_en="Renamed", change_reason=""))
    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    org.refresh_from_db()
    assert (org.name_en, org.version, org.history.count()) == ("Ministry", 1, 1)


def test_an_admin_adds_and_deletes_reference_data_with_history(client, superuser):
    client.force_login(superuser)
    add = reverse("admin:indicators_dimension_add")
    page = client.get(add)
    response = client.post(
        add, _post_data(page, code="sex", name_kk="Жынысы", change_reason="Annex 4 splits by sex")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dimension = im.Dimension.objects.get(code="sex")
    assert dimension.version == 1
    (created,) = dimension.history.all()
    assert (created.history_type, created.history_user) == ("+", superuser)
    response = client.post(_admin_url(dimension, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not im.Dimension.objects.filter(code="sex").exists()
    deleted = im.Dimension.history.filter(code="sex").latest()
    assert (deleted.history_type, deleted.history_user) == ("-", superuser)
    assert superuser.username in deleted.history_change_reason


def test_inline_flags_are_saved_through_the_service_with_the_records_reason(client, superuser):
    programme = f.ProgrammeFactory()
    flag = f.DataFlagFactory(target=programme, message="Year unclear")
    client.force_login(superuser)
    page = client.get(_admin_url(programme))
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data = _post_data(page, change_reason="Flag resolved after checking annex 2")
    data[f"{prefix}-0-resolved"] = "on"
    response = client.post(_admin_url(programme), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    flag.refresh_from_db()
    assert (flag.resolved, flag.version) == (True, 2)
    row = flag.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        superuser,
        "Flag resolved after checking annex 2",
    )


def test_the_reference_service_refuses_users_without_the_right_or_a_reason(editor, superuser):
    from django.core.exceptions import PermissionDenied, ValidationError

    from tracker.common.services import reference_delete, reference_save

    org = f.OrganizationFactory(name_en="Ministry")
    org.name_en = "Renamed"
    with pytest.raises(PermissionDenied):
        reference_save(instance=org, by=editor, reason="no right")
    with pytest.raises(PermissionDenied):
        reference_delete(instance=org, by=editor, reason="no right")
    with pytest.raises(ValidationError) as error:
        reference_save(instance=org, by=superuser, reason="  ")
    assert "change_reason" in error.value.message_dict
    org.refresh_from_db()
    assert (org.name_en, org.version, org.history.count()) == ("Ministry", 1, 1)


def test_an_admin_edit_of_a_paragraphs_links_goes_through_the_service(client, superuser):
    paragraph = f.ReportParagraphFactory(number=101)
    first, second = f.ArticleFactory(number=9), f.ArticleFactory(number=24)
    paragraph.convention_articles.set([first])
    client.force_login(superuser)
    page = client.get(_admin_url(paragraph))
    data = _post_data(page, change_reason="¶101 also speaks of education (art. 24)")
    data["convention_articles"] = [first.pk, second.pk]
    response = client.post(_admin_url(paragraph), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    paragraph.refresh_from_db()
    assert set(paragraph.convention_articles.all()) == {first, second}
    assert paragraph.version == 2
    row = paragraph.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        superuser,
        "¶101 also speaks of education (art. 24)",
    )


def test_an_admin_save_over_an_edit_made_meanwhile_is_refused_and_loses_neither(client, superuser):
    """Two administrators open the same organisation; the second to save would silently undo
    the first one's edit. The form refuses it, names the versions, and nothing is saved."""
    org = f.OrganizationFactory(name_en="Ministry")
    client.force_login(superuser)
    page = client.get(_admin_url(org))
    # Meanwhile another administrator renames it (version 2).
    other = f.UserFactory(administrator=True)
    org.name_en = "Ministry of Labour"
    reference_save(instance=org, by=other, reason="Renamed by decree")
    response = client.post(
        _admin_url(org), _post_data(page, name_kk="Жаңа атау", change_reason="Kazakh name")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("version 1, now 2" in error for error in errors), errors
    org.refresh_from_db()
    assert (org.name_en, org.version, org.history.count()) == ("Ministry of Labour", 2, 2)
    assert org.name_kk != "Жаңа атау"


def test_the_reference_service_refuses_a_stale_base_version_under_its_lock():
    org = f.OrganizationFactory(name_en="Ministry")
    admin_user = f.UserFactory(administrator=True)
    org.name_en = "First"
    reference_save(instance=org, by=admin_user, reason="one", base_version=1)
    stale = tm.Organization.objects.get(pk=org.pk)
    stale.name_en = "Second"
    with pytest.raises(StaleEdit):
        reference_save(instance=stale, by=admin_user, reason="two", base_version=1)
    org.refresh_from_db()
    assert (org.name_en, org.version) == ("First", 2)
