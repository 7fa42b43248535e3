"""The loader's tests use the workflow's actors (a reviewer approving a change the loader must keep)
and its broker stub."""

import pytest

from tests.ingest.bundles import build_mini
from tests.tracker.conftest import (  # noqa: F401 -- pytest fixtures, registered by import
    administrator,
    author,
    org_a,
    propose,
    queued,
    reviewer,
)


@pytest.fixture
def mini(tmp_path):
    return build_mini(tmp_path)
