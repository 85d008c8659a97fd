"""Saving a dossier in the admin keeps every member the user did not remove (the inline too)."""

import datetime
from decimal import Decimal

from cases.models import Relation

from .conftest import make_id_number
from .test_admin import change_url, make_household, posted


def test_saving_an_untouched_household_of_three_in_the_admin_keeps_all_three(client, colleague, township, standard):
    household = make_household(township, colleague, monthly_income="1500.00", members=[
        ("李平凤", Relation.SPOUSE, make_id_number(datetime.date(1979, 2, 3), serial=801, male=False)),
        ("张文", Relation.CHILD, make_id_number(datetime.date(2009, 5, 6), serial=802)),
    ])
    client.force_login(colleague)
    data = posted(client.get(change_url(household)))
    data["address"] = "弥勒县弥阳镇新址7号"

    response = client.post(change_url(household), data)

    assert response.status_code == 302
    household.refresh_from_db()
    assert sorted(household.members.values_list("name", flat=True)) == ["张志强", "张文", "李平凤"]
    assert household.address == "弥勒县弥阳镇新址7号"
    assert household.household_size == 3
    # 1,500 × 12 ÷ 12 ÷ 3
    assert household.per_capita_monthly_income == Decimal("500.00")


def test_removing_one_member_in_the_admin_keeps_the_others(client, colleague, township, standard):
    household = make_household(township, colleague, monthly_income="1500.00", members=[
        ("李平凤", Relation.SPOUSE, make_id_number(datetime.date(1979, 2, 3), serial=803, male=False)),
        ("张文", Relation.CHILD, make_id_number(datetime.date(2009, 5, 6), serial=804)),
    ])
    child = household.members.get(name="张文")
    client.force_login(colleague)
    data = posted(client.get(change_url(household)))
    index = next(key.split("-")[1] for key, value in data.items() if key.endswith("-id") and str(value) == str(child.pk))
    data[f"members-{index}-DELETE"] = "on"

    assert client.post(change_url(household), data).status_code == 302
    household.refresh_from_db()
    assert sorted(household.members.values_list("name", flat=True)) == ["张志强", "李平凤"]
    assert household.household_size == 2
