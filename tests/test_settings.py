"""The settings fail loudly on a bad value, naming the variable, and a developer checkout's .env
makes manage.py work there while a server without one still refuses to start without a key."""

import pytest

from .test_security import _manage


@pytest.mark.parametrize("name, value", [("DEBUG", "maybe"), ("SECURE_SSL_REDIRECT", "yes please"),
                                         ("NOTICE_DAYS", "seven"), ("CONN_MAX_AGE", "1.5"), ("NOTICE_DAYS", "0")])
def test_a_bad_value_in_the_environment_stops_the_start_naming_the_variable(name, value):
    env = {"DEBUG": "1", name: value}
    if name == "SECURE_SSL_REDIRECT":
        env.update(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="aid.example.org")
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


@pytest.mark.parametrize("value, debug", [("1", True), ("true", True), ("On", True), ("0", False), ("no", False)])
def test_the_usual_spellings_of_yes_and_no_are_understood(value, debug, monkeypatch):
    from union_aid.settings import env_bool

    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG") is debug


def test_a_developer_checkout_runs_manage_py_from_its_env_file(tmp_path):
    # DEBUG comes from the .env that scripts/setup.sh wrote; no variable is set by hand
    result = _manage("check")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("variables, expected", [
    ({}, "-c jit=off -c random_page_cost=1.1"),
    ({"PG_JIT": "1"}, "-c random_page_cost=1.1"),
    ({"PG_JIT": "1", "PG_RANDOM_PAGE_COST": "server"}, None),
    ({"PG_RANDOM_PAGE_COST": "2", "PG_MORE_OPTIONS": "-c statement_timeout=30s"},
     "-c jit=off -c random_page_cost=2.0 -c statement_timeout=30s"),
])
def test_postgresql_connections_run_without_the_jit_compiler_and_with_ssd_costs_unless_asked(variables, expected):
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused", **variables}
    result = _manage("shell", "-c", "from django.conf import settings; "
                                    "print(settings.DATABASES['default']['OPTIONS'].get('options'))", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(expected)
