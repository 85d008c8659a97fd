"""Writes to the network's registers that pages other than the admin make (the unit import)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .scoping import node_in_scope


class RegisterError(ValidationError):
    """A refused write: its message is shown as it is."""


@transaction.atomic
def enterprise_save(*, enterprise, actor):
    """Saves a unit (new or changed) at a node within the actor's subtree, validated whole (one
    name per node), if his role may add or change units."""
    needed = "network.add_enterprise" if enterprise.pk is None else "network.change_enterprise"
    if not actor.has_perm(needed):
        raise RegisterError(_("您的角色无权进行此操作。"))
    if enterprise.node_id is None or not node_in_scope(actor, enterprise.node):
        raise RegisterError(_("所属节点不在您的管辖范围内。"))
    enterprise.full_clean()
    enterprise.save()
    return enterprise
