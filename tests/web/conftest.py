"""The overview pages read the status reports' numbers: they reuse the reports' small country
with known problems (tests/reports/conftest.py)."""

from tests.reports.conftest import country, no_broker  # noqa: F401 -- fixtures
