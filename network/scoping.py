"""Jurisdiction scoping: the one mechanism that decides who sees what.

A user sees his own node and everything below it; the county center sees everything. Every
model that holds scoped data uses ``ScopedQuerySet`` (through ``ScopedManager``) and names, in
``scope_node``, the lookup from itself to its network node ("" for the node itself). Views fetch
through ``visible_to(user)`` or ``get_visible_or_404``; the admin through ``ScopedAdminMixin``
(network.admin), and a system check (network.checks) refuses an admin that forgets it.
"""

from django.db import models
from django.shortcuts import get_object_or_404


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The rows within the user's jurisdiction: his node's subtree."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.node_id is None:
            return self.none()
        scope_node = self.model.scope_node
        lookup = f"{scope_node}__path__startswith" if scope_node else "path__startswith"
        return self.filter(**{lookup: user.node.path})


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def is_scoped_model(model):
    return hasattr(model, "scope_node") and isinstance(
        getattr(model._default_manager, "get_queryset", lambda: None)(), ScopedQuerySet
    )


def get_visible_or_404(model, user, **lookup):
    """The object matching ``lookup`` if the user may see it; 404 otherwise, in or out of scope alike."""
    queryset = model if isinstance(model, models.QuerySet) else model._default_manager.all()
    return get_object_or_404(queryset.visible_to(user), **lookup)


def node_in_scope(user, node):
    """Whether ``node`` lies in the user's subtree (used for the nodes a form may assign)."""
    if node is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.node_id is not None and node.path.startswith(user.node.path)
