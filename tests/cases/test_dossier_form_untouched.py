"""Saving the edit form as the browser sends it back, untouched or with only the address changed,
keeps every member and every figure."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cases.models import Household

from .test_dossier_form import FAMILY, dossier_post


class FormValues(HTMLParser):
    """What a browser would submit for the form ``form_id`` of a page, as it was rendered: every
    named input, checked box, selected option and text area (a <template> is not part of it)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.in_template = form_id, False, 0
        self.data, self.select, self.options, self.textarea = [], None, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((a["name"], a.get("value", "on")))
            else:
                self.data.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "template" and self.in_template:
            self.in_template -= 1
        elif self.in_template:
            return
        elif tag == "select" and self.select:
            chosen = [v for v, selected in self.options if selected] or [v for v, _s in self.options[:1]]
            self.data.extend((self.select, v) for v in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "form":
            self.inside = False


def as_sent(page, form_id="dossier-form"):
    parser = FormValues(form_id)
    parser.feed(page)
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


FIGURES = ("household_size", "annual_income", "per_capita_monthly_income", "dibao_standard_monthly", "category",
           "proposed_category", "other_annual_income", "medical_expense", "education_expense", "other_rigid_expense")


@pytest.fixture
def family_of_three(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"), dossier_post(community, FAMILY, **{"h-phone": "0873-6123456"}))
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.members.count() == 3
    return household


def members_of(household):
    return sorted(household.members.values_list("pk", "relation", "name", "id_number", "monthly_income", "phone"))


def test_saving_the_edit_form_untouched_keeps_all_three_members_and_the_figures(client, family_of_three):
    household = family_of_three
    before = {name: getattr(household, name) for name in FIGURES}
    people = members_of(household)
    url = reverse("cases:household_edit", args=[household.pk])
    response = client.post(url, as_sent(client.get(url).content.decode()))
    assert response.status_code == 302, response.content.decode()
    household.refresh_from_db()
    assert members_of(household) == people
    assert {name: getattr(household, name) for name in FIGURES} == before
    assert household.annual_income == Decimal("12000.00") and household.household_size == 3


def test_changing_only_the_address_changes_only_the_address(client, family_of_three):
    household = family_of_three
    before = {name: getattr(household, name) for name in FIGURES}
    people = members_of(household)
    url = reverse("cases:household_edit", args=[household.pk])
    data = as_sent(client.get(url).content.decode())
    assert data["h-address"] == ["弥勒县弥阳镇髯翁社区12号"]
    data["h-address"] = ["弥勒县弥阳镇太平社区3号"]
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.address == "弥勒县弥阳镇太平社区3号" and household.phone == "0873-6123456"
    assert members_of(household) == people
    assert {name: getattr(household, name) for name in FIGURES} == before
