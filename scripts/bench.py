"""`make bench` (issue 12): every page type and main API list at factor 1 and factor 100 side
by side — queries, median and p95, HTML size, the ratio to the raw SQL that computes the same
numbers — then 50 concurrent clients for 30 s against gunicorn (a read mix; a write mix of
editors proposing and submitting while reviewers approve), then the status reports.

Writes docs/BENCHMARKS.md. Run against PostgreSQL (the Makefile passes DATABASE_URL) on a
database of its own, which it flushes first. BENCH_FACTOR (default 100) is the large factor;
BENCH_PORT (default 8110) gunicorn's loopback port. To add a page, add a line to PAGES.
"""

from __future__ import annotations

import asyncio
import os
import platform
import secrets
import statistics
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from indicators.models import Indicator  # noqa: E402
from ingest import scale  # noqa: E402
from ingest.loading import load_crpd  # noqa: E402
from scripts import bench_load  # noqa: E402
from tracker.accounts.services import must_verify  # noqa: E402
from tracker.models import LegalAct, Measure, User  # noqa: E402
from tracker.workflow import services  # noqa: E402

# (label, address with {placeholders}, who asks: None = the public, or "editor", "reviewer",
# "admin"). Public pages are held to the targets: 300 ms median, 500 KB.
PAGES = [
    ("dashboard", "/kk/", None),
    ("article 9", "/kk/articles/9/", None),
    ("measures list", "/kk/measures/", None),
    ("measures list, search", "/kk/measures/?q=пандус", None),
    ("measure", "/kk/measures/{measure}/", None),
    ("legal acts", "/kk/legal-acts/", None),
    ("legal act: the Constitution", "/kk/legal-acts/{constitution}/", None),
    ("organisation MH", "/kk/organisations/MH/", None),
    ("organisation MLSPP", "/kk/organisations/MLSPP/", None),
    ("indicators", "/kk/indicators/", None),
    ("indicator", "/kk/indicators/{indicator}/", None),
    ("search page", "/kk/search/?q=пандус", None),
    ("API measures", "/api/v1/measures/", None),
    ("API measures, search", "/api/v1/measures/?search=пандус", None),
    ("API citations", "/api/v1/citations/", None),
    ("API observations", "/api/v1/observations/", None),
    ("API indicators", "/api/v1/indicators/", None),
    ("API legal acts", "/api/v1/legal-acts/", None),
    ("propose form (editor)", "/kk/measures/{measure}/propose/", "editor"),
    ("my-work (editor)", "/kk/my-work/", "editor"),
    ("my-work (reviewer)", "/kk/my-work/", "reviewer"),
    ("reports (reviewer)", "/kk/reports/", "reviewer"),
    ("admin: measures", "/kk/admin/tracker/measure/", "admin"),
    ("admin: citations", "/kk/admin/tracker/citation/", "admin"),
    ("admin: observations", "/kk/admin/indicators/observation/", "admin"),
    ("admin: indicator change", "/kk/admin/indicators/indicator/{indicator}/change/", "admin"),
    ("admin: measure change", "/kk/admin/tracker/measure/{measure}/change/", "admin"),
]
# The public read mix of the load test.
READ_MIX = [
    "/kk/",
    "/kk/articles/9/",
    "/kk/measures/",
    "/kk/measures/?q=пандус",
    "/kk/legal-acts/",
    "/kk/legal-acts/{constitution}/",
    "/kk/organisations/MH/",
    "/kk/indicators/",
    "/kk/indicators/{indicator}/",
    "/kk/search/?q=пандус",
    "/api/v1/measures/",
]
RUNS, BUDGET_S, MIN_RUNS = int(os.environ.get("BENCH_RUNS", "20")), 20.0, 5
# The raw SQL that computes what a page shows: its floor.
FLOORS = {
    "dashboard": [
        "SELECT a.number,"
        " (SELECT count(*) FROM tracker_reportparagraph p WHERE p.article_id = a.id),"
        " (SELECT count(*) FROM tracker_measure_articles ma WHERE ma.article_id = a.id)"
        " FROM tracker_article a ORDER BY a.number",
        "SELECT a.number, m.status, count(*) FROM tracker_measure_articles ma"
        " JOIN tracker_article a ON a.id = ma.article_id JOIN tracker_measure m"
        " ON m.id = ma.measure_id GROUP BY 1, 2",
    ],
    "measures list": [
        "SELECT count(*) FROM tracker_measure",
        "SELECT * FROM tracker_measure ORDER BY key LIMIT 25",
    ],
    "measures list, search": [
        "SELECT * FROM tracker_measure WHERE title_kk ILIKE '%%пандус%%' OR title_ru ILIKE"
        " '%%пандус%%' OR title_en ILIKE '%%пандус%%' OR description_kk ILIKE '%%пандус%%'"
        " OR key ILIKE '%%пандус%%' ORDER BY key LIMIT 25",
    ],
}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def places() -> dict[str, int]:
    """What the {placeholders} of PAGES name: the same original records at every factor."""
    originals = Measure.objects.exclude(key__regex=r":s[0-9]+$")
    measure = (
        originals.filter(organizations__code="MLSPP", status__in=["planned", "in_progress"])
        .annotate(n=Count("legal_basis"))
        .order_by("-n", "key")
        .first()
    )
    indicator = (
        Indicator.objects.exclude(key__regex=r":s[0-9]+$")
        .annotate(n=Count("observations"))
        .order_by("-n", "key")
        .first()
    )
    return {
        "measure": measure.pk,
        "indicator": indicator.pk,
        "constitution": LegalAct.objects.get(key="kz:constitution").pk,
    }


def clients() -> dict[str | None, Client]:
    """The public, an editor of the measure's organisation, a reviewer, an administrator."""
    made = {None: Client()}
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    admin.is_superuser = admin.is_staff = True
    admin.save()
    users = {
        "editor": User.objects.filter(username__startswith="scale-editor-mlspp-").order_by("pk")[0],
        "reviewer": User.objects.filter(username__startswith="scale-reviewer-").order_by("pk")[0],
        "admin": admin,
    }
    for role, user in users.items():
        made[role] = Client()
        made[role].force_login(user)
        device = second_factor(user)
        if device is not None:  # as after a sign-in with the second factor (issue 11)
            session = made[role].session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return made


def second_factor(user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device (made if missing) when they must pass a second factor."""
    if not must_verify(user):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)


def measure_page(client: Client, url: str) -> dict[str, float]:
    client.get(url)  # warm caches
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < RUNS and (len(times) < MIN_RUNS or time.perf_counter() - started < BUDGET_S):
        times += timed(lambda: client.get(url), 1)
    return {
        "status": response.status_code,
        "queries": len(executed),
        "median": statistics.median(times),
        "p95": _p95(times),
        "kb": len(response.content) / 1024,
    }


def measure_pages() -> dict[str, dict]:
    where = places()
    made = clients()
    return {
        label: measure_page(made[who], address.format(**where)) for label, address, who in PAGES
    }


def measure_floors() -> dict[str, float]:
    out = {}
    with connection.cursor() as cursor:
        for label, statements in FLOORS.items():

            def run(statements=statements):
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

            run()
            out[label] = statistics.median(timed(run, RUNS))
    return out


class _RollbackError(Exception):
    pass


def _in_rollback(fn) -> tuple[int, float]:
    """(statements, ms) of fn in a transaction that is rolled back: the data stays as it was."""
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.execute_wrapper(count):
            fn()
            raise _RollbackError
    except _RollbackError:
        pass
    return len(executed), (time.perf_counter() - started) * 1000


def measure_writes() -> dict[str, tuple[int, float]]:
    """A measure's change proposed, submitted and approved; the Constitution marked amended and
    approved (every citing measure flagged) — each rolled back."""
    where = places()
    measure = Measure.objects.get(pk=where["measure"])
    editor = User.objects.filter(username__startswith="scale-editor-mlspp-").order_by("pk")[0]
    reviewer = User.objects.filter(username__startswith="scale-reviewer-").order_by("pk")[0]
    act = LegalAct.objects.get(pk=where["constitution"])
    out = {}
    state = {}

    def create():
        state["cr"] = services.change_request_create(
            by=editor, target=measure, payload={"progress": 42}
        )

    out["propose a measure change"] = _in_rollback(create)

    def cycle():
        create()
        services.change_request_submit(cr_id=state["cr"].pk, by=editor)
        services.change_request_approve(cr_id=state["cr"].pk, by=reviewer)

    out["propose, submit and approve it"] = _in_rollback(cycle)

    def amend():
        cr = services.change_request_create(by=reviewer, target=act, payload={"status": "amended"})
        services.change_request_submit(cr_id=cr.pk, by=reviewer)
        admin = User.objects.get(username="bench-admin")
        services.change_request_approve(cr_id=cr.pk, by=admin)

    out["the Constitution amended: propose, submit, approve"] = _in_rollback(amend)
    return out


def writes_table(factor: int, writes: dict) -> list[str]:
    lines = [
        f"| write (rolled back) | statements 1× | statements {factor}× | ms 1× | ms {factor}× |",
        "|---|---|---|---|---|",
    ]
    for label, (q1, ms1) in writes[1].items():
        q2, ms2 = writes[factor][label]
        lines.append(f"| {label} | {q1} | {q2} | {ms1:.0f} | {ms2:.0f} |")
    return lines


def session_for(user: User) -> bench_load.Session:
    """A session as a sign-in would make it, in the database gunicorn reads."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = second_factor(user)
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return bench_load.Session(cookie=store.session_key)


def writers(n: int) -> list[tuple[User, Measure]]:
    """n editors, each with an unfinished measure of their own organisation, all different."""
    pairs, taken = [], set()
    editors = User.objects.filter(username__startswith="scale-editor-").order_by("pk")
    for editor in editors:
        measure = (
            Measure.objects.filter(
                organizations=editor.organization_id, status__in=["planned", "in_progress"]
            )
            .exclude(pk__in=taken)
            .order_by("pk")
            .first()
        )
        if measure is not None:
            taken.add(measure.pk)
            pairs.append((editor, measure))
        if len(pairs) == n:
            break
    return pairs


def lost_updates(before: dict[str, tuple[int, int]], approvals: dict[str, list[int]]) -> int:
    """Measures whose version did not rise once per approval, or whose progress is not the last
    approved value: an approval that was lost or overwritten."""
    lost = 0
    now = {
        key: (version, progress)
        for key, version, progress in Measure.objects.filter(key__in=list(before)).values_list(
            "key", "version", "progress"
        )
    }
    for key, (version, _progress) in before.items():
        approved = approvals.get(key, [])
        version_now, progress_now = now[key]
        if version_now - version != len(approved) or (approved and progress_now != approved[-1]):
            lost += 1
    return lost


def _cache_url() -> str:
    """A Redis database of its own for gunicorn's cache, beside the broker's."""
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")
    return broker.rsplit("/", 1)[0] + "/13"


def redis_flush(url: str) -> None:
    import redis

    if url.startswith("redis://"):
        redis.Redis.from_url(url).flushdb()


def _as_after_a_write(cache_url: str) -> None:
    """What a write does to the cache: the data generation moves on (tracker/common/generation.py;
    the key as Django's cache names it), so every page and answer is built again and the
    dashboard's summary computed again, the latest one served meanwhile."""
    import redis

    redis.Redis.from_url(cache_url).incr(":1:crpd:data-generation")


def measure_load(port: int) -> dict[str, dict]:
    """The read mix with the public page cache on (as deployed: Redis), the write mix, then the
    read mix again with the cache off: what the pages alone sustain."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    base = f"http://127.0.0.1:{port}"
    where = places()
    urls = [u.format(**where) for u in READ_MIX]
    connection.close()  # gunicorn's workers open their own
    cache_url = _cache_url()
    cached_env = env | {"REDIS_CACHE_URL": cache_url, "PUBLIC_PAGE_CACHE_SECONDS": "600"}
    process = bench_load.start_gunicorn(port, cached_env)
    try:
        # A server that has been running: warm processes, the pages in the cache.
        redis_flush(cache_url)
        bench_load.warm_up(base, urls)
        reads = bench_load.read_mix_any(base, urls)
        # The same, the moment after a write.
        _as_after_a_write(cache_url)
        after_write = bench_load.read_mix_any(base, urls)
        pairs = writers(bench_load.CLIENTS - 10)
        reviewer = User.objects.filter(username__startswith="scale-reviewer-").order_by("pk")
        reviewers = [session_for(reviewer[i % reviewer.count()]) for i in range(10)]
        editors = [(session_for(editor), measure.key) for editor, measure in pairs]
        before = {m.key: (m.version, m.progress) for _e, m in pairs}
        connection.close()
        writes, approvals = asyncio.run(bench_load.write_mix(base, editors, reviewers))
        writes["lost"] = lost_updates(before, approvals)
        writes["approved"] = sum(len(v) for v in approvals.values())
        peak = bench_load.worker_peak_mb(process)
    finally:
        bench_load.stop_gunicorn(process)
    connection.close()
    process = bench_load.start_gunicorn(port, env | {"PUBLIC_PAGE_CACHE_SECONDS": "0"})
    try:
        bench_load.warm_up(base, urls)
        uncached = bench_load.read_mix_any(base, urls)
        peak = max(peak, bench_load.worker_peak_mb(process))
    finally:
        bench_load.stop_gunicorn(process)
    return {
        "read": reads,
        "read_after_write": after_write,
        "read_uncached": uncached,
        "write": writes,
        "peak_mb": peak,
        "workers": 5,
    }


def _verdict(label: str, who: str | None, small: dict, large: dict) -> str:
    misses = []
    if large["queries"] != small["queries"]:
        misses.append("queries grow")
    if large["median"] > 3 * max(small["median"], 1):
        misses.append("> 3× factor 1")
    public = who is None and not label.startswith("API")
    if public and large["median"] > 300:
        misses.append("> 300 ms")
    if public and large["kb"] > 500:
        misses.append("> 500 KB")
    return "yes" if not misses else "**no**: " + ", ".join(misses)


def pages_table(factor: int, small: dict, large: dict) -> list[str]:
    lines = [
        f"| page | who | queries 1× | queries {factor}× | median ms 1× | median ms {factor}× "
        f"| p95 ms 1× | p95 ms {factor}× | KB 1× | KB {factor}× | targets met at {factor}× |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, address, who in PAGES:
        a, b = small[label], large[label]
        status = "" if a["status"] == b["status"] == 200 else f" (HTTP {a['status']}/{b['status']})"
        lines.append(
            f"| {label} `{address}`{status} | {who or 'public'} | {a['queries']} | {b['queries']} "
            f"| {a['median']:.0f} | {b['median']:.0f} | {a['p95']:.0f} | {b['p95']:.0f} "
            f"| {a['kb']:.0f} | {b['kb']:.0f} | {_verdict(label, who, a, b)} |"
        )
    return lines


def floors_table(factor: int, pages: dict, floors: dict) -> list[str]:
    lines = [
        f"| page | raw SQL ms 1× | raw SQL ms {factor}× | page ÷ raw SQL 1× "
        f"| page ÷ raw SQL {factor}× |",
        "|---|---|---|---|---|",
    ]
    for label in FLOORS:
        (s_floor, l_floor), (s_page, l_page) = (
            (floors[1][label], floors[factor][label]),
            (pages[1][label]["median"], pages[factor][label]["median"]),
        )
        lines.append(
            f"| {label} | {s_floor:.1f} | {l_floor:.1f} | {s_page / max(s_floor, 0.01):.1f}× "
            f"| {l_page / max(l_floor, 0.01):.1f}× |"
        )
    return lines


def load_table(factor: int, loads: dict) -> list[str]:
    lines = [
        "| mix | factor | requests/s | p50 ms | p95 ms | p99 ms | errors | other |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in (1, factor):
        w = loads[f]["write"]
        for mix, note in (
            ("read", "page cache on"),
            ("read_after_write", "page cache on, the moment after a write"),
            ("read_uncached", "page cache off"),
        ):
            r = loads[f][mix]
            lines.append(
                f"| read | {f}× | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} "
                f"| {r['p99']:.0f} | {r['errors']} | {r['requests']} requests, {note} "
                f"({r['driver']}) |"
            )
        lines.append(
            f"| write | {f}× | {w['rps']:.1f} | {w['p50']:.0f} | {w['p95']:.0f} | {w['p99']:.0f} "
            f"| {w['errors']} | {w['approved']} approvals, {w['conflicts']} conflicts (409), "
            f"**{w['lost']} lost updates**; answers by status {w['statuses']}; worker peak RSS "
            f"{loads[f]['peak_mb']:.0f} MB |"
        )
    return lines


def prepare() -> tuple[float, list[float]]:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)  # flush empties the role groups too: recreate them
    fixtures = settings.BASE_DIR / "fixtures"
    first = timed(lambda: load_crpd(fixtures), 1)[0]
    again = timed(lambda: load_crpd(fixtures), 3)
    scale.generate(1, password=secrets.token_urlsafe(16))  # the users of factor 1
    return first, again


def header(first: float, again: list[float], factor: int, generated: float) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    totals = ", ".join(f"{n:,} {name}" for name, n in scale.counts().items())
    return [
        "# Benchmarks",
        "",
        "Made by `make bench` (scripts/bench.py, scripts/bench_load.py, scripts/bench_reports.py)"
        f" on {server}, Python {platform.python_version()}, {os.cpu_count()} cores (shared: "
        f"load average {os.getloadavg()[0]:.1f} at the end). Re-run to refresh: "
        "`make bench` (BENCH_FACTOR, default 100; about 20 minutes).",
        "",
        "## Loading the CRPD data (`load_crpd`)",
        "",
        "| run | seconds |",
        "|---|---|",
        f"| first load into an empty database | {first / 1000:.1f} |",
        f"| second load (nothing changes), median of 3 | {statistics.median(again) / 1000:.1f} |",
        "",
        f"## Scale data: `manage.py generate_scale_data --factor {factor}`",
        "",
        f"Generated in {generated:.0f} s (issue 12's target: 5 minutes at 100×): {totals}.",
        "",
    ]


def later_sections(factor: int) -> list[str]:
    """On the multiplied data: the status reports, the exports, the overview pages cold and
    cached, and last the spreadsheet import (it adds measures of its own). BENCH_SKIP (comma
    separated: reports, exports, overview, import) leaves sections out of a quick run."""
    from scripts import bench_exports, bench_import, bench_pages, bench_reports

    skip = {s.strip() for s in os.environ.get("BENCH_SKIP", "").split(",") if s.strip()}
    sections = [
        ("reports", bench_reports.SECTION, lambda: bench_reports.run(factor)),
        ("exports", bench_exports.SECTION, lambda: bench_exports.run(factor)),
        ("overview", bench_pages.SECTION, bench_pages.run),
        (
            "import",
            bench_import.SECTION,
            lambda: bench_import.run(int(os.environ.get("IMPORT_BENCH_ROWS", "2000"))),
        ),
    ]
    out = settings.BASE_DIR / "docs" / "BENCHMARKS.md"
    earlier = out.read_text(encoding="utf-8") if out.exists() else ""
    lines: list[str] = []
    for name, heading, section in sections:
        if name not in skip:
            lines += ["", *section()]
        elif heading in earlier:  # kept as the earlier run wrote it, and said so
            kept = earlier.split(heading, 1)[1].split("\n## ", 1)[0].split("<!-- ", 1)[0]
            note = f"_Not re-run by the last `make bench` (BENCH_SKIP={name}): an earlier run's._"
            lines += ["", heading, "", note, *kept.rstrip().splitlines()]
    return lines


def _load_script_section(out: Path) -> str:
    """scripts/load.py's own section of the file (a production-like run made by hand), kept."""
    from scripts.load import MARK_BEGIN, MARK_END

    text = out.read_text(encoding="utf-8") if out.exists() else ""
    if MARK_BEGIN not in text or MARK_END not in text:
        return ""
    return "\n" + MARK_BEGIN + text.split(MARK_BEGIN, 1)[1].split(MARK_END, 1)[0] + MARK_END + "\n"


def main() -> None:
    try:
        run()
    finally:
        # The mails and tasks the write mix queued are never to be sent, and the test suite's
        # real workers share this Redis server: nothing of the bench's is left in it.
        redis_flush(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12"))
        redis_flush(_cache_url())


def run() -> None:
    factor = int(os.environ.get("BENCH_FACTOR", "100"))
    port = int(os.environ.get("BENCH_PORT", "8110"))
    first, again = prepare()
    pages, floors, loads = {1: measure_pages()}, {1: measure_floors()}, {1: measure_load(port)}
    writes = {1: measure_writes()}
    started = time.perf_counter()
    scale.generate(factor, password=secrets.token_urlsafe(16), log=print)
    generated = time.perf_counter() - started
    pages[factor], floors[factor] = measure_pages(), measure_floors()
    writes[factor] = measure_writes()
    loads[factor] = measure_load(port)
    lines = header(first, again, factor, generated)
    lines += [
        f"## Pages and API lists at 1× and {factor}×",
        "",
        f"In-process (Django's test client), {RUNS} requests each (at least {MIN_RUNS}, at most "
        f"{BUDGET_S:.0f} s per page); queries counted on one request; KB of the response body. "
        f"Targets at {factor}×: the same queries, a median within 3× of 1×, public pages under "
        "300 ms and 500 KB.",
        "",
        *pages_table(factor, pages[1], pages[factor]),
        "",
        "### The raw-SQL floor",
        "",
        "The SQL that computes the same numbers, timed alone (median); target: the dashboard "
        "within 3× of it.",
        "",
        *floors_table(factor, pages, floors),
        "",
        "### Writes",
        "",
        "Through the workflow's services, each in a transaction rolled back afterwards; the "
        "statements include the e-mails queued in the outbox.",
        "",
        *writes_table(factor, writes),
        "",
        f"## Load: {bench_load.CLIENTS} concurrent clients for {bench_load.DURATION:.0f} s",
        "",
        f"gunicorn 23 on loopback, {loads[1]['workers']} sync workers, `config.settings.test`, "
        "the same machine's two cores driving the load too. Read mix: the public pages and the "
        "measures API in turn, anonymous, on warm worker processes (10 clients for 5 s "
        "first), driven by wrk (2 threads; Debian's `wrk`, else asyncio "
        "+ httpx clients: scripts/bench_load.py); once with the public page cache on, as "
        "deployed (Redis; web/caching.py: the pages kept under the data generation that every "
        "write moves on), on warm processes, then again the moment after a write (the "
        "generation moved on: every page built again, the summary computed again while the "
        "latest is served), and once with it off (every page "
        "built). Write mix (httpx): 40 editors "
        "each proposing a new progress for a measure "
        "of their own organisation through the API and submitting it, 10 reviewers approving; "
        "an editor proposes again once the change is decided. Lost updates: a measure whose "
        "version did not rise once per approval seen, or whose progress is not the last approved "
        "value. Targets: read p95 within 500 ms and 0 errors; write 0 errors, 0 lost updates.",
        "",
        *load_table(factor, loads),
        "",
    ]
    lines += later_sections(factor)
    out = settings.BASE_DIR / "docs" / "BENCHMARKS.md"
    out.write_text("\n".join(lines) + "\n" + _load_script_section(out), encoding="utf-8")
    print(Path(out).read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
