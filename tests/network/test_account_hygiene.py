"""Account hygiene: guessable passwords are refused whatever their length, unused accounts are
disabled by the daily command, and the demo's published password is never a real account's."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from network.models import AuditAction, AuditEntry, User
from network.passwords import PUBLISHED_PASSWORDS
from union_aid.management.commands.load_demo import DEMO_PASSWORD

from ..conftest import make_user


@pytest.mark.parametrize(
    "password, message",
    [
        (" " * 14, "密码不能只由空格组成。"),
        ("aaaaaaaaaaaaaa", "密码不能由同一个字符重复组成。"),
        ("777777777777", "密码不能由同一个字符重复组成。"),
        ("qwertyuiop[]", "密码不能是键盘上一排相连的按键。"),
        ("QWERTYUIOPoiuy", "密码不能是键盘上一排相连的按键。"),
        ("1234567890-=", "密码不能是键盘上一排相连的按键。"),
        ("asdfghjkl;lkj", "密码不能是键盘上一排相连的按键。"),
        ("!@#$%^&*()_+", "密码不能是键盘上一排相连的按键。"),
        ("Union-Aid-Demo-2026", "这是公开的演示密码，不能使用。"),
        ("union-aid-demo-2026", "这是公开的演示密码，不能使用。"),
    ],
)
def test_a_guessable_password_is_refused_with_the_reason(db, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert message in refused.value.messages


@pytest.mark.parametrize("password", ["Lantern-Orchard-57", "qwe-Rty-uio-Pa9", "弥勒县援助中心2026年度"])
def test_a_good_password_passes(db, password):
    validate_password(password)


def test_the_demo_password_is_the_published_one():
    assert DEMO_PASSWORD in PUBLISHED_PASSWORDS


def test_accounts_unused_for_ninety_days_are_disabled_with_an_entry_each(settings, township):
    settings.ACCOUNT_UNUSED_DAYS = 90
    now = timezone.now()
    stale = make_user("stale", township, last_login=now - datetime.timedelta(days=91))
    recent = make_user("recent", township, last_login=now - datetime.timedelta(days=89))
    never = make_user("never", township, date_joined=now - datetime.timedelta(days=120))
    fresh = make_user("fresh", township, date_joined=now - datetime.timedelta(days=3))

    call_command("disable_unused_accounts", verbosity=0)

    assert {u.username for u in User.objects.filter(is_active=False)} == {"stale", "never"}
    for account in (recent, fresh):
        account.refresh_from_db()
        assert account.is_active
    disabled = AuditEntry.objects.filter(action=AuditAction.ACCOUNT_DISABLE)
    assert {e.object_id for e in disabled} == {str(stale.pk), str(never.pk)}
    assert all(e.user is None and e.detail == "90 天未登录，自动停用" for e in disabled)
    # a second run finds nothing more to do
    call_command("disable_unused_accounts", verbosity=0)
    assert disabled.count() == 2
