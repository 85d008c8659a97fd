from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import ROLE_RANK, Node, Role, User


class GrantCheckMixin:
    """Refuses a role or a node above the granting user's own, with the message beside the field."""

    def _setup_grant(self, granted_by):
        self.granted_by = granted_by
        if granted_by is not None and "node" in self.fields:
            self.fields["node"].queryset = Node.objects.visible_to(granted_by).filter(is_active=True)
            self.fields["node"].required = True
        if granted_by is not None and "role" in self.fields and not granted_by.is_superuser:
            self.fields["role"].choices = [
                (value, label) for value, label in Role.choices if ROLE_RANK[value] <= granted_by.rank
            ]

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.granted_by is not None and ROLE_RANK.get(role, 99) > self.granted_by.rank:
            raise forms.ValidationError(_("不能授予高于您本人的角色。"))
        return role

    def clean(self):
        cleaned = super().clean()
        role, node = cleaned.get("role"), cleaned.get("node")
        if self.granted_by is not None and role and node and not self.granted_by.can_grant(role, node):
            self.add_error("node", _("只能在您所在节点及其下级节点中设置账号。"))
        return cleaned


class StaffCreateForm(GrantCheckMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ["username", "name", "phone", "node", "role"]

    def __init__(self, *args, granted_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_grant(granted_by)
        self.fields["name"].required = True

    def save(self, commit=True):
        user = super().save(commit=False)
        # every staff account may open the back office; what it sees there is scoped and role-bound
        user.is_staff = True
        # someone else chose this password: its owner replaces it at his first login
        user.must_change_password = True
        if commit:
            user.save()
        return user


class StaffEditForm(GrantCheckMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "name", "phone", "node", "role", "is_active"]

    def __init__(self, *args, granted_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_grant(granted_by)
        if granted_by is not None and self.instance.pk == granted_by.pk:
            # no one changes his own role, node or status: that would be a grant to himself
            for name in ("node", "role", "is_active"):
                self.fields[name].disabled = True
