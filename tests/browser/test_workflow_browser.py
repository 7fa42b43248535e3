"""The weekly path in a real browser, by roles and labels only (what a keyboard or screen-reader
user reaches): an editor proposes and submits, a reviewer approves, the public sees the value."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tracker.models import ChangeRequest, ChangeStatus, Measure

from .conftest import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_proposes_reviewer_approves_public_sees_it(page):
    ministry = f.OrganizationFactory(code="MH", name_en="Ministry of Healthcare")
    f.UserFactory(editor=True, organization=ministry, username="editor-health")
    f.UserFactory(
        reviewer=True, organization=f.OrganizationFactory(code="MLSPP"), username="reviewer"
    )
    measure = f.MeasureFactory(organizations=[ministry], progress=40)

    sign_in(page, "editor-health")
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    page.goto(f"/en/measures/{measure.pk}/")
    page.get_by_role("link", name="Propose a change").click()
    page.get_by_label("Progress, %").fill("85")
    page.get_by_label("Summary of the change").fill("Progress for 2019")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress for 2019")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("submitted for review")
    sign_out(page)

    cr = ChangeRequest.objects.get()
    assert cr.status == ChangeStatus.SUBMITTED
    sign_in(page, "reviewer")
    page.get_by_role("link", name=re.compile(rf"No. {cr.pk} Progress for 2019")).click()
    diff = page.get_by_role("table", name="Field by field: the live value and the proposed value")
    row = diff.get_by_role("row", name=re.compile("Progress"))
    expect(row).to_contain_text("40")
    expect(row).to_contain_text("85")
    page.get_by_label("Comment").fill("Confirmed by the ministry's order.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("approved")
    sign_out(page)

    page.goto(f"/en/measures/{measure.pk}/")
    expect(page.get_by_text("85 %")).to_be_visible()
    assert Measure.objects.get(pk=measure.pk).progress == 85
