"""A legal act marked amended or repealed flags every measure that cites it and tells the
responsible organisations, after commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories as f
from tracker.models import DataFlag, LegalAct, Measure, Notification
from tracker.outbox import services as notifications
from tracker.workflow import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def act_and_measures(org_a, org_b):
    act = f.LegalActFactory(title_en="Law on social protection of persons with disabilities")
    other_act = f.LegalActFactory()
    citing_a = f.MeasureFactory(organizations=[org_a])
    citing_ab = f.MeasureFactory(organizations=[org_a, org_b])
    unrelated = f.MeasureFactory(organizations=[org_b])
    citing_a.legal_basis.set([f.CitationFactory(act=act)])
    citing_ab.legal_basis.set([f.CitationFactory(act=act), f.CitationFactory(act=other_act)])
    unrelated.legal_basis.set([f.CitationFactory(act=other_act)])
    return act, [citing_a, citing_ab], unrelated


def _mark(act, status, *, by, decider):
    cr = services.change_request_create(by=by, target=act, payload={"status": status})
    services.change_request_submit(cr_id=cr.pk, by=by)
    return services.change_request_approve(cr_id=cr.pk, by=decider)


@pytest.mark.parametrize("status", ["amended", "repealed"])
def test_marking_an_act_flags_citing_measures_and_notifies_their_organisations(
    act_and_measures,
    reviewer,
    administrator,
    org_a,
    org_b,
    queued,
    status,
    django_capture_on_commit_callbacks,
):
    act, citing, unrelated = act_and_measures
    staff = {org.pk: f.UserFactory(editor=True, organization=org) for org in (org_a, org_b)}
    with django_capture_on_commit_callbacks(execute=True):
        cr = _mark(act, status, by=reviewer, decider=administrator)
    for measure in citing:
        measure.refresh_from_db()
        assert measure.needs_review is True
        assert measure.version == 2  # pending changes to it must be rebased
        assert measure.history.first().history_change_reason.endswith(f"(CR #{cr.pk})")
        flag = DataFlag.objects.get(object_id=measure.pk)
        assert flag.code == "legal_basis_changed"
        assert act.key in flag.message
    unrelated.refresh_from_db()
    assert (unrelated.needs_review, unrelated.version) == (False, 1)
    assert DataFlag.objects.count() == 2
    mails = Notification.objects.filter(kind="legal_basis_changed")
    assert set(mails.values_list("pk", flat=True)) <= set(queued)  # handed over after commit
    assert {m.recipient for m in mails} == {u.email for u in staff.values()}


def test_other_changes_to_an_act_flag_nothing(act_and_measures, reviewer, administrator):
    act, _citing, _unrelated = act_and_measures
    cr = services.change_request_create(by=reviewer, target=act, payload={"number": "39-V"})
    services.change_request_submit(cr_id=cr.pk, by=reviewer)
    services.change_request_approve(cr_id=cr.pk, by=administrator)
    assert not Measure.objects.filter(needs_review=True).exists()
    assert not DataFlag.objects.exists()


def test_nothing_is_flagged_before_approval(act_and_measures, reviewer, queued):
    act, _citing, _unrelated = act_and_measures
    cr = services.change_request_create(by=reviewer, target=act, payload={"status": "repealed"})
    services.change_request_submit(cr_id=cr.pk, by=reviewer)
    act.refresh_from_db()
    assert act.status == "in_force"
    assert not Measure.objects.filter(needs_review=True).exists()


def test_editors_cannot_propose_legal_act_changes(act_and_measures, author):
    act, _citing, _unrelated = act_and_measures
    with pytest.raises(PermissionDenied):
        services.change_request_create(by=author, target=act, payload={"status": "repealed"})
    assert LegalAct.objects.get(pk=act.pk).status == "in_force"


def test_a_pending_measure_change_conflicts_after_the_flag(
    act_and_measures, author, reviewer, administrator, propose
):
    act, (citing_a, _), _unrelated = act_and_measures
    pending = propose(citing_a, {"progress": 90})
    _mark(act, "repealed", by=reviewer, decider=administrator)
    with pytest.raises(services.ChangeConflict) as exc:
        services.change_request_approve(cr_id=pending.pk, by=reviewer)
    assert [c["field"] for c in exc.value.changes] == ["needs_review"]
    services.change_request_rebase(cr_id=pending.pk, by=author)
    services.change_request_approve(cr_id=pending.pk, by=reviewer)
    citing_a.refresh_from_db()
    assert (citing_a.progress, citing_a.needs_review) == (90, True)


def test_the_organisation_mail_lists_its_flagged_measures(
    act_and_measures, reviewer, administrator, org_a, mailoutbox
):
    act, citing, _unrelated = act_and_measures
    editor = f.UserFactory(editor=True, organization=org_a, language="en")
    org_a.email = "focal@mh.example.invalid"
    org_a.save()
    _mark(act, "amended", by=reviewer, decider=administrator)
    outbox = Notification.objects.filter(kind="legal_basis_changed")
    mine = outbox.filter(recipient__in=[editor.email, "focal@mh.example.invalid"])
    assert mine.count() == 2
    assert all(notifications.deliver(pk) for pk in outbox.values_list("pk", flat=True))
    to_editor = next(m for m in mailoutbox if m.to == [editor.email])
    assert "Amended" in to_editor.subject
    for measure in citing:
        assert measure.key in to_editor.body
    assert any(m.to == ["focal@mh.example.invalid"] for m in mailoutbox)
