"""What a production install relies on: every model change has its migration, check --deploy is
clean with production values, every response carries the Content-Security-Policy, and no demo
account with the published password passes the deployment check."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from network.models import Role
from union_aid.checks import no_demo_accounts
from union_aid.management.commands.load_demo import DEMO_PASSWORD

from .conftest import make_user


def test_every_model_change_has_its_migration(db):
    # SystemExit(1) when makemigrations would write one (as .ci/run checks before the suites)
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_response_carries_the_content_security_policy(client, db):
    response = client.get(reverse("login"))
    assert response["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'; style-src 'self'")


@pytest.mark.parametrize("debug, password, refused", [(False, DEMO_PASSWORD, True), (False, "Lantern-Orchard-57", False),
                                                      (True, DEMO_PASSWORD, False)])
def test_a_demo_account_with_the_published_password_fails_the_deployment_check(settings, center, debug, password,
                                                                                refused):
    settings.DEBUG = debug
    account = make_user("center_admin", center, Role.CENTER_ADMIN)
    account.set_password(password)
    account.save()
    errors = no_demo_accounts(None)
    assert [error.id for error in errors] == (["union_aid.E001"] if refused else [])
