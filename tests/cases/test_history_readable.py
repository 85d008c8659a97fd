"""The change history reads like the rest of the pages: times in local time to the minute, each
operation said once, and no full birth date where the ID numbers are masked (the masked digits
of an ID number are its birth date)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import ExitReason, Member, Relation, Status

from .conftest import make_household, make_id_number

HEAD_ID = make_id_number(datetime.date(1975, 3, 14), serial=77)


def history_rows(page):
    """(time, person, subject, operation, changes) of each row of the page's 修改记录, tags taken out."""
    table = re.search(r'<table class="table history">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append(tuple(re.sub(r"：\s+", "：", re.sub(r"\s+", " ", cell)).strip() for cell in cells))
    return rows


@pytest.fixture
def filed(community, community_clerk, standard):
    """A dossier filed through the service, as the clerk's form files it."""
    from cases.models import Household

    household = Household(node=community, primary_cause="laid_off", address="弥勒县弥阳镇髯翁社区")
    head = Member(relation=Relation.HEAD, name="马永平", id_number=HEAD_ID, birth_date=datetime.date(1975, 3, 14),
                  sex="M", monthly_income="900.00")
    return services.household_save(household=household, members=[head], actor=community_clerk)


def test_each_operation_is_said_once(client, filed, community_clerk, township_reviewer):
    services.household_submit(household=filed, actor=community_clerk)
    services.household_return(household=filed, actor=township_reviewer, reason="缺少收入证明")
    client.force_login(community_clerk)

    rows = history_rows(client.get(filed.get_absolute_url()).content.decode())

    operations = [row[3] for row in rows]
    assert "新建（新建）" not in operations and "修改（提交）" not in operations
    assert operations.count("新建") == 2  # the dossier and its head
    assert "提交" in operations and "退回" in operations
    assert all("（" not in operation for operation in operations)


def test_a_changed_time_reads_in_local_time_to_the_minute(client, community, community_clerk, township_reviewer):
    household = make_household(community, community_clerk, status=Status.APPROVED)
    services.household_exit(household=household, actor=township_reviewer, reason=ExitReason.RETIRED)
    household.refresh_from_db()
    client.force_login(township_reviewer)

    page = client.get(household.get_absolute_url()).content.decode()

    exit_row = next(row for row in history_rows(page) if row[3] == "退出")
    local = timezone.localtime(household.exited_at).strftime("%Y-%m-%d %H:%M")
    assert f"退出时间：— → {local}" in exit_row[4]
    assert "+00:00" not in page and not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", page)


def test_a_masked_history_shows_only_the_year_of_a_changed_birth_date(client, filed, township_reviewer):
    head = filed.members.get()
    head.birth_date = datetime.date(1976, 5, 20)
    head.save()
    client.force_login(township_reviewer)

    masked = client.get(filed.get_absolute_url()).content.decode()
    unmasked = client.get(filed.get_absolute_url(), {"unmask": "1"}).content.decode()

    assert "出生日期：1975年 → 1976年" in " ".join(row[4] for row in history_rows(masked))
    assert "1975-03-14" not in masked and "1976-05-20" not in masked
    assert "出生日期：1975-03-14 → 1976-05-20" in " ".join(row[4] for row in history_rows(unmasked))


def test_a_leader_who_may_not_see_full_numbers_never_sees_the_full_birth_date(client, filed, center_leader):
    head = filed.members.get()
    head.birth_date = datetime.date(1976, 5, 20)
    head.save()
    client.force_login(center_leader)

    page = client.get(filed.get_absolute_url(), {"unmask": "1"}).content.decode()

    assert "1975-03-14" not in page and "1976-05-20" not in page
    assert "1976年" in page


def test_the_admins_member_history_masks_a_changed_birth_date_for_a_leader(client, filed, center_leader):
    head = filed.members.get()
    head.birth_date = datetime.date(1976, 5, 20)
    head.save()
    client.force_login(center_leader)

    response = client.get(reverse("admin:cases_member_history", args=[head.pk]))

    page = response.content.decode()
    assert response.status_code == 200 and "1976年" in page
    assert "1975-03-14" not in page and "1976-05-20" not in page


def test_a_yes_or_no_change_reads_in_chinese(client, filed, community_clerk):
    filed.single_parent = True
    filed.save()
    client.force_login(community_clerk)

    changes = " ".join(row[4] for row in history_rows(client.get(filed.get_absolute_url()).content.decode()))

    assert "单亲家庭：否 → 是" in changes and "False" not in changes


def test_an_outsider_sees_no_history_of_another_township(client, filed, outsider):
    client.force_login(outsider)

    assert client.get(filed.get_absolute_url()).status_code == 404
    assert client.get(reverse("admin:cases_household_history", args=[filed.pk])).status_code in (302, 403, 404)
