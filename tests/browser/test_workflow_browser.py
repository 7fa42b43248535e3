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


def tab_to(page, locator, *, limit: int = 120) -> None:
    """Press Tab until `locator` has the focus: proves it is reachable by keyboard alone."""
    target = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("el => document.activeElement === el", target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"not reachable with Tab: {locator}")


def test_keyboard_only_editor_finds_proposes_with_pickers_fixes_an_error_reviewer_approves(page):
    """Issue 9, by keyboard alone in Chromium: the editor finds the measure with the list's search,
    proposes a change choosing a legal-basis citation in the searchable picker, submits with a
    wrong value, follows the error summary's link to the field, fixes it and submits; the
    reviewer approves. Focus lands on the error summary after the failed submit."""
    ministry = f.OrganizationFactory(code="MH", name_en="Ministry of Healthcare")
    f.UserFactory(editor=True, organization=ministry, username="editor-health")
    f.UserFactory(
        reviewer=True, organization=f.OrganizationFactory(code="MLSPP"), username="reviewer"
    )
    measure = f.MeasureFactory(
        organizations=[ministry], progress=40, title_en="Accessible ramps at clinics"
    )
    f.MeasureFactory(organizations=[ministry], title_en="Sign-language interpreters")
    citation = f.CitationFactory(
        act=f.LegalActFactory(title_en="Law on social protection of persons with disabilities"),
        article_ref="31",
    )

    sign_in(page, "editor-health")
    page.goto("/en/measures/")
    tab_to(page, page.get_by_label("Search"))
    page.keyboard.type("ramps")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("table")).not_to_contain_text("Sign-language interpreters")
    tab_to(page, page.get_by_role("link", name="Accessible ramps at clinics"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Propose a change"))
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    tab_to(page, page.get_by_label("Progress, %"))
    page.keyboard.press("Control+A")
    page.keyboard.type("150")
    picker = page.get_by_role("combobox", name="Legal basis")
    tab_to(page, picker)
    page.keyboard.type("social")
    expect(page.get_by_role("option", name=re.compile("Law on social protection"))).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("checkbox", name=re.compile("Law on social protection"))
    ).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Create the draft"))
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's link to the progress field
    progress = page.get_by_label("Progress, %")
    expect(progress).to_be_focused()
    label_top = page.evaluate(
        "document.querySelector('label[for=id_progress]').getBoundingClientRect().top"
    )
    assert label_top >= 0  # the label is in view, not scrolled off the top
    page.keyboard.press("Control+A")
    page.keyboard.type("85")
    tab_to(page, page.get_by_label("Summary of the change"))
    page.keyboard.type("Progress for 2019")
    tab_to(page, page.get_by_role("button", name="Create the draft"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress for 2019")
    tab_to(page, page.get_by_role("button", name="Submit for review"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("submitted for review")
    sign_out(page)

    cr = ChangeRequest.objects.get()
    assert cr.payload["legal_basis"] == [citation.pk]
    sign_in(page, "reviewer")
    tab_to(page, page.get_by_role("link", name=re.compile("Progress for 2019")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("table", name=re.compile("Field by field"))).to_contain_text(
        "Law on social protection"
    )
    tab_to(page, page.get_by_role("button", name="Approve"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("approved")
    live = Measure.objects.get(pk=measure.pk)
    assert live.progress == 85
    assert list(live.legal_basis.values_list("pk", flat=True)) == [citation.pk]
