"""The audit log: one function, ``record``, called where a security-relevant event happens.

An entry names who (his username, name and node as they were), the action (a fixed key of
``AuditAction``), the object by type and id, the outcome, the client's IP address and a row count;
``detail`` holds only words of our own (filter names, a program, a record's id), never a value a
user typed about a person. The request's address reaches ``record`` through ``AuditMiddleware``
(a context variable), so services, which take no request, record the address all the same.

Logins, failed logins and lockouts come from Django's and django-axes' signals (they happen inside
the login view); every other call is explicit, beside the write it records.
"""

import contextvars
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .models import AuditAction, AuditEntry, AuditOutcome

_client_ip = contextvars.ContextVar("audit_client_ip", default=None)


def client_ip(request):
    """The client's address: behind nginx, the last hop it appended to X-Forwarded-For (the one
    address the proxy itself saw), else REMOTE_ADDR. Only a proxy we run sets the header; a
    client's own X-Forwarded-For is kept by nginx to the left of the address it adds."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.AUDIT_TRUST_X_FORWARDED_FOR else ""
    address = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    return address or None


class AuditMiddleware:
    """Makes the request's client address known to ``record`` for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


def _label(model_or_obj):
    return model_or_obj._meta.label_lower if model_or_obj is not None else ""


def record(actor, action, obj=None, *, outcome=AuditOutcome.SUCCESS, object_type="", object_id="",
           row_count=None, detail="", username=""):
    """Writes one audit entry for ``action`` by ``actor`` (a user, or None for the system or an
    unknown name) on ``obj`` (any model instance; or name it by ``object_type``/``object_id``).
    ``detail`` must hold no personal value. Returns the entry."""
    user = actor if getattr(actor, "pk", None) else None
    node = getattr(user, "node", None) if user is not None else None
    limit = AuditEntry._meta.get_field("detail").max_length
    detail = str(detail)
    return AuditEntry.objects.create(
        user=user,
        username=user.get_username() if user is not None else username,
        user_name=getattr(user, "name", "") if user is not None else "",
        node=node,
        node_name=node.name if node is not None else "",
        action=AuditAction(action),
        object_type=_label(obj) if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else str(object_id or ""),
        outcome=outcome,
        ip_address=_client_ip.get(),
        row_count=row_count,
        detail=detail if len(detail) <= limit else detail[: limit - 1] + "…",
    )


def prune(now=None):
    """Deletes the entries older than AUDIT_RETENTION_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    count, _by_model = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return count


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    record(user, AuditAction.LOGIN)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, AuditAction.LOGOUT)


def _account_named(credentials):
    """The account a failed login named, or None. What was typed is never stored when it is no
    account's name: people type their password into the name field."""
    username = (credentials or {}).get(get_user_model().USERNAME_FIELD) or (credentials or {}).get("username")
    if not username:
        return None
    return get_user_model()._default_manager.filter(username=username).select_related("node").first()


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    account = _account_named(credentials)
    record(account, AuditAction.LOGIN_FAILED, account, outcome=AuditOutcome.FAILURE,
           detail="" if account is not None else "不存在的用户名")


def _locked_out(sender, request, username, ip_address, **kwargs):
    account = _account_named({"username": username})
    record(account, AuditAction.LOCKOUT, account, outcome=AuditOutcome.REFUSED,
           detail="" if account is not None else "不存在的用户名")


def connect_lockout_signal():
    """django-axes' lockout signal, connected from NetworkConfig.ready (axes is imported then)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="audit_lockout")
