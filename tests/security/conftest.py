"""The security tests reuse the workflow's fixtures: two ministries, their editors, a reviewer,
an administrator, a measure and `propose`."""

from tests.tracker.conftest import (  # noqa: F401 -- fixtures
    administrator,
    author,
    colleague,
    measure,
    org_a,
    org_b,
    outsider,
    propose,
    queued,
    reviewer,
)
