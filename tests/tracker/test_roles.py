"""The roles: auth groups whose membership the workflow's rules ask, and whose model permissions
govern only the Django admin's pages. No stored permission decides a workflow action."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from tests import factories as f
from tracker.models import ChangeRequest, Measure, User
from tracker.organisations.roles import EDITOR, REVIEWER
from tracker.workflow import services

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    # As a request loads the user: no roles or permissions cached on the object yet.
    return User.objects.get(pk=user.pk)


def _state(cr: ChangeRequest, measure: Measure) -> tuple:
    cr.refresh_from_db()
    measure.refresh_from_db()
    return (cr.status, cr.decided_by_id, cr.events.count(), measure.version, measure.progress)


def test_no_workflow_action_is_a_stored_permission():
    assert not Permission.objects.filter(codename="review_changerequest").exists()
    for role in (EDITOR, REVIEWER):
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        # Editors and reviewers read everything in the admin and write nothing there.
        assert {"view_measure", "view_observation", "view_legalact"} <= codenames
        assert all(c.startswith("view_") for c in codenames), role


def test_a_reviewer_without_the_group_cannot_approve_whatever_they_hold(
    author, measure, propose, org_b
):
    cr = propose(measure, {"progress": 70})
    former = f.UserFactory(reviewer=True, is_staff=True, organization=org_b)
    former.groups.clear()
    # Every stored permission on change requests, granted directly: none of them reviews.
    former.user_permissions.set(Permission.objects.filter(content_type__model="changerequest"))
    former = _fresh(former)
    before = _state(cr, measure)
    assert not former.has_perm("tracker.review_changerequest", cr)
    with pytest.raises(PermissionDenied):
        services.change_request_approve(cr_id=cr.pk, by=former)
    assert _state(cr, measure) == before

    former.groups.add(Group.objects.get(name=REVIEWER))
    services.change_request_approve(cr_id=cr.pk, by=_fresh(former))
    assert _state(cr, measure)[:2] == ("approved", former.pk)
    assert (measure.version, measure.progress) == (2, 70)


def test_a_stored_view_permission_does_not_open_another_ministrys_draft(
    client, author, measure, propose, outsider
):
    cr = propose(measure, {"progress": 70}, submit=False)
    outsider = _fresh(outsider)
    # The editor group's admin permission to view change requests…
    assert outsider.has_perm("tracker.view_measure")
    # …is not the rule, which keeps a draft inside its organisation.
    assert not outsider.has_perm("tracker.view_changerequest", cr)
    client.force_login(outsider)
    assert client.get(reverse("tracker:change-request-detail", args=[cr.pk])).status_code == 403


def test_the_administrator_role_manages_reference_data_but_not_live_rows(client, measure):
    admin_user = f.UserFactory(administrator=True)
    indicator = f.IndicatorFactory()
    before = (measure.version, measure.title_kk, measure.history.count())
    client.force_login(admin_user)
    measure_url = reverse("admin:tracker_measure_change", args=[measure.pk])
    assert client.get(measure_url).status_code == 200
    response = client.post(measure_url, {"title_kk": "changed behind the reviewers' backs"})
    assert response.status_code == 403
    measure.refresh_from_db()
    assert (measure.version, measure.title_kk, measure.history.count()) == before
    assert client.get(reverse("admin:tracker_measure_add")).status_code == 403
    # Indicators and their targets decide "off track": they too change only through review…
    indicator_url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    assert client.get(indicator_url).status_code == 200
    assert 'name="_save"' not in client.get(indicator_url).content.decode()
    # …while reference data is the administrators' own (saved through the reference service).
    org_url = reverse("admin:tracker_organization_change", args=[measure.organizations.first().pk])
    assert 'name="_save"' in client.get(org_url).content.decode()


def test_the_admin_lists_change_requests_and_offers_approval_only_to_reviewers(client, org_a):
    f.ChangeRequestFactory()
    changelist = reverse("admin:tracker_changerequest_changelist")
    staff_editor = f.UserFactory(editor=True, is_staff=True, organization=org_a)
    staff_editor.user_permissions.add(Permission.objects.get(codename="view_changerequest"))
    client.force_login(staff_editor)
    # A stored view permission does not open every ministry's drafts: the rule decides.
    assert client.get(changelist).status_code == 403
    client.force_login(f.UserFactory(reviewer=True, is_staff=True))
    response = client.get(changelist)
    assert response.status_code == 200
    assert "approve_selected" in response.content.decode()
    client.force_login(f.UserFactory(administrator=True))
    assert "approve_selected" in client.get(changelist).content.decode()


def test_demo_accounts_are_created_once_labelled_and_in_their_organisations(
    settings, tmp_path, capsys
):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    for code in ("MH", "MES", "MLSPP"):
        f.OrganizationFactory(code=code)
    call_command("create_demo_accounts")
    out = capsys.readouterr().out
    assert "DEMO ACCOUNTS" in out
    editors = User.objects.filter(groups__name=EDITOR, username__startswith="demo-")
    assert {u.organization.code for u in editors} == {"MH", "MES"}
    assert User.objects.get(username="demo-reviewer").groups.filter(name=REVIEWER).exists()
    assert User.objects.get(username="demo-admin").is_superuser
    assert (tmp_path / "demo-accounts.txt").read_text().count("demo-") == 4
    call_command("create_demo_accounts")
    assert "already exist" in capsys.readouterr().out
    assert User.objects.filter(username__startswith="demo-").count() == 4
