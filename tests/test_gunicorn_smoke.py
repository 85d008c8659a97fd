"""The smoke test of a production start: gunicorn with deploy/gunicorn.conf.py and production
settings (DEBUG off, a secret key, the static files collected under their hashed names), on the
database the suite runs on (CI runs it on PostgreSQL, through Django's connection pool), behind what nginx would send (the Host, HTTPS
in X-Forwarded-Proto, the client in X-Forwarded-For). A staff member signs in and the main pages
load over HTTP, each with the security headers; plain HTTP is sent to HTTPS."""

import http.client
import re
import secrets
import socket
import subprocess
import time
from pathlib import Path

import pytest

from .installation import BASE_DIR, System

GUNICORN = Path(BASE_DIR) / ".venv" / "bin" / "gunicorn"
HOST = "aid.example.org"
PAGES = ["/", "/cases/", "/cases/worklist/", "/cases/notices/", "/cases/standards/", "/outreach/funds/",
         "/outreach/campaigns/", "/outreach/cadres/", "/network/", "/network/staff/", "/audit/", "/admin/"]
PASSWORD = "Lantern-Orchard-57"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Just enough of a browser behind nginx: the proxy's headers, and cookies kept by hand (they are
    Secure, and this leg is plain HTTP as it is between nginx and gunicorn)."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, https=True, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": HOST, "X-Forwarded-For": "203.0.113.9", **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response, content


@pytest.fixture
def server(tmp_path):
    if not GUNICORN.exists():
        pytest.fail("gunicorn is not installed in .venv (it is in the test extra: pip install -e '.[test]')")
    system = System(tmp_path, "smoke")
    system.manage("migrate", "--no-input")
    system.shell(
        "from network.models import NodeKind, Role, User; from tests.conftest import make_node;"
        "center = make_node(NodeKind.CENTER, name='县援助分中心', code='532526000');"
        "u = User(username='center_admin', name='李建华', node=center, role=Role.CENTER_ADMIN, is_staff=True);"
        f"u.set_password({PASSWORD!r}); u.save()"
    )
    production = {**system.env, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST,
                  "CSRF_TRUSTED_ORIGINS": f"https://{HOST}", "STATIC_ROOT": str(tmp_path / "static")}
    if system.pg_name:
        production["DB_POOL"] = "1"  # as deploy/env.example has it: Django's pool in each worker
    system.manage("collectstatic", "--no-input", env=production)
    deploy_check = system.manage("check", "--deploy", "--fail-level", "WARNING", env=production)
    assert "no issues" in deploy_check.stdout
    port = _free_port()
    process = subprocess.Popen([str(GUNICORN), "-c", str(Path(BASE_DIR) / "deploy" / "gunicorn.conf.py"),
                                "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                               cwd=BASE_DIR, env=production, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"gunicorn did not start:\n{process.stdout.read()}")
            time.sleep(0.2)
    yield system, Browser(port)
    process.terminate()
    process.wait(timeout=30)
    system.drop()


def test_gunicorn_with_production_settings_serves_a_signed_in_session(server):
    system, browser = server
    response, _content = browser.request("GET", "/login/", https=False)
    assert response.status == 301 and response.getheader("Location") == f"https://{HOST}/login/"

    response, content = browser.request("GET", "/login/")
    assert response.status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    response, _content = browser.request(
        "POST", "/login/", body=f"csrfmiddlewaretoken={token}&username=center_admin&password={PASSWORD}",
        headers={"Origin": f"https://{HOST}", "Referer": f"https://{HOST}/login/"})
    assert response.status == 302 and response.getheader("Location") == "/"

    for path in PAGES:
        response, content = browser.request("GET", path)
        assert response.status == 200, (path, response.status, content[:300])
        assert "script-src 'self'" in response.getheader("Content-Security-Policy"), path
        assert response.getheader("Strict-Transport-Security", "").startswith("max-age=31536000"), path
        assert response.getheader("X-Frame-Options") == "DENY", path
    # the page names its stylesheet by the hash collectstatic gave it
    assert re.search(r'/static/css/app\.[0-9a-f]{12}\.css', browser.request("GET", "/")[1])

    # the audit log has the sign-in, from the client's address nginx passed on
    logged = system.shell("from network.models import AuditEntry; "
                          "print(AuditEntry.objects.filter(action='login').values_list('username', 'ip_address').get())")
    assert logged.strip() == "('center_admin', '203.0.113.9')"
