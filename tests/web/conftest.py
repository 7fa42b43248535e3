"""The overview pages read the status reports' numbers: they reuse the reports' small country
with known problems (tests/reports/conftest.py)."""

from tests.reports.conftest import country, no_broker  # noqa: F401 -- fixtures
from tracker.models import MeasureStatus
from tracker.workflow import services


def submit_implemented(measure, *, editor):
    """`editor` proposes `measure` implemented (100 %) and submits it; the change request."""
    cr = services.change_request_create(
        by=editor,
        target=measure,
        payload={"status": MeasureStatus.IMPLEMENTED, "progress": 100},
        summary="Done",
    )
    services.change_request_submit(cr_id=cr.pk, by=editor)
    return cr
