import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests import factories as f
from tracker.models import User
from tracker.organisations.roles import ADMINISTRATOR, EDITOR, REVIEWER

pytestmark = pytest.mark.django_db


def test_roles_exist_after_migrate_with_real_permissions():
    editor = Group.objects.get(name=EDITOR)
    reviewer = Group.objects.get(name=REVIEWER)
    admin = Group.objects.get(name=ADMINISTRATOR)
    editor_perms = set(editor.permissions.values_list("codename", flat=True))
    reviewer_perms = set(reviewer.permissions.values_list("codename", flat=True))
    assert {"add_changerequest", "view_measure", "view_observation"} <= editor_perms
    # Editors never write live rows directly, and never review.
    assert "change_measure" not in editor_perms
    assert "review_changerequest" not in editor_perms
    assert "review_changerequest" in reviewer_perms
    admin_perms = set(admin.permissions.values_list("codename", flat=True))
    # Administrators manage reference data and users, but live records only through review.
    assert {"change_organization", "change_programme", "change_user"} <= admin_perms
    workflow_only = {
        "change_measure",
        "change_observation",
        "change_legalact",
        "delete_evidence",
        "add_target",
        "change_target",
        "delete_target",
        "add_indicator",
        "change_indicator",
        "delete_indicator",
    }
    assert not workflow_only & admin_perms


def test_user_permissions_follow_the_role():
    user = f.UserFactory(editor=True)
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("tracker.add_changerequest")
    assert not user.has_perm("tracker.review_changerequest")
    assert not user.has_perm("tracker.change_measure")


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
