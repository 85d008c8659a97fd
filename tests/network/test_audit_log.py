"""The audit log's own rules: logins, failures and lockouts, and every change of a staff account
write one entry each; entries are read-only to everyone, in the admin, by a crafted POST and in the
database itself; the prune keeps what is younger than the retention."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from network import audit
from network.models import AuditAction, AuditEntry, AuditOutcome, Role, User

from ..conftest import PASSWORD, make_user

NEW_PASSWORD = "Lantern-Orchard-57"


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


# --- logins ------------------------------------------------------------------------------------


def test_a_login_writes_one_entry_with_the_address_behind_the_proxy(client, settings, colleague):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    client.post(reverse("login"), {"username": "miyang_clerk", "password": PASSWORD},
                HTTP_X_FORWARDED_FOR="6.6.6.6, 172.16.3.9", REMOTE_ADDR="127.0.0.1")
    [entry] = entries(AuditAction.LOGIN)
    assert (entry.user, entry.outcome, entry.ip_address) == (colleague, AuditOutcome.SUCCESS, "172.16.3.9")
    assert AuditEntry.objects.count() == 1


def test_without_a_trusted_proxy_the_address_is_the_connections_own(client, settings, colleague):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = False
    client.post(reverse("login"), {"username": "miyang_clerk", "password": PASSWORD},
                HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.1.2.3")
    assert entries(AuditAction.LOGIN)[0].ip_address == "10.1.2.3"


def test_a_failed_login_names_the_account_it_tried(client, colleague):
    client.post(reverse("login"), {"username": "miyang_clerk", "password": "wrong-password-1"})
    [entry] = entries(AuditAction.LOGIN_FAILED)
    assert (entry.user, entry.username, entry.outcome) == (colleague, "miyang_clerk", AuditOutcome.FAILURE)


def test_a_failed_login_under_a_name_that_is_no_account_keeps_nothing_typed(client, db):
    # people type their password into the name field: what was typed is not kept
    client.post(reverse("login"), {"username": "Secret-Typed-By-Mistake-1", "password": "x"})
    [entry] = entries(AuditAction.LOGIN_FAILED)
    assert (entry.user, entry.username, entry.detail) == (None, "", "不存在的用户名")


def test_the_fifth_failure_locks_the_account_and_says_so_once(client, colleague):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "miyang_clerk", "password": "wrong-password-1"})
    [lockout] = entries(AuditAction.LOCKOUT)
    assert (lockout.user, lockout.outcome) == (colleague, AuditOutcome.REFUSED)
    assert len(entries(AuditAction.LOGIN_FAILED)) == settings.AXES_FAILURE_LIMIT


# --- staff accounts ------------------------------------------------------------------------------


def _edit(account, **fields):
    data = {"username": account.username, "name": account.name, "phone": account.phone, "node": account.node_id,
            "role": account.role, "is_active": "on" if account.is_active else ""}
    data.update(fields)
    return data


def test_changing_an_accounts_role_and_node_writes_one_entry_each(client, center_admin, colleague, community):
    client.force_login(center_admin)
    client.post(reverse("network:staff_edit", args=[colleague.pk]),
                _edit(colleague, role=Role.REVIEWER, node=community.pk))
    [role] = entries(AuditAction.ACCOUNT_ROLE)
    [node] = entries(AuditAction.ACCOUNT_NODE)
    assert (role.user, role.object_type, role.object_id, role.detail) == (
        center_admin, "network.user", str(colleague.pk), "录入员 → 审核员")
    assert node.object_id == str(colleague.pk)


def test_saving_an_account_unchanged_writes_nothing(client, center_admin, colleague):
    client.force_login(center_admin)
    client.post(reverse("network:staff_edit", args=[colleague.pk]), _edit(colleague, name="张志强（改名）"))
    assert not AuditEntry.objects.exclude(action=AuditAction.LOGIN).exists()


def test_disabling_and_enabling_an_account_are_entries(client, center_admin, colleague):
    client.force_login(center_admin)
    client.post(reverse("network:staff_toggle_active", args=[colleague.pk]))
    client.post(reverse("network:staff_toggle_active", args=[colleague.pk]))
    assert [e.action for e in AuditEntry.objects.exclude(action=AuditAction.LOGIN).order_by("pk")] == [
        AuditAction.ACCOUNT_DISABLE, AuditAction.ACCOUNT_ENABLE]


def test_disabling_accounts_in_the_admin_writes_an_entry_for_each(client, center_admin, colleague, township_reviewer):
    client.force_login(center_admin)
    client.post(reverse("admin:network_user_changelist"),
                {"action": "disable_accounts", "_selected_action": [colleague.pk, township_reviewer.pk]})
    assert {e.object_id for e in entries(AuditAction.ACCOUNT_DISABLE)} == {str(colleague.pk), str(township_reviewer.pk)}


def test_a_new_account_is_an_entry_and_its_owner_must_change_the_password(client, center_admin, township):
    client.force_login(center_admin)
    client.post(reverse("network:staff_create"), {"username": "new_clerk", "name": "新录入员", "phone": "",
                                                  "node": township.pk, "role": Role.DATA_ENTRY,
                                                  "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    account = User.objects.get(username="new_clerk")
    assert entries(AuditAction.ACCOUNT_CREATE)[0].object_id == str(account.pk)
    assert account.must_change_password


def test_changing_ones_own_password_is_an_entry_and_clears_the_forced_change(client, colleague):
    User.objects.filter(pk=colleague.pk).update(must_change_password=True)
    client.force_login(colleague)
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                        "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.check_password(NEW_PASSWORD) and not colleague.must_change_password
    [entry] = entries(AuditAction.PASSWORD_CHANGE)
    assert (entry.user, entry.object_id) == (colleague, str(colleague.pk))


def test_a_center_admin_who_sets_a_peers_password_cannot_take_the_account_over_quietly(
    client, center_admin, center
):
    peer = make_user("center_peer", center, Role.CENTER_ADMIN, name="同事")
    client.force_login(center_admin)
    client.post(reverse("admin:auth_user_password_change", args=[peer.pk]),
                {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    peer.refresh_from_db()
    assert peer.check_password(NEW_PASSWORD) and peer.must_change_password
    [entry] = entries(AuditAction.PASSWORD_SET)
    assert (entry.user, entry.object_id) == (center_admin, str(peer.pk))

    # the next sign-in with that password leads only to the password page, with the reason
    client.logout()
    client.post(reverse("login"), {"username": "center_peer", "password": NEW_PASSWORD})
    response = client.get(reverse("cases:household_list"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_change")
    assert "您的密码是由他人设置的" in response.content.decode()


def test_an_expired_password_sends_its_owner_to_change_it(client, settings, colleague):
    settings.PASSWORD_EXPIRY_DAYS = 90
    User.objects.filter(pk=colleague.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(colleague)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200


def test_with_expiry_off_an_old_password_is_left_alone(client, settings, colleague):
    settings.PASSWORD_EXPIRY_DAYS = 0
    User.objects.filter(pk=colleague.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=900))
    client.force_login(colleague)
    assert client.get(reverse("home")).status_code == 200


# --- read-only, everywhere ----------------------------------------------------------------------


@pytest.fixture
def entry(center_admin):
    return audit.record(center_admin, AuditAction.EXPORT, object_type="cases.household", row_count=3, detail="花名册")


def test_nobody_changes_or_deletes_an_entry_in_the_admin(client, entry, center_admin):
    center_admin.is_superuser = True
    center_admin.save()
    client.force_login(center_admin)
    change = reverse("admin:network_auditentry_change", args=[entry.pk])
    assert client.get(reverse("admin:network_auditentry_changelist")).status_code == 200
    assert client.get(change).status_code == 200  # read, as a view-only page
    assert client.post(change, {"detail": "改过了", "row_count": 0}).status_code == 403
    assert client.post(reverse("admin:network_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:network_auditentry_changelist"),
                       {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}).status_code == 200
    assert client.get(reverse("admin:network_auditentry_add")).status_code == 403
    entry.refresh_from_db()
    assert (entry.detail, entry.row_count) == ("花名册", 3)


def test_the_audit_page_takes_no_post(client, entry, center_admin):
    client.force_login(center_admin)
    assert client.post(reverse("audit_list"), {"pk": entry.pk, "detail": "x"}).status_code == 405
    assert AuditEntry.objects.get(pk=entry.pk).detail == "花名册"


def test_the_database_refuses_to_change_an_entry(entry):
    with pytest.raises(DatabaseError, match="audit entries cannot be changed"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(detail="改过了")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE network_auditentry SET row_count = 0")
    entry.refresh_from_db()
    assert entry.row_count == 3


def test_the_database_refuses_to_delete_a_young_entry(entry):
    with pytest.raises(DatabaseError, match="nor deleted before they are 183 days old"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM network_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_database_lets_an_entry_older_than_the_retention_go(center_admin):
    old = AuditEntry.objects.create(action=AuditAction.LOGIN, at=timezone.now() - datetime.timedelta(days=190))
    AuditEntry.objects.filter(pk=old.pk).delete()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_the_retention_cannot_be_set_below_six_months(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import union_aid.settings

    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "30")
    monkeypatch.setenv("DEBUG", "1")
    with pytest.raises(ImproperlyConfigured, match="at least 183 days"):
        importlib.reload(union_aid.settings)
    monkeypatch.delenv("AUDIT_RETENTION_DAYS")
    importlib.reload(union_aid.settings)


# --- the prune ------------------------------------------------------------------------------------


def test_the_prune_keeps_what_is_younger_than_the_retention(time_machine, settings, center_admin):
    settings.AUDIT_RETENTION_DAYS = 200
    now = timezone.now()
    time_machine.move_to(now - datetime.timedelta(days=260), tick=False)
    oldest = audit.record(center_admin, AuditAction.LOGIN)
    time_machine.move_to(now - datetime.timedelta(days=201), tick=False)
    just_past = audit.record(center_admin, AuditAction.LOGIN)
    time_machine.move_to(now - datetime.timedelta(days=199), tick=False)
    just_inside = audit.record(center_admin, AuditAction.LOGIN)
    time_machine.move_to(now, tick=False)
    recent = audit.record(center_admin, AuditAction.LOGIN)

    call_command("prune_audit", verbosity=0)
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {just_inside.pk, recent.pk}
    assert not AuditEntry.objects.filter(pk__in=[oldest.pk, just_past.pk]).exists()
