from django.contrib import admin
from django.core import checks

from .scoping import is_scoped_model


@checks.register(checks.Tags.security)
def scoped_models_have_scoped_admins(app_configs, **kwargs):
    """Every admin of a scoped model must scope it: an admin that forgets is a startup error."""
    from .admin import ScopedAdminMixin

    errors = []
    for model, model_admin in admin.site._registry.items():
        if is_scoped_model(model) and not isinstance(model_admin, ScopedAdminMixin):
            errors.append(
                checks.Error(
                    f"The admin of {model._meta.label} does not use ScopedAdminMixin.",
                    hint="Subclass network.admin.ScopedAdminMixin so the admin is scoped to the user's subtree.",
                    obj=model_admin.__class__,
                    id="network.E001",
                )
            )
    return errors
