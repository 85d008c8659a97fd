"""Security settings that the foundation promises: a clean deploy check, a loud start without a
secret key, 30-minute sessions, per-username lockout, CSRF, and no personal data in the logs."""

import logging
import os
import secrets
import string
import subprocess
import sys
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from network.models import Role, User

from .conftest import PASSWORD, make_user

OFFICE_IP = "10.20.30.40"
WRONG = "Not-The-Password-1"


# what the test run sets for itself (tests/browser sets DJANGO_ALLOW_ASYNC_UNSAFE) is no part of production
NOT_PRODUCTION = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")


def _manage(*args, **env):
    base = {key: value for key, value in os.environ.items() if key not in NOT_PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=OFFICE_IP)


# --- production settings ---------------------------------------------------------------------


def test_the_deploy_check_passes_with_production_settings():
    secret = "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(60))
    result = _manage("check", "--deploy", DEBUG="0", SECRET_KEY=secret, ALLOWED_HOSTS="aid.example.org")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_a_production_start_without_a_secret_key_fails_loudly():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="aid.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


# --- sessions --------------------------------------------------------------------------------


def test_sessions_end_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_every_request_pushes_the_session_expiry_forward(client, colleague):
    client.force_login(colleague)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get(reverse("home")).status_code == 200
    expire_date = Session.objects.get(pk=key).expire_date
    assert expire_date > timezone.now() + timedelta(minutes=29)


def test_an_expired_session_sends_the_user_back_to_the_login_page(client, colleague):
    client.force_login(colleague)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- lockout ---------------------------------------------------------------------------------


def test_a_wrong_password_shows_the_form_again_in_chinese(client, colleague):
    response = _login(client, colleague.username, WRONG)
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_username(client, colleague):
    for _ in range(4):
        assert _login(client, colleague.username, WRONG).status_code == 200
    fifth = _login(client, colleague.username, WRONG)
    assert fifth.status_code == 429
    assert "账号已锁定" in fifth.content.decode()

    sixth = _login(client, colleague.username, PASSWORD)
    assert sixth.status_code == 429
    assert "该账号连续 5 次密码错误，已锁定 30 分钟。" in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_colleague_at_the_same_office_ip_still_gets_in(client, colleague, township_reviewer):
    for _ in range(5):
        _login(client, colleague.username, WRONG)
    response = _login(client, township_reviewer.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(township_reviewer.pk)


def test_the_lock_holds_for_thirty_minutes_then_lifts(client, colleague):
    for _ in range(5):
        _login(client, colleague.username, WRONG)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert _login(client, colleague.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    response = _login(client, colleague.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_four_wrong_passwords_then_the_right_one_logs_in_and_resets_the_count(client, colleague):
    for _ in range(4):
        _login(client, colleague.username, WRONG)
    assert _login(client, colleague.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, colleague.username, WRONG)
    assert _login(client, colleague.username, PASSWORD).status_code == 302


# --- CSRF ------------------------------------------------------------------------------------


def test_a_login_without_a_csrf_token_is_refused(colleague):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": colleague.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_login_with_the_csrf_token_succeeds(colleague):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("login"), {"username": colleague.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_creating_an_account_without_a_csrf_token_is_refused(center_admin, township):
    client = Client(enforce_csrf_checks=True)
    client.force_login(center_admin)
    response = client.post(
        reverse("network:staff_create"),
        {
            "username": "forged",
            "name": "伪造账号",
            "node": township.pk,
            "role": Role.CENTER_ADMIN,
            "password1": "Forged-Account-2026",
            "password2": "Forged-Account-2026",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="forged").exists()


# --- logs ------------------------------------------------------------------------------------


def test_failed_logins_and_refusals_log_no_username_or_name(client, caplog, township):
    """Everything our logging configuration lets through (root at DEBUG, axes at its configured
    level) is captured, and none of it names the user: axes writes the username at INFO and WARNING
    unless it is masked (AXES_SENSITIVE_PARAMETERS) or filtered out (the axes logger at ERROR)."""
    make_user("zhou_chunsheng", township, Role.DATA_ENTRY, name="周春生")
    caplog.set_level(logging.DEBUG)
    axes_logger = logging.getLogger("axes")
    axes_logger.addHandler(caplog.handler)
    try:
        for _ in range(6):
            _login(client, "zhou_chunsheng", WRONG)
        _login(client, "zhou_chunsheng", PASSWORD)
        client.force_login(User.objects.get(username="zhou_chunsheng"))
        client.get(reverse("network:staff_list"))
        client.get(reverse("network:node_detail", args=[999999]))
    finally:
        axes_logger.removeHandler(caplog.handler)
    messages = [record.getMessage() for record in caplog.records]
    # the capture works: Django's request logger reported the lockout, the 403 and the 404
    assert any("/login/" in message for message in messages)
    assert any("/network/staff/" in message for message in messages)
    assert any("/network/nodes/999999/" in message for message in messages)
    for message in messages:
        assert "zhou_chunsheng" not in message
        assert "周春生" not in message
