"""The keep-alive a page calls while its user types: it pushes the session's expiry forward for a
signed-in user, is never cached, and answers 401 (not the login page) once the session has ended."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

URL = reverse("session_keep_alive")


def test_the_keep_alive_pushes_the_sessions_expiry_forward(client, colleague):
    client.force_login(colleague)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=2))
    response = client.get(URL)
    assert response.status_code == 204 and response.content == b""
    assert Session.objects.get(pk=key).expire_date > timezone.now() + timedelta(minutes=29)
    assert response["X-Session-Age"] == str(30 * 60)
    assert response["X-Session-User"] == str(colleague.pk)


def test_the_keep_alive_is_never_cached(client, colleague):
    client.force_login(colleague)
    assert "no-store" in client.get(URL)["Cache-Control"]


def test_the_keep_alive_hands_the_page_a_csrf_token_that_a_save_accepts(colleague):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(colleague)
    token = browser.get(URL)["X-CSRF-Token"]
    assert len(token) == 64
    response = browser.post(reverse("password_change"), {"csrfmiddlewaretoken": token, "old_password": "x"})
    assert response.status_code == 200  # the form with its error, not the 403 of a refused token


def test_an_ended_session_gets_401_not_the_login_page(client, colleague):
    client.force_login(colleague)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(URL)
    assert response.status_code == 401 and "Location" not in response
    assert "no-store" in response["Cache-Control"]


def test_someone_never_signed_in_gets_401_and_no_session(client, db):
    response = client.get(URL)
    assert response.status_code == 401
    assert Session.objects.count() == 0


def test_the_keep_alive_answers_only_a_get(client, colleague):
    client.force_login(colleague)
    assert client.post(URL).status_code == 405


def test_every_page_of_a_signed_in_user_tells_the_script_how_long_the_session_lasts(client, colleague, settings):
    settings.SESSION_COOKIE_AGE = 600
    client.force_login(colleague)
    page = client.get(reverse("home")).content.decode()
    assert 'data-session-age="600"' in page and f'data-keep-alive-url="{URL}"' in page
    assert 'src="/static/js/session.js"' in page
    client.logout()
    page = client.get(reverse("login")).content.decode()
    assert "data-session-age" not in page and "session.js" not in page
