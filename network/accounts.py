"""Account hygiene: what is audited when a staff account changes, passwords set by someone else
(changed by their owner at the next login), password expiry and the disabling of unused accounts.

A password that someone other than the account's owner sets (a new account, an administrator's
reset) is marked ``must_change_password``: the owner's next request goes to the password page
until he has chosen his own, so a center admin cannot quietly take over a peer's account.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import AuditAction, Role, User


def snapshot(account):
    """What the audit compares: role, node and active state before a change."""
    return {"role": account.role, "node_id": account.node_id, "is_active": account.is_active}


def record_changes(actor, account, before):
    """One audit entry for each of role, node and active state that differs from ``before``
    (``snapshot`` taken before the save); a new account (``before`` None) is one entry."""
    if before is None:
        audit.record(actor, AuditAction.ACCOUNT_CREATE, account)
        return
    if before["role"] != account.role:
        audit.record(actor, AuditAction.ACCOUNT_ROLE, account,
                     detail=f"{Role(before['role']).label} → {Role(account.role).label}")
    if before["node_id"] != account.node_id:
        audit.record(actor, AuditAction.ACCOUNT_NODE, account, detail=f"节点 {before['node_id']} → {account.node_id}")
    if before["is_active"] != account.is_active:
        action = AuditAction.ACCOUNT_ENABLE if account.is_active else AuditAction.ACCOUNT_DISABLE
        audit.record(actor, action, account)


@transaction.atomic
def password_set(*, actor, account, raw_password):
    """Sets ``account``'s password as ``actor``: changed by its owner, it is his own; set by anyone
    else, its owner must change it at his next login. Audited either way."""
    own = actor is not None and actor.pk == account.pk
    account.set_password(raw_password)
    account.must_change_password = not own
    account.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit.record(actor, AuditAction.PASSWORD_CHANGE if own else AuditAction.PASSWORD_SET, account)
    return account


def password_expired(account, now=None):
    """The password is older than PASSWORD_EXPIRY_DAYS (never, when that is 0)."""
    days = settings.PASSWORD_EXPIRY_DAYS
    if not days or account.password_changed_at is None:
        return False
    return account.password_changed_at < (now or timezone.now()) - timedelta(days=days)


# what a user who must change his password may still open: the password page, logging out, the
# session's keep-alive, static files
ALLOWED_URL_NAMES = {"password_change", "password_change_done", "logout", "session_keep_alive"}


class PasswordChangeRequiredMiddleware:
    """Sends a user whose password was set by someone else, or has expired, to the password page
    before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (user.must_change_password or password_expired(user)):
            allowed = {reverse(name) for name in ALLOWED_URL_NAMES}
            if request.path not in allowed and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
                if user.must_change_password:
                    messages.warning(request, _("您的密码是由他人设置的，请先改成只有您自己知道的密码。"))
                else:
                    messages.warning(request, _("您的密码已超过 %(days)d 天未修改，请先修改密码。")
                                     % {"days": settings.PASSWORD_EXPIRY_DAYS})
                return redirect("password_change")
        return self.get_response(request)


def unused_accounts(now=None):
    """Active accounts nobody has signed into for ACCOUNT_UNUSED_DAYS (by their last login, or
    by when they were made if they never signed in)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCOUNT_UNUSED_DAYS)
    return User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


@transaction.atomic
def disable_unused_accounts(now=None):
    """Disables every unused account (``unused_accounts``), each with its history record and
    audit entry (by the system: no actor); returns them."""
    accounts = list(unused_accounts(now).select_for_update(of=("self",)))
    for account in accounts:
        account.is_active = False
        account.save(update_fields=["is_active"])
        audit.record(None, AuditAction.ACCOUNT_DISABLE, account,
                     detail=f"{settings.ACCOUNT_UNUSED_DAYS} 天未登录，自动停用")
    return accounts
