"""The public pages cached for the anonymous public under the data generation (web/caching.py,
tracker/common/generation.py; issue 12): served from the cache until a write, never after it;
never for a signed-in person, a visitor with a session, or a page with a CSRF token; and the
dashboard's summary computed by one process at a time, the others serving the latest meanwhile
without caching the page they built from it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from reports import selectors
from tests import factories as f
from tests.web.conftest import submit_implemented
from tracker.common import generation
from tracker.models import MeasureStatus, Organization
from tracker.workflow import services
from web.caching import public_page

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/en/",
    "/kk/articles/9/",
    "/ru/measures/",
    "/en/measures/?q=Ramps",
    "/en/legal-acts/",
    "/en/organisations/",
    "/kk/organisations/MH/",
    "/en/indicators/",
    "/en/indicators/programmes/",
    "/ru/search/?q=Ramps",
]


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600


def _queries(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return response, len(ctx)


def _built_then_cached(client, url):
    """The first answer built from the database, the second from the cache (no query)."""
    first, built = _queries(client, url)
    second, cached = _queries(client, url)
    assert first.status_code == second.status_code == 200
    assert built > 0
    assert cached == 0
    return first, second


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_page_is_served_from_the_cache_the_second_time(client, country, page_cache, url):
    first, second = _built_then_cached(client, url)
    assert second.content == first.content
    # The middlewares answer on the cached page as on a built one.
    for header in ("Content-Security-Policy", "Content-Language", "X-Content-Type-Options"):
        assert second.headers.get(header) == first.headers.get(header), header
    assert second["Content-Type"].startswith("text/html")
    assert not second.cookies


def test_an_approval_shows_at_once_on_every_cached_page(client, country, page_cache):
    measure = country.mh_overdue
    url = f"/en/measures/{measure.pk}/"
    assert "In progress" in client.get(url).content.decode()
    client.get("/en/")
    cached = client.get("/en/")
    assert cached.context is None  # served from the cache
    overdue_before = cached.content.decode()
    cr = submit_implemented(measure, editor=country.mh_editor)
    assert "In progress" in client.get(url).content.decode()  # not approved: not live
    services.change_request_approve(cr_id=cr.pk, by=country.reviewer)
    page = client.get(url)
    assert page.context is not None  # built anew, not the cached copy
    assert "Implemented" in page.content.decode()
    dashboard = client.get("/en/")
    assert dashboard.context["summary"].overdue == 1
    assert dashboard.content.decode() != overdue_before


def test_a_write_outside_the_workflow_moves_the_generation_too(client, country, page_cache):
    """An administrator's save of reference data, a factory's save: every model's signal."""
    client.get("/en/organisations/")
    before = generation.current()
    country.mh.name_en = "Ministry of Health (renamed)"
    country.mh.save()
    assert generation.current() > before
    assert "Ministry of Health (renamed)" in client.get("/en/organisations/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_again_when_the_transaction_commits():
    """A reader in another process may cache the data as it was before the commit under the number
    of the first move; the second move, after the commit, leaves that copy unread. Real commits
    here (a transactional test), one move after each, however many writes it held."""
    start = generation.current()
    with transaction.atomic():
        org = f.OrganizationFactory(code="GEN1")
        f.MeasureFactory(organizations=[org])
        during = generation.current()
        assert during > start
    assert generation.current() == during + 1
    with transaction.atomic():
        org.name_en = "Renamed"
        org.save()
        during = generation.current()
    assert generation.current() == during + 1
    try:
        with transaction.atomic():
            org.delete()
            during = generation.current()
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert generation.current() == during  # nothing committed: no second move
    with transaction.atomic():  # and the next transaction still moves after its commit
        Organization.objects.get(code="GEN1").save()
        during = generation.current()
    assert generation.current() == during + 1


def test_the_outbox_does_not_move_the_generation(country):
    before = generation.current()
    f.UserFactory(organization=country.mh)  # a user is a tracker record: it moves
    assert generation.current() > before
    from tracker.models import Notification, NotificationKind

    moved = generation.current()
    Notification.objects.create(
        kind=NotificationKind.values[0],
        recipient="x@example.invalid",
        language="en",
        subject="s",
        body="b",
    )
    assert generation.current() == moved


def test_signed_in_people_are_never_served_or_stored(client, country, page_cache):
    client.force_login(country.mh_editor)
    first = client.get("/en/")
    assert first.context["todo"] is not None  # their own work on the page
    client.logout()
    anonymous = client.get("/en/")
    assert anonymous.context is not None
    assert anonymous.context["todo"] is None
    assert b"Your work" not in anonymous.content
    client.force_login(country.mh_editor)
    again = client.get("/en/")
    assert again.context is not None
    assert again.context["todo"] is not None


def test_a_visitor_with_a_session_gets_the_page_built(client, country, page_cache):
    client.get("/en/legal-acts/")
    client.cookies["sessionid"] = "some-session"
    _response, built = _queries(client, "/en/legal-acts/")
    assert built > 0
    client.cookies.clear()
    client.cookies["messages"] = "x"
    _response, built = _queries(client, "/en/legal-acts/")
    assert built > 0


def test_a_page_with_a_csrf_token_is_not_stored(db, page_cache):
    calls = []

    @public_page
    def view(request):
        calls.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>")

    factory = RequestFactory()
    for _ in range(2):
        request = factory.get("/en/form/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        view(request)
    assert len(calls) == 2


def test_errors_and_other_methods_are_not_stored(client, country, page_cache):
    assert client.get("/en/measures/999999/").status_code == 404
    _response, queries = _queries(client, "/en/measures/999999/")
    assert queries > 0
    assert client.get("/en/measures/?page=abc").status_code in (200, 404)


def test_pages_are_built_when_the_cache_is_unreachable(client, country, page_cache):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    with override_settings(CACHES=unreachable):
        for url in ("/en/", "/en/measures/", "/kk/organisations/MH/"):
            assert client.get(url).status_code == 200
        assert generation.current() is None


def test_the_cache_can_be_turned_off(client, country, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/en/legal-acts/")
    _response, built = _queries(client, "/en/legal-acts/")
    assert built > 0


def test_one_process_computes_the_summary_the_others_serve_the_latest(client, country, page_cache):
    """While another process computes the summary of the new generation, the latest one is
    served, and the page built from it is not cached: the next request gets the fresh one."""
    first = client.get("/en/").context["summary"]
    assert first.overdue == 2
    measure = country.mh_overdue
    measure.status, measure.progress = MeasureStatus.IMPLEMENTED, 100
    measure.save()  # a new generation
    cache.add("reports:summary:computing", 0, 300)  # "another process is computing"
    stale = client.get("/en/")
    assert stale.context["summary"].overdue == 2  # the latest, served meanwhile
    cache.delete("reports:summary:computing")  # the other process is done (or gone)
    fresh = client.get("/en/")
    assert fresh.context is not None, "the stale page must not have been cached"
    assert fresh.context["summary"].overdue == 1


def test_the_warm_up_computes_once(country):
    today = country.as_of
    assert selectors.warm_national_summary(as_of=today) is True
    assert selectors.warm_national_summary(as_of=today) is False  # cached now
    generation.bump()
    cache.add("reports:summary:computing", 0, 300)
    assert selectors.warm_national_summary(as_of=today) is False  # someone else is at it


def test_beat_warms_the_summary_every_minute(country, settings):
    from reports.tasks import warm_summary

    entry = settings.CELERY_BEAT_SCHEDULE["warm-national-summary"]
    assert entry["task"] == warm_summary.name
    assert entry["schedule"] == 60.0
    assert warm_summary.apply().get() is True
    assert warm_summary.apply().get() is False  # nothing new to compute
    country.mh.save()
    assert warm_summary.apply().get() is True


# --- the API's public endpoints (api/caching.py) ------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/measures/", "/api/v1/measures/?search=Ramps", "/api/v1/articles/9/"]
)
def test_an_api_answer_is_served_from_the_cache_the_second_time(client, country, page_cache, url):
    first, second = _built_then_cached(client, url)
    assert second.json() == first.json()
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert "Accept" in second.get("Vary", "")


def test_an_approval_shows_at_once_in_the_api(client, country, page_cache):
    measure = country.mh_overdue
    url = f"/api/v1/measures/{measure.key}/"
    assert client.get(url).json()["status"] == "in_progress"
    assert client.get(url).json()["status"] == "in_progress"  # from the cache
    cr = submit_implemented(measure, editor=country.mh_editor)
    services.change_request_approve(cr_id=cr.pk, by=country.reviewer)
    assert client.get(url).json()["status"] == "implemented"


def test_the_api_caches_nothing_for_tokens_sessions_or_the_browsable_api(
    client, country, page_cache
):
    from rest_framework.test import APIClient

    from tracker.organisations.tokens import token_create

    client.get("/api/v1/measures/", HTTP_ACCEPT="text/html")
    _response, again = _queries(client, "/api/v1/measures/", HTTP_ACCEPT="text/html")
    assert again > 0  # the browsable API is built every time
    _instance, token = token_create(user=country.mh_editor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    api.get("/api/v1/measures/")
    _response, with_token = _queries(api, "/api/v1/measures/")
    assert with_token > 0


def test_a_cached_api_answer_still_counts_against_the_throttle(client, country, page_cache):
    cache.clear()
    rates = {"anon": "3/minute", "user": "1000/minute"}
    with override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": rates}):
        codes = [client.get("/api/v1/legal-acts/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()


@pytest.mark.parametrize("other_stores_it", [True, False])
def test_with_no_summary_yet_a_process_waits_for_the_one_being_computed(
    country, monkeypatch, other_stores_it
):
    """The day's first summary (or after a cold cache): the others wait for the process that
    computes it instead of all computing at once; if that process gives up, one computes."""
    import threading
    import time

    today = country.as_of
    key = f"reports:summary:{today.isoformat()}:{generation.current()}"
    computed = selectors.national_summary(as_of=today)
    calls = []

    def counted(**kwargs):
        calls.append(kwargs)
        return computed

    monkeypatch.setattr(selectors, "national_summary", counted)
    assert cache.add("reports:summary:computing", 0, 300)  # "another process computes"

    def other_process():
        time.sleep(0.3)
        if other_stores_it:
            cache.set(key, computed)
        cache.delete("reports:summary:computing")

    other = threading.Thread(target=other_process)
    other.start()
    started = time.monotonic()
    summary = selectors.cached_national_summary(as_of=today)
    other.join()
    assert time.monotonic() - started >= 0.25  # it waited
    assert summary.overdue == computed.overdue == 2
    assert len(calls) == (0 if other_stores_it else 1)
