"""Defects 5 and 6: who reads a change request and its evidence.

5. A member of the organisation with no role read its drafts and their evidence.
6. Evidence of an approved change was public by sequential id. Now it is private to the
   organisation and the coordinators unless the approving reviewer publishes a file."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories as f
from tests.api_client import as_user, url
from tracker.models import Evidence
from tracker.workflow import evidence as evidence_service
from tracker.workflow import services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def member(org_a):
    """Of the author's organisation, with no role."""
    return f.UserFactory(organization=org_a, username="member")


@pytest.fixture
def draft_with_file(author, measure, propose):
    cr = propose(measure, {"progress": 55}, submit=False)
    attached = evidence_service.evidence_attach(
        cr_id=cr.pk, by=author, uploaded_file=SimpleUploadedFile("order.pdf", PDF)
    )
    return cr, attached


def _download(client, attached):
    return client.get(reverse("tracker:evidence-download", args=[attached.pk]))


# Defect 5 ---------------------------------------------------------------------------------------


def test_a_member_without_a_role_reads_no_draft(client, member, colleague, draft_with_file):
    cr, attached = draft_with_file
    assert not member.has_perm("tracker.view_changerequest", cr)
    assert colleague.has_perm("tracker.view_changerequest", cr)  # an editor of it still does

    client.force_login(member)
    assert client.get(reverse("tracker:change-request-detail", args=[cr.pk])).status_code == 403
    assert _download(client, attached).status_code == 403
    api = as_user(member)
    assert api.get(url("change-request-detail", cr.pk)).status_code == 404
    assert api.get(url("change-request-list")).json()["results"] == []

    client.force_login(colleague)
    assert _download(client, attached).status_code == 200
    assert [
        r["id"] for r in as_user(colleague).get(url("change-request-list")).json()["results"]
    ] == [cr.pk]


def test_a_member_still_sees_what_they_wrote_before_losing_the_role(author, draft_with_file):
    cr, _attached = draft_with_file
    author.groups.clear()
    del author._group_names_cache
    assert author.has_perm("tracker.view_changerequest", cr)


def test_a_member_without_a_role_reads_no_digest_of_the_organisation(member, colleague, org_a):
    from reports.models import ReportEdition, ReportKind

    digest = ReportEdition(kind=ReportKind.DIGEST, organization=org_a)
    assert colleague.has_perm("reports.read_report", digest)
    assert not member.has_perm("reports.read_report", digest)


# Defect 6 ---------------------------------------------------------------------------------------


def _approve(reviewer, cr, author, **kwargs):
    services.change_request_submit(cr_id=cr.pk, by=author)
    return services.change_request_approve(cr_id=cr.pk, by=reviewer, **kwargs)


def test_evidence_of_an_approved_change_is_private_by_default(
    client, author, reviewer, outsider, member, draft_with_file
):
    cr, attached = draft_with_file
    _approve(reviewer, cr, author)
    assert _download(client, attached).status_code == 403  # anonymous
    for user in (outsider, member):
        client.force_login(user)
        assert _download(client, attached).status_code == 403
    for user in (author, reviewer):
        client.force_login(user)
        response = _download(client, attached)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF


def test_a_file_published_with_the_approval_is_public(
    client, author, reviewer, measure, propose, draft_with_file
):
    cr, published = draft_with_file
    private = evidence_service.evidence_attach(
        cr_id=cr.pk, by=author, uploaded_file=SimpleUploadedFile("notes.pdf", PDF)
    )
    _approve(reviewer, cr, author, public_evidence=[published.pk])
    assert _download(client, published).status_code == 200
    assert _download(client, private).status_code == 403
    assert list(Evidence.objects.filter(public=True).values_list("pk", flat=True)) == [published.pk]


def test_only_this_change_requests_files_can_be_published(author, reviewer, measure, propose):
    other, foreign = (
        propose(measure, {"progress": 77}, submit=False),
        None,
    )
    foreign = evidence_service.evidence_attach(
        cr_id=other.pk, by=author, uploaded_file=SimpleUploadedFile("x.pdf", PDF)
    )
    cr = propose(measure, {"progress": 66})
    with pytest.raises(ValidationError) as refused:
        services.change_request_approve(cr_id=cr.pk, by=reviewer, public_evidence=[foreign.pk])
    assert "public_evidence" in refused.value.message_dict
    cr.refresh_from_db()
    measure.refresh_from_db()
    assert (cr.status, measure.progress) == ("submitted", 40)
    assert not Evidence.objects.filter(public=True).exists()


def test_publishing_through_the_api(author, reviewer, draft_with_file):
    cr, attached = draft_with_file
    services.change_request_submit(cr_id=cr.pk, by=author)
    response = as_user(reviewer).post(
        url("change-request-approve", cr.pk), {"public_evidence": [attached.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [e["public"] for e in response.json()["evidence"]] == [True]
    bad = as_user(reviewer).post(
        url("change-request-approve", cr.pk), {"public_evidence": ["x"]}, format="json"
    )
    assert bad.status_code == 400


def test_publishing_through_the_page(client, author, reviewer, draft_with_file):
    cr, attached = draft_with_file
    services.change_request_submit(cr_id=cr.pk, by=author)
    client.force_login(reviewer)
    page = client.get(reverse("tracker:change-request-detail", args=[cr.pk])).content.decode()
    assert 'name="public_evidence"' in page
    assert "<legend>" in page
    response = client.post(
        reverse("tracker:change-request-action", args=[cr.pk, "approve"]),
        {"comment": "", "public_evidence": [str(attached.pk)]},
    )
    assert response.status_code == 302
    attached.refresh_from_db()
    assert attached.public
    client.logout()
    assert _download(client, attached).status_code == 200


def test_a_forged_file_id_on_the_page_changes_nothing(
    client, author, reviewer, measure, draft_with_file
):
    cr, _attached = draft_with_file
    services.change_request_submit(cr_id=cr.pk, by=author)
    client.force_login(reviewer)
    response = client.post(
        reverse("tracker:change-request-action", args=[cr.pk, "approve"]),
        {"public_evidence": ["999999"]},
    )
    assert response.status_code == 400
    cr.refresh_from_db()
    assert cr.status == "submitted"
