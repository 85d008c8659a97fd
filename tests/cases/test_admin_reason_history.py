"""The admin's history of a dossier names why each record was written by its label (提交, 新建),
never by the stored key."""

import re

from django.urls import reverse

from cases.services import household_submit

from .conftest import make_household


def reasons_in(page):
    table = re.search(r'<table id="change-history".*?</table>', page, re.S).group(0)
    return [re.findall(r"<td>\s*(.*?)\s*</td>", row, re.S)[4] for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]


def test_the_admin_history_names_each_reason_by_its_label(client, center_admin, township, colleague, standard):
    household = make_household(township, colleague)
    household_submit(household=household, actor=colleague)
    client.force_login(center_admin)

    page = client.get(reverse("admin:cases_household_history", args=[household.pk])).content.decode()

    assert reasons_in(page)[0] == "提交"
    assert "submit" not in reasons_in(page)
