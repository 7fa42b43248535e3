"""Targets and indicator definitions change only through change requests: proposed by the
responsible organisation's editors, approved by someone else, with one history row per approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from indicators.models import Indicator, Target
from indicators.progress import ProgressStatus, indicator_progress
from tests import factories as f
from tests.api_client import as_user
from tests.api_client import url as api_url
from tracker.models import ChangeRequest
from tracker.workflow import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """Notifications are queued after commit; no test worker consumes them here."""
    from tracker import tasks

    monkeypatch.setattr(tasks.deliver_notification, "delay", lambda pk: None)


@pytest.fixture
def ministry(db):
    return f.OrganizationFactory(code="MH")


@pytest.fixture
def author(ministry):
    return f.UserFactory(editor=True, organization=ministry, username="author")


@pytest.fixture
def outsider(db):
    return f.UserFactory(editor=True, organization=f.OrganizationFactory(code="MES"))


@pytest.fixture
def checker(db):
    return f.UserFactory(
        reviewer=True, organization=f.OrganizationFactory(code="MLSPP"), username="checker"
    )


@pytest.fixture
def indicator(ministry):
    """Higher is better; 10 in 2015, 14 in 2017, 16 wanted by 2019: on track in 2017 (the path
    from 10 to 16 expects 13 then)."""
    indicator = f.IndicatorFactory(
        key="ind:pwd:jobs", organization=ministry, year_from=2015, year_to=2030
    )
    for year, value in [(2015, "10"), (2017, "14")]:
        f.ObservationFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=Decimal(value),
        )
    return indicator


@pytest.fixture
def target(indicator):
    return f.TargetFactory(indicator=indicator, year=2019, value=Decimal("16"))


def _approved(target_or_model, payload, *, by, checker, **kwargs):
    if isinstance(target_or_model, type):
        cr = services.change_request_create(
            by=by, target_model=target_or_model, payload=payload, **kwargs
        )
    else:
        cr = services.change_request_create(by=by, target=target_or_model, payload=payload)
    services.change_request_submit(cr_id=cr.pk, by=by)
    return services.change_request_approve(cr_id=cr.pk, by=checker)


def test_an_approved_target_change_is_in_the_targets_history_with_its_approver(
    target, author, checker
):
    cr = _approved(target, {"value": "18"}, by=author, checker=checker)
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal("18"), 2)
    row = target.history.latest()
    assert (row.history_type, row.history_user, row.value) == ("~", checker, Decimal("18"))
    assert row.history_change_reason == f"CR #{cr.pk} by author, approved by checker"
    assert target.history.count() == 2  # the factory's creation and the approval, nothing else


def test_approving_a_target_change_flips_the_indicators_progress_verdict(
    indicator, target, author, checker
):
    assert indicator_progress(indicator) == ProgressStatus.ON_TRACK
    draft = services.change_request_create(by=author, target=target, payload={"value": "20"})
    services.change_request_submit(cr_id=draft.pk, by=author)
    # Proposed is not live: the verdict reads the approved target only.
    assert indicator_progress(indicator) == ProgressStatus.ON_TRACK
    services.change_request_approve(cr_id=draft.pk, by=checker)
    # The path from 10 to 20 expects 15 in 2017; 14 falls short.
    assert indicator_progress(indicator) == ProgressStatus.OFF_TRACK


def test_a_new_target_is_created_on_approval_with_one_creation_row(indicator, author, checker):
    cr = _approved(
        Target, {"indicator": indicator.pk, "year": 2025, "value": "30"}, by=author, checker=checker
    )
    created = Target.objects.get(pk=cr.target_id)
    assert (created.indicator, created.year, created.value, created.version) == (
        indicator,
        2025,
        Decimal("30"),
        1,
    )
    (row,) = created.history.all()
    assert (row.history_type, row.history_user) == ("+", checker)


def test_only_the_responsible_organisations_editors_propose_targets(target, indicator, outsider):
    with pytest.raises(PermissionDenied):
        services.change_request_create(by=outsider, target=target, payload={"value": "1"})
    with pytest.raises(PermissionDenied):
        services.change_request_create(
            by=outsider,
            target_model=Target,
            payload={"indicator": indicator.pk, "year": 2026, "value": "1"},
        )
    assert not ChangeRequest.objects.exists()


def test_nobody_approves_their_own_target_change(target, checker):
    # A reviewer may propose (a coordinator acts for every organisation) but not decide it too.
    cr = services.change_request_create(by=checker, target=target, payload={"value": "17"})
    services.change_request_submit(cr_id=cr.pk, by=checker)
    with pytest.raises(PermissionDenied):
        services.change_request_approve(cr_id=cr.pk, by=checker)
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal("16"), 1)


def test_a_target_approval_is_refused_when_the_target_moved_on(target, author, checker):
    stale = services.change_request_create(by=author, target=target, payload={"value": "17"})
    services.change_request_submit(cr_id=stale.pk, by=author)
    _approved(target, {"reasoning": "Programme amended in 2018."}, by=author, checker=checker)
    with pytest.raises(services.ChangeConflict) as conflict:
        services.change_request_approve(cr_id=stale.pk, by=checker)
    assert (conflict.value.base_version, conflict.value.live_version) == (1, 2)
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal("16"), 2)
    stale.refresh_from_db()
    assert stale.status == "submitted"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"value": None, "text_kk": ""}, "value", "A target needs a value or a qualitative text."),
        ({"value": "101"}, "value", "A share in per cent must be between 0 and 100."),
        ({"year": 2017, "value": "5"}, "__all__", "Target with this Indicator and Year already"),
    ],
)
def test_invalid_target_proposals_are_refused_with_a_translated_error(
    target, indicator, author, payload, field, message
):
    f.TargetFactory(indicator=indicator, year=2017, value=Decimal("12"))
    with pytest.raises(ValidationError) as error:
        services.change_request_create(by=author, target=target, payload=payload)
    with translation.override("en"):
        assert any(message in m for m in error.value.message_dict[field])
    with translation.override("ru"):
        assert not any(message in m for m in error.value.message_dict[field])
    assert not ChangeRequest.objects.exists()


def test_an_indicator_definition_changes_through_review(indicator, author, outsider, checker):
    with pytest.raises(PermissionDenied):
        services.change_request_create(by=outsider, target=indicator, payload={"name_en": "x"})
    # Handing the indicator to another organisation alone is refused too.
    with pytest.raises(PermissionDenied):
        services.change_request_create(
            by=author, target=indicator, payload={"organization": outsider.organization_id}
        )
    with pytest.raises(ValidationError):
        services.change_request_create(by=author, target=indicator, payload={"key": "ind:new"})
    _approved(
        indicator, {"name_en": "Employed persons", "direction": "lower"}, by=author, checker=checker
    )
    indicator.refresh_from_db()
    assert (indicator.name_en, indicator.direction, indicator.version) == (
        "Employed persons",
        "lower",
        2,
    )
    row = indicator.history.latest()
    assert (row.history_type, row.history_user, row.direction) == ("~", checker, "lower")


def test_the_full_change_reason_is_kept(target, ministry, checker):
    # The history column is a text: the reason is never cut, however long the names.
    long_author = f.UserFactory(editor=True, organization=ministry, username="a" * 120)
    cr = _approved(target, {"value": "17"}, by=long_author, checker=checker)
    reason = target.history.latest().history_change_reason
    assert reason == f"CR #{cr.pk} by {'a' * 120}, approved by checker"


# Web pages ------------------------------------------------------------------------------------


def _url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def test_the_indicator_page_offers_target_and_definition_proposals_to_its_editors(
    client, indicator, target, author, outsider, django_assert_max_num_queries
):
    links = [
        _url("indicators:target-propose-new", indicator.pk),
        _url("indicators:target-propose", target.pk),
        _url("indicators:indicator-propose", indicator.pk),
    ]
    page = client.get(_url("indicators:indicator-detail", indicator.pk)).content.decode()
    assert not any(link in page for link in links)
    client.force_login(outsider)
    page = client.get(_url("indicators:indicator-detail", indicator.pk)).content.decode()
    assert not any(link in page for link in links)
    for link in links:
        assert client.get(link).status_code == 403
    client.force_login(author)
    with django_assert_max_num_queries(22):
        page = client.get(_url("indicators:indicator-detail", indicator.pk)).content.decode()
    assert all(link in page for link in links)


def test_an_editor_proposes_a_target_change_on_its_page(
    client, target, author, django_assert_max_num_queries
):
    client.force_login(author)
    page = _url("indicators:target-propose", target.pk)
    with django_assert_max_num_queries(20):
        assert client.get(page).status_code == 200
    response = client.post(
        page,
        {
            "indicator": target.indicator_id,
            "year": 2019,
            "value": "18",
            "placement": "certain",
            "summary": "Programme amended",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cr = ChangeRequest.objects.get()
    assert (cr.operation, cr.target_id, cr.payload) == ("update", target.pk, {"value": "18"})
    target.refresh_from_db()
    assert target.value == Decimal("16")  # a draft changes nothing live


def test_a_reviewer_sees_the_target_diff_and_approves_it_on_the_change_page(
    client, target, author, checker
):
    cr = services.change_request_create(by=author, target=target, payload={"value": "18"})
    services.change_request_submit(cr_id=cr.pk, by=author)
    client.force_login(checker)
    page = client.get(_url("tracker:change-request-detail", cr.pk))
    assert page.status_code == 200
    assert [(r["field"], r["live"], r["proposed"]) for r in page.context["diff"]] == [
        ("value", "16", "18")
    ]
    response = client.post(_url("tracker:change-request-action", cr.pk, "approve"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.value, target.version, target.history.latest().history_user) == (
        Decimal("18"),
        2,
        checker,
    )


def test_a_target_draft_is_edited_with_its_indicator_fixed(client, target, author):
    cr = services.change_request_create(by=author, target=target, payload={"value": "18"})
    client.force_login(author)
    page = client.get(_url("tracker:change-request-edit", cr.pk))
    assert page.status_code == 200
    assert page.context["form"].fields["indicator"].widget.is_hidden
    response = client.post(
        _url("tracker:change-request-edit", cr.pk),
        {
            "indicator": target.indicator_id,
            "year": 2019,
            "value": "19",
            "placement": "certain",
            "version": cr.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cr.refresh_from_db()
    assert cr.payload == {"value": "19"}


def test_a_new_target_without_value_or_text_is_refused_on_the_page(client, indicator, author):
    client.force_login(author)
    response = client.post(
        _url("indicators:target-propose-new", indicator.pk),
        {"indicator": indicator.pk, "year": 2024, "placement": "certain"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "A target needs a value or a qualitative text." in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_an_editor_proposes_an_indicator_change_on_its_page(client, indicator, author):
    client.force_login(author)
    response = client.post(
        _url("indicators:indicator-propose", indicator.pk),
        {
            "key": indicator.key,
            "name_kk": indicator.name_kk,
            "name_en": "Jobs for persons with disabilities",
            "unit": indicator.unit,
            "direction": indicator.direction,
            "organization": indicator.organization_id,
            "year_from": 2015,
            "year_to": 2030,
            "summary": "English name",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cr = ChangeRequest.objects.get()
    assert cr.payload == {"name_en": "Jobs for persons with disabilities"}


# The API --------------------------------------------------------------------------------------


def test_a_target_change_is_proposed_and_approved_through_the_api(target, author, checker):
    client = as_user(author)
    created = client.post(
        api_url("change-request-list"),
        {"target_type": "target", "target": "ind:pwd:jobs@2019", "payload": {"value": "20"}},
        format="json",
    )
    assert created.status_code == 201, created.content
    cr_id = created.json()["id"]
    assert created.json()["target"] == "ind:pwd:jobs@2019"
    assert client.post(api_url("change-request-submit", cr_id)).status_code == 200
    assert client.post(api_url("change-request-approve", cr_id)).status_code == 403
    assert as_user(checker).post(api_url("change-request-approve", cr_id)).status_code == 200
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal("20"), 2)


def test_a_new_target_and_an_indicator_change_through_the_api(indicator, author, checker, outsider):
    client = as_user(author)
    new = client.post(
        api_url("change-request-list"),
        {
            "target_type": "target",
            "payload": {"indicator": "ind:pwd:jobs", "year": 2027, "value": "25"},
        },
        format="json",
    )
    assert new.status_code == 201, new.content
    assert new.json()["payload"]["indicator"] == "ind:pwd:jobs"
    refused = as_user(outsider).post(
        api_url("change-request-list"),
        {"target_type": "indicator", "target": "ind:pwd:jobs", "payload": {"name_en": "x"}},
        format="json",
    )
    assert refused.status_code == 403
    change = client.post(
        api_url("change-request-list"),
        {"target_type": "indicator", "target": "ind:pwd:jobs", "payload": {"unit_label_kk": "%"}},
        format="json",
    )
    assert change.status_code == 201, change.content
    for cr_id in (new.json()["id"], change.json()["id"]):
        assert client.post(api_url("change-request-submit", cr_id)).status_code == 200
        assert as_user(checker).post(api_url("change-request-approve", cr_id)).status_code == 200
    assert Target.objects.get(indicator=indicator, year=2027).value == Decimal("25")
    live = Indicator.objects.get(pk=indicator.pk)
    assert (live.unit_label_kk, live.version) == ("%", 2)
