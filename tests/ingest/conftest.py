"""The loader's tests use the workflow's actors (a reviewer approving a change the loader must keep)
and its broker stub."""

from tests.tracker.conftest import (  # noqa: F401 -- pytest fixtures, registered by import
    administrator,
    author,
    org_a,
    propose,
    queued,
    reviewer,
)
