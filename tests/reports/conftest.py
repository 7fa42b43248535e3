"""A small country with known problems: what each report must say is written down here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from indicators.models import Direction
from tests import factories as f
from tracker import models as tm

# A Monday: the weekly digest's day.
AS_OF = dt.date(2026, 12, 7)
KAZAKH = "Пандустар мен көтергіштер: әғқңөұүһі"


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def country(db):
    """Two ministries. MH: one overdue, one due-soon, one flagged measure, an off-track indicator
    without explanation, one lacking its 2025 value, a returned change. MES: one overdue measure,
    an off-track indicator with its explanation, a change waiting for review."""
    art9 = f.ArticleFactory(number=9, title_kk="Қолжетімділік", title_en="Accessibility")
    art24 = f.ArticleFactory(number=24, title_kk="Білім беру", title_en="Education")
    mh = f.OrganizationFactory(code="MH", short_kk="ДСМ", name_kk="Денсаулық сақтау министрлігі")
    mes = f.OrganizationFactory(code="MES", short_kk="БҒМ", name_kk="Білім министрлігі")
    s = tm.MeasureStatus
    m = f.MeasureFactory
    ns = SimpleNamespace(as_of=AS_OF, art9=art9, art24=art24, mh=mh, mes=mes)
    ns.mh_overdue = m(
        title_kk=KAZAKH,
        title_en="Ramps and lifts",
        status=s.IN_PROGRESS,
        due_date=dt.date(2026, 11, 1),
        organizations=[mh],
        articles=[art9],
    )
    ns.mh_due_soon = m(
        title_kk="Сурдоаударма орталығы",
        status=s.PLANNED,
        due_date=dt.date(2027, 1, 15),
        organizations=[mh],
        articles=[art9],
    )
    ns.mh_done = m(
        status=s.IMPLEMENTED, due_date=dt.date(2026, 1, 1), organizations=[mh], articles=[art9]
    )
    ns.mh_delayed = m(
        status=s.DELAYED, due_date=dt.date(2027, 6, 1), organizations=[mh], articles=[art24]
    )
    ns.mh_flagged = m(
        title_kk="Заңы өзгерген шара",
        status=s.IN_PROGRESS,
        needs_review=True,
        organizations=[mh],
        articles=[art9],
    )
    ns.mh_stopped = m(
        status=s.DISCONTINUED, due_date=dt.date(2025, 1, 1), organizations=[mh], articles=[art9]
    )
    ns.mes_overdue = m(
        title_kk="Инклюзивті мектептер",
        status=s.PLANNED,
        due_date=dt.date(2026, 10, 1),
        organizations=[mes],
        articles=[art24],
    )
    ns.mes_later = m(
        status=s.IN_PROGRESS, due_date=dt.date(2028, 1, 1), organizations=[mes], articles=[art24]
    )

    def indicator(org, name, *, targets, values, explanation="", articles=None, **kw):
        ind = f.IndicatorFactory(organization=org, name_kk=name, **kw)
        ind.articles.set(articles or [art9])
        for year, value in targets:
            f.TargetFactory(indicator=ind, year=year, value=Decimal(value))
        for i, (year, value) in enumerate(values):
            last = i == len(values) - 1
            f.ObservationFactory(
                indicator=ind,
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                value=Decimal(value),
                explanation=explanation if last else "",
            )
        return ind

    # Baseline 10 in 2020, target 100 in 2030: 55 expected in 2025, 12 observed.
    ns.mh_off_track = indicator(
        mh, "Қолжетімді нысандар үлесі", targets=[(2030, 100)], values=[(2020, 10), (2025, 12)]
    )
    # On its path (26 expected in 2024, 40 observed) but nothing for 2025 yet.
    ns.mh_missing = indicator(
        mh, "Жұмысқа орналасқандар", targets=[(2030, 50)], values=[(2020, 10), (2024, 40)]
    )
    ns.mh_achieved = indicator(
        mh, "Оңалту орталықтары", targets=[(2019, 20)], values=[(2019, 25)], year_to=2019
    )
    ns.mh_not_yet = indicator(
        mh, "Жаңа көрсеткіш", targets=[], values=[], year_from=2027, direction=Direction.NONE
    )
    ns.mes_off_track = indicator(
        mes,
        "Инклюзивті мектептер үлесі",
        targets=[(2030, 90)],
        values=[(2020, 30), (2025, 31)],
        explanation="Қаржыландыру кешіктірілді",
        articles=[art24],
    )

    ns.mh_editor = f.UserFactory(editor=True, organization=mh, language="kk", username="mh-ed")
    ns.mes_editor = f.UserFactory(editor=True, organization=mes, language="ru", username="mes-ed")
    ns.reviewer = f.UserFactory(
        reviewer=True,
        organization=f.OrganizationFactory(code="MLSPP", short_kk="Еңбекмині"),
        language="en",
        username="coord",
    )
    returned = f.ChangeRequestFactory(
        author=ns.mh_editor,
        summary="Пандус туралы түзету",
        status=tm.ChangeStatus.RETURNED,
        submitted_at=_at(AS_OF - dt.timedelta(days=20)),
        decided_at=_at(AS_OF - dt.timedelta(days=14)),
        decided_by=ns.reviewer,
    )
    submit = tm.ReviewEvent.objects.create(
        change_request=returned,
        action=tm.ReviewAction.SUBMIT,
        from_status=tm.ChangeStatus.RETURNED,
        to_status=tm.ChangeStatus.SUBMITTED,
        actor=ns.mh_editor,
    )
    ret = tm.ReviewEvent.objects.create(
        change_request=returned,
        action=tm.ReviewAction.RETURN,
        from_status=tm.ChangeStatus.SUBMITTED,
        to_status=tm.ChangeStatus.RETURNED,
        actor=ns.reviewer,
    )
    # The organisation resubmitted an earlier return after two days; the latest one is open.
    first_return = tm.ReviewEvent.objects.create(
        change_request=returned,
        action=tm.ReviewAction.RETURN,
        from_status=tm.ChangeStatus.SUBMITTED,
        to_status=tm.ChangeStatus.RETURNED,
        actor=ns.reviewer,
    )
    tm.ReviewEvent.objects.filter(pk=first_return.pk).update(
        created_at=_at(AS_OF, 1) - dt.timedelta(days=30)
    )
    tm.ReviewEvent.objects.filter(pk=submit.pk).update(
        created_at=_at(AS_OF, 1) - dt.timedelta(days=28)
    )
    tm.ReviewEvent.objects.filter(pk=ret.pk).update(
        created_at=_at(AS_OF, 1) - dt.timedelta(days=14)
    )
    ns.returned = returned
    ns.waiting = f.ChangeRequestFactory(
        author=ns.mes_editor,
        status=tm.ChangeStatus.SUBMITTED,
        submitted_at=_at(AS_OF - dt.timedelta(days=10)),
    )
    return ns


@pytest.fixture(autouse=True)
def no_broker(request, monkeypatch):
    """Tasks queued by the code under test are recorded instead of sent to the shared broker,
    except in the tests that run a real worker."""
    if request.node.get_closest_marker("celery_worker"):
        return []
    from reports import tasks as report_tasks
    from tracker import tasks as tracker_tasks

    calls = []
    for task in (
        tracker_tasks.deliver_notification,
        report_tasks.send_report,
        report_tasks.run_schedule,
    ):
        monkeypatch.setattr(task, "delay", lambda *a, name=task.name: calls.append((name, a)))
    return calls
