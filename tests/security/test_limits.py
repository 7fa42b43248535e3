"""Defect 9 (part): concurrent edits of one draft, oversized uploads, too many files."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from tests.api_client import as_user, url
from tracker.models import ChangeRequest, Evidence
from tracker.workflow import evidence as evidence_service
from tracker.workflow import services

PDF = b"%PDF-1.4 evidence"


# The draft's own version -----------------------------------------------------------------------


@pytest.mark.django_db
def test_every_write_raises_the_version(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 50}, submit=False)
    seen = [cr.version]
    cr = services.change_request_update_draft(cr_id=cr.pk, by=author, summary="a")
    seen.append(cr.version)
    cr = services.change_request_submit(cr_id=cr.pk, by=author)
    seen.append(cr.version)
    cr = services.change_request_return(cr_id=cr.pk, by=reviewer, comment="why")
    seen.append(cr.version)
    assert seen == [1, 2, 3, 4]


@pytest.mark.django_db
def test_a_stale_patch_is_a_409_and_writes_nothing(author, measure, propose):
    cr = propose(measure, {"progress": 50}, submit=False)
    read = as_user(author).get(url("change-request-detail", cr.pk)).json()["version"]
    first = as_user(author).patch(
        url("change-request-detail", cr.pk),
        {"version": read, "payload": {"progress": 60}},
        format="json",
    )
    assert first.status_code == 200
    assert first.json()["version"] == read + 1
    second = as_user(author).patch(
        url("change-request-detail", cr.pk),
        {"version": read, "payload": {"progress": 70}, "summary": "mine"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert second.status_code == 409
    body = second.json()
    assert (body["code"], body["expected_version"], body["version"]) == (
        "stale_version",
        read,
        read + 1,
    )
    assert body["detail"].startswith("Someone changed this change request while you were editing")
    cr.refresh_from_db()
    assert (cr.payload, cr.summary, cr.version) == ({"progress": 60}, "", read + 1)


@pytest.mark.django_db
def test_a_patch_without_the_version_is_refused(author, measure, propose):
    cr = propose(measure, {"progress": 50}, submit=False)
    response = as_user(author).patch(
        url("change-request-detail", cr.pk), {"payload": {"progress": 60}}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()
    cr.refresh_from_db()
    assert cr.payload == {"progress": 50}


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_patches_one_wins_the_other_is_told(author, measure, propose):
    """Two real connections, both starting from the same version: exactly one edit is saved, the
    other gets 409, and the saved one is whole (its payload and its summary)."""
    cr = propose(measure, {"progress": 50}, submit=False)
    version = cr.version
    barrier = threading.Barrier(2)
    results: dict[int, int] = {}

    def edit(progress: int) -> None:
        try:
            client = as_user(author)
            barrier.wait(timeout=10)
            response = client.patch(
                url("change-request-detail", cr.pk),
                {"version": version, "payload": {"progress": progress}, "summary": str(progress)},
                format="json",
            )
            results[progress] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(p,)) for p in (61, 62)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == [200, 409]
    winner = next(p for p, code in results.items() if code == 200)
    cr.refresh_from_db()
    assert (cr.payload, cr.summary, cr.version) == ({"progress": winner}, str(winner), version + 1)


@pytest.mark.django_db
def test_the_page_form_refuses_a_stale_edit(client, author, measure, propose):
    cr = propose(measure, {"progress": 50}, submit=False)
    client.force_login(author)
    with translation.override("en"):
        edit_url = reverse("tracker:change-request-edit", args=[cr.pk])
    page = client.get(edit_url).content.decode()
    assert f'name="version" value="{cr.version}"' in page
    form = client.get(edit_url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["organizations"] = [str(pk) for pk in data["organizations"]]
    data.update(progress="70", summary="mine", version=str(cr.version))
    # Meanwhile the same draft is saved from another tab.
    services.change_request_update_draft(
        cr_id=cr.pk, by=author, payload={"progress": 60}, expected_version=cr.version
    )
    response = client.post(edit_url, data)
    assert response.status_code == 409
    assert "Nothing was saved" in str(response.context["form"].non_field_errors())
    cr.refresh_from_db()
    assert (cr.payload, cr.summary) == ({"progress": 60}, "")
    data["version"] = str(cr.version)  # reloaded: the edit goes through
    assert client.post(edit_url, data).status_code == 302
    cr.refresh_from_db()
    assert (cr.payload["progress"], cr.summary) == (70, "mine")


# Uploads ---------------------------------------------------------------------------------------


class _Unread:
    """A request body that fails the test if anything reads it: the refusal comes before."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["page", "api"])
def test_a_200_mb_upload_is_refused_before_it_is_read(
    client, author, measure, propose, settings, tmp_path, where
):
    settings.MEDIA_ROOT = tmp_path
    cr = propose(measure, {"progress": 50}, submit=False)
    with translation.override("en"):
        path = (
            url("change-request-evidence", cr.pk)
            if where == "api"
            else reverse("tracker:evidence-upload", args=[cr.pk])
        )
    client.force_login(author)
    response = client.generic(
        "POST",
        path,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        HTTP_ACCEPT_LANGUAGE="en",
        **{"wsgi.input": _Unread()},
    )
    assert response.status_code == 413
    assert "The file is larger than 10 MB." in response.content.decode()
    assert response["Connection"] == "close"
    assert not Evidence.objects.exists()
    assert not any(tmp_path.rglob("*"))


@pytest.mark.django_db
def test_a_small_upload_still_passes_the_limit(
    client, author, measure, propose, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    cr = propose(measure, {"progress": 50}, submit=False)
    client.force_login(author)
    response = client.post(
        reverse("tracker:evidence-upload", args=[cr.pk]),
        {"file": SimpleUploadedFile("order.pdf", PDF)},
    )
    assert response.status_code == 302
    assert Evidence.objects.count() == 1


@pytest.mark.django_db
def test_at_most_the_configured_number_of_files(author, measure, propose, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_FILES = 3
    cr = propose(measure, {"progress": 50}, submit=False)
    for n in range(3):
        evidence_service.evidence_attach(
            cr_id=cr.pk, by=author, uploaded_file=SimpleUploadedFile(f"{n}.pdf", PDF)
        )
    response = as_user(author).post(
        url("change-request-evidence", cr.pk),
        {"file": SimpleUploadedFile("4.pdf", PDF)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["file"] == ["A change request may carry at most 3 files."]
    assert Evidence.objects.filter(change_request=cr).count() == 3
    assert ChangeRequest.objects.get(pk=cr.pk).events.filter(action="edit").count() == 3
