"""Sign-in security (issue 11): the lockout by username and address behind a proxy, who may grant
roles in the admin, the sign-in audit, the password reset through the outbox, the security
headers, the session limits and `check --deploy`."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tracker.accounts.models import SignInEvent, SignInEventKind
from tracker.models import Notification, NotificationStatus, User
from tracker.organisations.roles import EDITOR, REVIEWER
from tracker.outbox import services as outbox
from tracker.workflow import evidence
from web.accounts import middleware

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.1"


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def sign_in(client, username: str, *, client_ip: str, password: str = PASSWORD, lang="en"):
    # Behind one proxy: it connects from PROXY and appends the client's address to the header.
    return client.post(
        url("login", lang=lang),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"198.18.0.1, {client_ip}",
    )


# Defect 2: the lockout ---------------------------------------------------------------------------


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5


def test_failures_for_a_made_up_name_from_the_proxy_lock_out_no_real_user(
    client, author, behind_one_proxy
):
    codes = [
        sign_in(client, "no-such-person", client_ip="203.0.113.9").status_code for _ in range(6)
    ]
    assert codes == [200, 200, 200, 200, 429, 429]  # the fifth failure locks that pair
    # Same proxy, same attacker's address even: another username is another pair.
    response = sign_in(client, "author", client_ip="203.0.113.9")
    assert response.status_code == 302
    client.logout()
    assert sign_in(client, "author", client_ip="192.0.2.44").status_code == 302


def test_the_lock_is_the_pair_and_the_address_is_the_one_the_proxy_saw(
    client, author, behind_one_proxy
):
    for _ in range(5):
        sign_in(client, "author", client_ip="203.0.113.9", password="wrong")
    attempt = AccessAttempt.objects.get(username="author")
    # The right-most entry (written by our proxy), never the forgeable one left of it.
    assert attempt.ip_address == "203.0.113.9"
    assert sign_in(client, "author", client_ip="203.0.113.9").status_code == 429
    assert sign_in(client, "author", client_ip="192.0.2.44").status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, author, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    sign_in(client, "author", client_ip="203.0.113.9", password="wrong")
    assert AccessAttempt.objects.get(username="author").ip_address == PROXY


def test_the_lockout_page_shows_the_time_really_left(client, author, settings):
    settings.AXES_FAILURE_LIMIT = 1
    settings.AXES_COOLOFF_TIME = 1
    client.post(url("login", lang="ru"), {"username": "author", "password": "wrong"})
    # The failure was 40 minutes ago: 20 minutes of the hour are left, not the whole hour.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=40)
    )
    response = client.post(url("login", lang="ru"), {"username": "author", "password": "wrong"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "До снятия блокировки осталось: 20 минут" in body
    assert SignInEvent.objects.filter(kind=SignInEventKind.LOCKED_OUT, username="author").exists()


def test_a_username_longer_than_the_column_is_a_failed_sign_in_not_an_error(client, db):
    response = client.post(url("login"), {"username": "x" * 400, "password": "wrong"})
    assert response.status_code == 200
    assert SignInEvent.objects.get(kind=SignInEventKind.SIGN_IN_FAILED).username == "x" * 150


# Defect 3: granting roles in the admin -----------------------------------------------------------


def _change_form_data(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "organization": user.organization_id or "",
        "language": user.language,
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_administrator_who_is_not_a_superuser_cannot_make_anyone_superuser(
    client, administrator, author
):
    client.force_login(administrator)
    change = url("admin:tracker_user_change", author.pk)
    page = client.get(change).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="is_staff"' not in page
    response = client.post(
        change, _change_form_data(author, is_superuser="on", is_staff="on", first_name="A")
    )
    assert response.status_code == 302  # saved: the other fields are theirs to change…
    author.refresh_from_db()
    assert author.first_name == "A"
    assert (author.is_superuser, author.is_staff) == (False, False)  # …these were ignored


def test_an_administrator_who_is_not_a_superuser_cannot_grant_the_reviewer_role(
    client, administrator, author
):
    client.force_login(administrator)
    reviewer_group = Group.objects.get(name=REVIEWER)
    response = client.post(
        url("admin:tracker_user_change", author.pk),
        _change_form_data(author, groups=[Group.objects.get(name=EDITOR).pk, reviewer_group.pk]),
    )
    assert response.status_code == 200  # the form refuses the choice
    assert "not one of the available choices" in response.content.decode()
    assert not author.groups.filter(name=REVIEWER).exists()


def test_an_administrator_who_is_not_a_superuser_cannot_change_their_own_or_a_coordinators_account(
    client, administrator, reviewer
):
    client.force_login(administrator)
    for target in (administrator, reviewer):
        response = client.post(
            url("admin:tracker_user_change", target.pk),
            _change_form_data(target, is_superuser="on", email="taken@example.invalid"),
        )
        assert response.status_code == 403
        target.refresh_from_db()
        assert (target.is_superuser, target.email) != (True, "taken@example.invalid")
    password = url("admin:auth_user_password_change", reviewer.pk).replace("auth", "tracker")
    assert client.post(password, {}).status_code in (403, 404)


def test_a_superuser_grants_roles_and_every_change_is_audited_for_the_coordinators(
    client, superuser, author, administrator
):
    client.force_login(superuser)
    response = client.post(
        url("admin:tracker_user_change", author.pk),
        _change_form_data(author, is_staff="on", groups=[Group.objects.get(name=REVIEWER).pk]),
    )
    assert response.status_code == 302
    events = SignInEvent.objects.filter(
        user=author, kind=SignInEventKind.ROLES_CHANGED, actor=superuser
    )
    details = [e.detail for e in events]
    assert {"is_staff": [False, True]} in [d.get("changes") for d in details]
    group_moves = [(d.get("groups"), d.get("names")) for d in details]
    assert ("added", [REVIEWER]) in group_moves
    assert ("removed", [EDITOR]) in group_moves
    assert events.count() == 3

    # Visible to an administrator, read-only.
    client.force_login(administrator)
    listing = client.get(url("admin:tracker_signinevent_changelist") + "?kind=roles_changed")
    assert listing.status_code == 200
    assert author.username in listing.content.decode()
    event = events.first()
    assert (
        client.post(url("admin:tracker_signinevent_delete", event.pk), {"post": "yes"}).status_code
        == 403
    )
    assert SignInEvent.objects.filter(pk=event.pk).exists()


def test_a_password_reset_through_the_link_is_audited(client, author, queued):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(author.pk))
    token = default_token_generator.make_token(author)
    form = client.get(url("password_reset_confirm", uid, token), follow=True)
    new = "another long pass phrase 42"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert SignInEvent.objects.filter(user=author, kind=SignInEventKind.PASSWORD_CHANGED).exists()
    author.refresh_from_db()
    assert author.check_password(new)


def test_sign_ins_and_failures_are_audited(client, author):
    client.post(url("login"), {"username": "author", "password": "wrong"})
    client.post(url("login"), {"username": "author", "password": PASSWORD})
    kinds = list(
        SignInEvent.objects.filter(user=author).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds[-2:] == [SignInEventKind.SIGN_IN_FAILED, SignInEventKind.SIGNED_IN]


# Defect 8: the password reset --------------------------------------------------------------------


class RefusingConnection:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send_messages(self, messages) -> int:
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"refused")})


def test_the_reset_mail_goes_through_the_outbox_and_survives_a_refusing_server(
    client, author, monkeypatch, mailoutbox, queued, django_capture_on_commit_callbacks
):
    author.language = "ru"
    author.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("password_reset"), {"email": author.email})
    assert response.status_code == 302
    row = Notification.objects.get(kind="password_reset")
    assert (row.recipient, row.language, row.status) == (author.email, "ru", "pending")
    assert "/ru/accounts/reset/" in row.body
    assert row.body.startswith("Кто-то")
    assert queued == [row.pk]

    monkeypatch.setattr(outbox, "get_connection", RefusingConnection)
    with pytest.raises(outbox.DeliveryDeferred):
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mailoutbox)) == ("pending", 1, 0)

    monkeypatch.undo()
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    assert outbox.deliver(row.pk) is True
    assert outbox.deliver(row.pk) is False  # exactly once
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [author.email]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split(django_settings.SITE_URL.rstrip("/"))[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert 'name="new_password1"' in response.content.decode()


def test_the_reset_is_throttled_the_same_for_known_and_unknown_addresses(
    client, author, settings, queued
):
    settings.PASSWORD_RESET_RATE_PER_EMAIL = 3
    for email in (author.email, "nobody@example.invalid"):
        for _ in range(3):
            response = client.post(url("password_reset"), {"email": email})
            assert response.status_code == 302
            assert response["Location"] == url("password_reset_done")
        response = client.post(url("password_reset", lang="kk"), {"email": email})
        assert response.status_code == 429
        assert "Құпиясөзді қалпына келтіру сұраулары тым көп" in response.content.decode()
    assert Notification.objects.filter(kind="password_reset").count() == 3
    assert SignInEvent.objects.filter(kind=SignInEventKind.PASSWORD_RESET_THROTTLED).count() == 2


def test_the_reset_is_throttled_per_client_address(client, db, settings, queued):
    settings.PASSWORD_RESET_RATE_PER_CLIENT = 2
    for n in range(2):
        assert (
            client.post(url("password_reset"), {"email": f"p{n}@example.invalid"}).status_code
            == 302
        )
    assert client.post(url("password_reset"), {"email": "p9@example.invalid"}).status_code == 429


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("kk", "Құпиясөзді қалпына келтіру"), ("ru", "Сброс пароля"), ("en", "Reset your password")],
)
def test_the_reset_pages_are_the_sites_in_each_language(client, db, lang, heading):
    body = client.get(url("password_reset", lang=lang)).content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert 'class="site-header"' in body
    assert "Django" not in body


# Headers -----------------------------------------------------------------------------------------


def _assert_secure_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "camera=()" in response["Permissions-Policy"]


def test_every_kind_of_page_has_the_policy_and_signed_in_pages_are_not_stored(
    client, author, administrator, measure
):
    public = [
        url("tracker:dashboard"),
        url("tracker:measure-detail", measure.pk),
        url("tracker:measure-detail", 999999),  # 404
        "/api/v1/",
        "/api/schema/",
    ]
    for path in public:
        response = client.get(path)
        _assert_secure_headers(response)
        assert "no-store" not in response.get("Cache-Control", "")
    for path in (url("login"), url("password_reset")):
        _assert_secure_headers(client.get(path))
    client.force_login(author)
    for path in (url("tracker:my-work"), url("tracker:dashboard"), url("account-security")):
        response = client.get(path)
        _assert_secure_headers(response)
        assert "no-store" in response["Cache-Control"]
    client.force_login(administrator)
    for path in (url("admin:index"), url("admin:tracker_user_changelist")):
        response = client.get(path)
        assert response.status_code == 200
        _assert_secure_headers(response)
        assert "no-store" in response["Cache-Control"]


def test_the_api_docs_page_allows_only_redocs_own_styles(client, db):
    response = client.get("/api/docs/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self' 'unsafe-inline'" in csp
    body = response.content.decode()
    assert "cdn" not in body
    assert "<script>" not in body


def test_evidence_downloads_are_not_stored(client, author, measure, propose, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cr = propose(measure, {"progress": 70}, submit=False)
    attached = evidence.evidence_attach(
        cr_id=cr.pk, by=author, uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
    )
    client.force_login(author)
    response = client.get(url("tracker:evidence-download", attached.pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_no_template_has_inline_script_or_style():
    root = django_settings.BASE_DIR / "templates"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "email" not in path.parts
        and path.name != "document.html"  # the PDF's source; its preview allows it by hash
        and any(token in path.read_text() for token in ("<script>", "style=", "<style"))
    ]
    assert offenders == []


# Sessions ----------------------------------------------------------------------------------------


def _age_session(client, **seconds_ago) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[getattr(middleware, key)] = now - ago
    session.save()


def test_a_reviewer_is_signed_out_after_the_idle_timeout_an_editor_later(
    client, reviewer, author, settings
):
    settings.SESSION_IDLE_TIMEOUT_COORDINATOR = 1800
    settings.SESSION_IDLE_TIMEOUT_EDITOR = 7200
    client.force_login(reviewer)
    assert client.get(url("tracker:my-work")).status_code == 200
    _age_session(client, LAST_SEEN=1801)
    response = client.get(url("tracker:my-work"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("login"))
    assert SignInEvent.objects.filter(user=reviewer, kind=SignInEventKind.SESSION_EXPIRED).exists()

    client.force_login(author)
    _age_session(client, LAST_SEEN=1801)
    assert client.get(url("tracker:my-work")).status_code == 200
    _age_session(client, LAST_SEEN=7201)
    assert client.get(url("tracker:my-work")).status_code == 302


def test_no_session_outlives_the_maximum_age_however_active(client, author, settings):
    settings.SESSION_COOKIE_AGE = 12 * 3600
    client.force_login(author)
    _age_session(client, SIGNED_IN_AT=12 * 3600 - 60, LAST_SEEN=10)
    assert client.get(url("tracker:my-work")).status_code == 200
    _age_session(client, SIGNED_IN_AT=12 * 3600 + 1, LAST_SEEN=10)
    assert client.get(url("tracker:my-work")).status_code == 302


# check --deploy ----------------------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_documented_environment():
    # The browser tests' session sets DJANGO_ALLOW_ASYNC_UNSAFE in this process (for Playwright);
    # a deployment never has it, and check --deploy rightly refuses it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SECRET_KEY": "k" * 20 + "-deploy-check-only-" + "q7Zp" * 8,
        "DJANGO_ALLOWED_HOSTS": "crpd.example.kz",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_reset_link_is_not_shown_in_the_admin(client, superuser, author, administrator, queued):
    client.post(url("password_reset"), {"email": superuser.email})
    row = Notification.objects.get(kind="password_reset")
    token_line = next(line for line in row.body.splitlines() if "/accounts/reset/" in line)
    client.force_login(administrator)
    page = client.get(url("admin:tracker_notification_change", row.pk)).content.decode()
    assert "Not shown: it contains a one-time link" in page
    assert token_line.split("/reset/")[1] not in page
