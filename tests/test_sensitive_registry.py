"""Sensitive fields are declared once, in the registry (network.sensitive, filled by cases.sensitive).
Every admin that shows a registered field shows it masked to a user without its permission; a user
with it sees it in full, and the reveal is logged. The test walks the admin site, so a new admin,
inline or registered field is checked without a line added here."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Household, Member, Relation, SensitiveAccess
from cases.sensitive import PHONE, log_access
from network.admin import MASKED_PREFIX, MaskedAdminMixin
from network.models import Enterprise, Node, Role
from network.sensitive import SENSITIVE, Display

from .cases.conftest import make_household, make_id_number
from .conftest import make_enterprise, make_user

HEAD_ID = make_id_number(datetime.date(1972, 4, 8), serial=451)
SPOUSE_ID = make_id_number(datetime.date(1974, 9, 30), serial=452, male=False)


@pytest.fixture
def examples(township, colleague):
    """A dossier with every registered field filled, each changed once so that the history pages
    show old and new values too. Every registered model must have an example here."""
    household = make_household(
        township, colleague, head_name="张志强", head_id=HEAD_ID, phone="13661234567",
        bank_account="6228480123456789012", members=[("李秀英", Relation.SPOUSE, SPOUSE_ID)],
    )
    household.phone, household.bank_account = "13988887777", "6217000011112222333"
    household.save()
    for member in household.members.all():
        member.phone = "13700001111" if member.relation == Relation.SPOUSE else "13612340000"
        member.birth_date += datetime.timedelta(days=1)
        member.save()
    log_access(colleague, household, "page")
    for model in SENSITIVE.models():
        assert model._default_manager.exists(), f"add an example of {model._meta.label} to examples()"
    return household


@pytest.fixture(params=[Role.LEADER, Role.FINANCE])
def masked_user(request, center):
    """A user at the center who reads every dossier but may not see full numbers."""
    user = make_user(f"center_{request.param}", center, request.param)
    assert not any(SENSITIVE.may_see(user, model) for model in SENSITIVE.models())
    return user


def full_forms(value):
    """The ways a value can appear on a page in full."""
    if isinstance(value, datetime.date):
        return {value.isoformat(), date_format(value), date_format(value, "SHORT_DATE_FORMAT")}
    return {str(value)}


def every_full_value():
    """Every value a registered field holds or held (history included), in each of its full forms."""
    values = set()
    for model, entry in ((m, SENSITIVE.of(m)) for m in SENSITIVE.models()):
        rows = list(model._default_manager.all())
        if hasattr(model, "history"):
            rows += list(model.history.all())
        for row in rows:
            for name in entry.fields:
                if getattr(row, name, None):  # history leaves out the head's copies
                    values |= full_forms(getattr(row, name))
    return values


def assert_nothing_in_full(page, url):
    shown = sorted(value for value in every_full_value() if value in page)
    assert not shown, f"{url} shows {shown} in full"


def request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def masked_values_shown(model_admin, user, objects, names):
    """The masked form of each registered field among ``names`` (an admin's columns or fields) for ``objects``."""
    fields = SENSITIVE.fields(model_admin.model)
    return {
        fields[name.removeprefix(MASKED_PREFIX)](getattr(obj, name.removeprefix(MASKED_PREFIX)), False)
        for name in names if isinstance(name, str) and name.removeprefix(MASKED_PREFIX) in fields
        for obj in objects if getattr(obj, name.removeprefix(MASKED_PREFIX))
    }


def admins_showing_sensitive_fields():
    """(model admin, the registered models its pages show): the model's own and its inlines'."""
    found = []
    for model, model_admin in admin.site._registry.items():
        shown = [m for m in [model, *(inline.model for inline in model_admin.inlines)] if SENSITIVE.of(m)]
        if shown:
            found.append((model_admin, shown))
    return found


def url_of(model_admin, view, *args):
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_the_registry_covers_the_dossiers_numbers_and_the_admin_walk_finds_them():
    assert set(SENSITIVE.fields(Member)) == {"id_number", "birth_date", "phone"}
    assert set(SENSITIVE.fields(Household)) == {"phone", "bank_account", "head_id_number", "head_phone"}
    assert {a.model for a, _shown in admins_showing_sensitive_fields()} >= {Household, Member}


def test_every_admin_and_inline_showing_a_sensitive_field_masks_it():
    for model_admin, _shown in admins_showing_sensitive_fields():
        assert isinstance(model_admin, MaskedAdminMixin), model_admin
        for inline_class in model_admin.inlines:
            assert issubclass(inline_class, MaskedAdminMixin), inline_class


def test_every_registered_field_is_masked_on_every_admin_page_for_a_user_without_the_permission(
    client, examples, masked_user
):
    client.force_login(masked_user)
    request = request_as(masked_user)
    for model_admin, _shown in admins_showing_sensitive_fields():
        model = model_admin.model
        objects = list(model_admin.get_queryset(request))
        assert objects, f"no example of {model._meta.label} visible to {masked_user}"
        obj = objects[0]

        changelist_url = url_of(model_admin, "changelist")
        changelist = client.get(changelist_url).content.decode()
        assert_nothing_in_full(changelist, changelist_url)
        for value in masked_values_shown(model_admin, masked_user, objects, model_admin.get_list_display(request)):
            assert value in changelist, (changelist_url, value)

        change_url = url_of(model_admin, "change", obj.pk)
        response = client.get(change_url)
        assert response.status_code == 200, change_url
        change = response.content.decode()
        assert_nothing_in_full(change, change_url)
        expected = masked_values_shown(model_admin, masked_user, [obj], flatten_fieldsets(model_admin.get_fieldsets(request, obj)))
        for inline in response.context["inline_admin_formsets"]:
            inline_objects = [form.instance for form in inline.formset.initial_forms]
            expected |= masked_values_shown(inline.opts, masked_user, inline_objects, flatten_fieldsets(inline.fieldsets))
        assert expected, f"{change_url} shows no registered field"
        for value in expected:
            assert value in change, (change_url, value)

        if isinstance(model_admin, SimpleHistoryAdmin):
            history_url = url_of(model_admin, "history", obj.pk)
            history = client.get(history_url).content.decode()
            assert_nothing_in_full(history, history_url)
            assert "****" in history, f"{history_url} shows no masked change"
            version = model.history.filter(id=obj.pk).earliest()
            version_url = url_of(model_admin, "simple_history", obj.pk, version.history_id)
            page = client.get(version_url).content.decode()
            assert_nothing_in_full(page, version_url)
            for value in masked_values_shown(model_admin, masked_user, [version.instance], flatten_fieldsets(model_admin.get_fieldsets(request, version.instance))):
                assert value in page, (version_url, value)
    assert SensitiveAccess.objects.count() == 1  # the example's own: nothing was revealed


def test_a_user_who_may_see_the_numbers_sees_them_on_the_object_pages_and_each_reveal_is_logged(client, examples, center_admin):
    client.force_login(center_admin)
    request = request_as(center_admin)
    for model_admin, _shown in admins_showing_sensitive_fields():
        model, entry = model_admin.model, SENSITIVE.of(model_admin.model)
        obj = model_admin.get_queryset(request).first()
        # each registered field the page shows, in its full forms (one of which the page holds)
        full = [
            full_forms(getattr(obj, name)) for name in flatten_fieldsets(model_admin.get_fieldsets(request, obj))
            if name in entry.fields and getattr(obj, name)
        ]
        urls = [url_of(model_admin, "change", obj.pk)]
        if isinstance(model_admin, SimpleHistoryAdmin):
            version = model.history.filter(id=obj.pk).earliest()
            urls += [url_of(model_admin, "history", obj.pk), url_of(model_admin, "simple_history", obj.pk, version.history_id)]

        changelist_url = url_of(model_admin, "changelist")
        before = SensitiveAccess.objects.count()
        assert_nothing_in_full(client.get(changelist_url).content.decode(), changelist_url)
        assert SensitiveAccess.objects.count() == before, f"{changelist_url} logged a reveal"

        pages = []
        for url in urls:
            before = SensitiveAccess.objects.count()
            pages.append(client.get(url).content.decode())
            assert SensitiveAccess.objects.count() == before + 1, f"{url} did not log its reveal"
            access = SensitiveAccess.objects.first()
            assert (access.user, access.household, access.channel) == (center_admin, entry.owner(obj), "admin")
        assert full and all(any(form in pages[0] for form in forms) for forms in full), urls[0]


def test_no_admin_list_shows_a_sensitive_value_in_full_to_a_user_without_the_permission(client, examples, masked_user):
    client.force_login(masked_user)
    for model_admin in admin.site._registry.values():
        try:
            url = url_of(model_admin, "changelist")
        except NoReverseMatch:
            continue
        response = client.get(url)
        if response.status_code == 200:
            assert_nothing_in_full(response.content.decode(), url)


# --- the registry is what the admin, the lookups and the templates read ----------------------


@pytest.fixture
def node_phone_registered(monkeypatch):
    """Node.phone declared sensitive, as another app would declare its own fields."""
    reveals = []
    monkeypatch.setattr(SENSITIVE, "_models", dict(SENSITIVE._models))
    SENSITIVE.register(Node, {"phone": PHONE}, permission="cases.view_sensitive",
                       log_reveal=lambda user, node: reveals.append((user, node)))
    return reveals


def test_a_newly_registered_field_is_masked_in_the_admin_and_its_history_and_its_reveal_logged(
    client, center_leader, center_admin, township, node_phone_registered
):
    township.phone = "0873-6121111"
    township.save()
    township.phone = "0873-6122222"
    township.save()
    client.force_login(center_leader)

    pages = [
        client.get(reverse("admin:network_node_changelist")).content.decode(),
        client.get(reverse("admin:network_node_change", args=[township.pk])).content.decode(),
        client.get(reverse("admin:network_node_history", args=[township.pk])).content.decode(),
    ]

    for page in pages:
        assert "0873-6122222" not in page and "0873-6121111" not in page
    assert all(PHONE("0873-6122222", False) in page for page in pages)
    assert PHONE("0873-6121111", False) in pages[2]  # the old value, masked too
    assert node_phone_registered == []

    client.force_login(center_admin)
    page = client.get(reverse("admin:network_node_change", args=[township.pk])).content.decode()
    assert "0873-6122222" in page
    assert node_phone_registered == [(center_admin, township)]


def test_a_list_filter_on_a_registered_field_is_refused(client, center_admin, township, monkeypatch):
    make_enterprise(township, nature="state")
    client.force_login(center_admin)
    url = reverse("admin:network_enterprise_changelist")
    assert client.get(url, {"nature__exact": "state"}).status_code == 200

    monkeypatch.setattr(SENSITIVE, "_models", dict(SENSITIVE._models))
    SENSITIVE.register(Enterprise, {"nature": Display(lambda value: "***")}, permission="cases.view_sensitive",
                       log_reveal=lambda user, enterprise: None)

    assert client.get(url, {"nature__exact": "state"}).status_code == 400


def test_a_misspelt_field_is_refused_when_it_is_registered(monkeypatch):
    monkeypatch.setattr(SENSITIVE, "_models", dict(SENSITIVE._models))
    with pytest.raises(Exception, match="id_numbr"):
        SENSITIVE.register(Member, {"id_numbr": PHONE}, permission="cases.view_sensitive", log_reveal=print)


def test_the_template_tag_shows_any_registered_field_as_the_registry_says(examples):
    head = examples.members.get(relation=Relation.HEAD)
    template = Template('{% load sensitive %}{% shown head "id_number" %}|{% shown head "birth_date" %}|'
                        '{% shown head "id_number" True %}|{% shown head "name" %}')

    shown = template.render(Context({"head": head}))

    assert shown == f"{HEAD_ID[:6]}********{HEAD_ID[-4:]}|1972年|{HEAD_ID}|张志强"
