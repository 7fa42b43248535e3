"""Downloads in the web UI and the administrators' preview and "send now"."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from reports.models import ReportEdition, ReportKind, ReportSchedule, ScheduleKind
from tests import factories as f


@pytest.fixture
def coordinator(country):
    return country.reviewer


def test_an_editor_downloads_their_own_organisations_digest_for_a_past_period(country, client):
    client.force_login(country.mh_editor)
    response = client.get(
        "/kk/reports/get/digest/pdf/", {"day": "2026-06-10", "organization": "MH"}
    )
    assert response.status_code == 302
    edition = ReportEdition.objects.get()
    assert (edition.kind, edition.organization, str(edition.period_start)) == (
        ReportKind.DIGEST,
        country.mh,
        "2026-06-08",
    )
    pdf = client.get(response.url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "crpd-digest-MH-2026-06-08-kk.pdf" in pdf["Content-Disposition"]


def test_an_editor_may_not_read_another_organisations_or_the_national_report(country, client):
    client.force_login(country.mh_editor)
    other = client.get("/kk/reports/get/digest/pdf/", {"organization": "MES"})
    assert other.status_code == 403
    assert client.get("/kk/reports/get/national/xlsx/").status_code == 403
    edition = ReportEdition.objects.create(
        kind=ReportKind.DIGEST,
        organization=country.mes,
        period_start="2026-11-30",
        period_end="2026-12-06",
        as_of="2026-12-06",
    )
    assert client.get(f"/kk/reports/{edition.pk}/pdf/").status_code == 403


def test_future_periods_and_anonymous_readers_are_refused(country, client):
    assert client.get("/kk/reports/get/national/pdf/").status_code == 302  # to sign in
    client.force_login(country.reviewer)
    assert client.get("/kk/reports/get/national/pdf/", {"day": "2999-01-01"}).status_code == 404


def test_a_coordinator_downloads_any_report(country, coordinator, client):
    client.force_login(coordinator)
    response = client.get("/en/reports/get/national/xlsx/", {"day": "2026-11-15"}, follow=True)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert "Scorecard" in wb.sheetnames
    assert client.get("/en/reports/get/digest/pdf/", {"organization": "MES"}).status_code == 302
    page = client.get("/en/reports/")
    assert page.status_code == 200
    assert "National overview" in page.text


def test_admin_preview_shows_any_report_without_saving_it(country, client):
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    page = client.get(
        "/en/admin/reports/reportschedule/preview/",
        {"kind": "digest", "organization": country.mh.pk, "day": "2026-12-07", "language": "kk"},
    )
    assert page.status_code == 200
    assert "Пандустар мен көтергіштер" in page.text
    assert "/en/reports/get/digest/pdf/?day=2026-12-07&amp;organization=MH" in page.text
    assert ReportEdition.objects.count() == 0


def test_admin_send_now_queues_the_schedule(country, client, no_broker):
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    schedule = ReportSchedule.objects.get(kind=ScheduleKind.NATIONAL)
    response = client.post(
        "/en/admin/reports/reportschedule/",
        {"action": "send_now", "_selected_action": [schedule.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert no_broker == [("reports.tasks.run_schedule", (schedule.pk,))]
    assert "1 schedules queued." in response.text


def test_admin_send_now_with_the_broker_down_says_so_instead_of_failing(
    country, client, monkeypatch
):
    """Was a 500 (the publish failed after the action's commit). Now nothing is queued and the
    administrator is told, in their language, to try again."""
    from kombu.exceptions import OperationalError

    from reports import tasks

    def refused(*_args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_schedule, "delay", refused)
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    schedules = list(ReportSchedule.objects.values_list("pk", flat=True))
    for lang, words in (("en", "task queue cannot be reached"), ("ru", "Очередь задач недоступна")):
        response = client.post(
            f"/{lang}/admin/reports/reportschedule/",
            {"action": "send_now", "_selected_action": schedules},
            follow=True,
        )
        assert response.status_code == 200
        assert words in response.text
        assert "schedules queued." not in response.text
    assert ReportEdition.objects.count() == 0


def test_admin_edits_a_schedules_timing(country, client):
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    schedule = ReportSchedule.objects.get(kind=ScheduleKind.DIGEST)
    page = client.get(f"/en/admin/reports/reportschedule/{schedule.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        f"/en/admin/reports/reportschedule/{schedule.pk}/change/",
        {
            "name": schedule.name,
            "kind": "digest",
            "roles": '["editor"]',
            "reminder_offsets": "[30, 7]",
            "minute": "15",
            "hour": "10",
            "day_of_week": "2",
            "day_of_month": "*",
            "month_of_year": "*",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    task = ReportSchedule.objects.get(pk=schedule.pk).periodic_task
    assert not task.enabled
    assert (task.crontab.hour, task.crontab.day_of_week) == ("10", "2")


def test_a_person_chooses_their_language_and_declines_digests_but_not_reminders(country, client):
    from reports import services
    from reports.models import ReportPreference

    client.force_login(country.mh_editor)
    response = client.post("/kk/reports/", {"language": "ru"})
    assert response.status_code == 302
    country.mh_editor.refresh_from_db()
    assert country.mh_editor.language == "ru"
    assert ReportPreference.objects.get(user=country.mh_editor).receive_digests is False
    digest = ReportSchedule.objects.get(kind=ScheduleKind.DIGEST)
    assert (
        services.report_send(
            schedule_id=digest.pk, organization_id=country.mh.pk, day=country.as_of
        )
        == []
    )
    reminders = ReportSchedule.objects.get(kind=ScheduleKind.REMINDERS)
    sent = services.reminders_send(schedule_id=reminders.pk, day=dt.date(2027, 3, 1))
    notes = {n.user_id: n.language for r in sent for n in r.notifications.all()}
    assert notes[country.mh_editor.pk] == "ru"
