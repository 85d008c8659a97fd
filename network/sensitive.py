"""The one registry of sensitive fields: which field of which model is shown masked, how, to whom,
and how seeing it in full is logged.

The apps fill it (``cases.sensitive`` registers the dossier's ID, phone and bank numbers; a later
app registers its own); everything that shows or filters such a field reads it: the admin's
masking mixin and lookup guard (``network.admin``), the history, the exports and the template
tags. network imports no app, so the apps bring the masks and the logging with them."""

from dataclasses import dataclass, field
from typing import Any, Callable


def _as_is(value):
    return value


@dataclass(frozen=True)
class Display:
    """How one kind of value is shown: ``masked(value)`` to whoever may not see it, ``full(value)``
    to whoever may. ``label`` heads the masked stand-in when it says less than the field's name
    (a birth date shown as its year)."""

    masked: Callable[[Any], str]
    full: Callable[[Any], Any] = _as_is
    label: str | None = None

    def __call__(self, value, unmasked):
        return self.full(value) if unmasked else self.masked(value)


@dataclass(frozen=True)
class SensitiveModel:
    """A model's sensitive fields ({name: Display}), the permission that shows them in full, and
    ``log_reveal(user, owner)``, which records that ``user`` saw them in full in the back office;
    ``owner(obj)`` is the object the record names (the dossier of a member, say)."""

    fields: dict
    permission: str
    log_reveal: Callable[[Any, Any], None]
    owner: Callable[[Any], Any] = field(default=_as_is)


class SensitiveRegistry:
    def __init__(self):
        self._models = {}

    def register(self, model, fields, *, permission, log_reveal, owner=_as_is):
        """Declares ``fields`` ({field name: Display}) of ``model`` sensitive."""
        for name in fields:
            model._meta.get_field(name)  # a typo is an error at start-up, not a field left unmasked
        self._models[model] = SensitiveModel(dict(fields), permission, log_reveal, owner)

    def of(self, model):
        """The model's SensitiveModel, or None when it has no sensitive field."""
        return self._models.get(model)

    def fields(self, model):
        entry = self.of(model)
        return entry.fields if entry is not None else {}

    def models(self):
        return list(self._models)

    def field_names(self):
        """Every registered field's name: no admin address may filter on a field of that name."""
        return frozenset(name for entry in self._models.values() for name in entry.fields)

    def may_see(self, user, model):
        """True when ``user`` may see the model's sensitive fields in full (or it has none)."""
        entry = self.of(model)
        return entry is None or user.has_perm(entry.permission)

    def show(self, model, name, value, unmasked):
        """``value`` of field ``name`` as shown: masked unless ``unmasked`` (other fields as they are)."""
        display = self.fields(model).get(name)
        return display(value, unmasked) if display is not None else value


SENSITIVE = SensitiveRegistry()
