"""The 低保 standards: kept by center admins, read by everyone they apply to."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import DibaoStandard

from .conftest import make_standard

YEAR = timezone.localdate().year


def _data(node, **overrides):
    data = {"node": node.pk, "year": YEAR, "urban_monthly": "735.00", "rural_monthly": "540.00",
            "note": "红河州民政局关于调整城乡低保标准的通知"}
    data.update(overrides)
    return data


def test_center_admin_sets_the_countys_standard(client, center_admin, center):
    client.force_login(center_admin)
    response = client.post(reverse("cases:standard_create"), _data(center))
    assert response.status_code == 302 and response.url == reverse("cases:standard_list")
    standard = DibaoStandard.objects.get()
    assert (standard.node, standard.year) == (center, YEAR)
    assert (standard.urban_monthly, standard.rural_monthly) == (Decimal("735.00"), Decimal("540.00"))
    assert "735.00" in client.get(reverse("cases:standard_list")).content.decode()


def test_the_new_standard_form_starts_at_the_users_node_and_this_year(client, center_admin, center):
    client.force_login(center_admin)
    form = client.get(reverse("cases:standard_create")).context["form"]
    assert (form["node"].value(), form["year"].value()) == (center.pk, YEAR)


def test_a_second_standard_for_the_same_area_and_year_is_refused_beside_the_year(client, center_admin, center):
    make_standard(center, YEAR)
    client.force_login(center_admin)
    response = client.post(reverse("cases:standard_create"), _data(center))
    assert response.status_code == 200
    message = f"“{center.name}”{YEAR}年的低保标准已经设置，请修改原有的标准。"
    assert response.context["form"].errors == {"year": [message]}
    assert message in response.content.decode()
    assert DibaoStandard.objects.count() == 1
    assert DibaoStandard.objects.get().urban_monthly == Decimal("700.00")


def test_the_same_area_may_have_a_standard_for_another_year(client, center_admin, center):
    make_standard(center, YEAR - 1)
    client.force_login(center_admin)
    client.post(reverse("cases:standard_create"), _data(center))
    assert sorted(DibaoStandard.objects.values_list("year", flat=True)) == [YEAR - 1, YEAR]


@pytest.mark.parametrize("amount", ["0", "0.00", "-10"])
def test_a_zero_or_negative_amount_is_refused_in_chinese_beside_the_field(client, center_admin, center, amount):
    client.force_login(center_admin)
    response = client.post(reverse("cases:standard_create"), _data(center, rural_monthly=amount))
    message = "低保标准必须大于0元。"
    assert response.context["form"].errors["rural_monthly"] == [message]
    assert not response.context["form"].non_field_errors()
    assert message in response.content.decode()
    assert not DibaoStandard.objects.exists()


def test_center_admin_corrects_a_standard(client, center_admin, township):
    standard = make_standard(township, YEAR)
    client.force_login(center_admin)
    response = client.post(reverse("cases:standard_edit", args=[standard.pk]), _data(township, urban_monthly="760.50"))
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.urban_monthly == Decimal("760.50")


def test_saving_a_standard_unchanged_is_not_taken_for_a_duplicate(client, center_admin, center):
    standard = make_standard(center, YEAR)
    client.force_login(center_admin)
    response = client.post(reverse("cases:standard_edit", args=[standard.pk]), _data(center, urban_monthly="700.00"))
    assert response.status_code == 302


def test_a_township_user_sees_the_county_standard_read_only(client, township_reviewer, center, township):
    county = make_standard(center, YEAR)
    own = make_standard(township, YEAR, urban="720.00")
    client.force_login(township_reviewer)
    response = client.get(reverse("cases:standard_list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert {s.pk for s in response.context["standards"]} == {county.pk, own.pk}
    assert center.name in content and "700.00" in content
    assert reverse("cases:standard_edit", args=[county.pk]) not in content
    assert reverse("cases:standard_edit", args=[own.pk]) not in content
    assert reverse("cases:standard_create") not in content


def test_a_township_user_does_not_see_a_sibling_townships_standard(client, township_reviewer, center, sibling_township):
    make_standard(center, YEAR)
    make_standard(sibling_township, YEAR, urban="999.00")
    client.force_login(township_reviewer)
    content = client.get(reverse("cases:standard_list")).content.decode()
    assert sibling_township.name not in content and "999.00" not in content


def test_a_township_reviewer_gets_403_on_setting_or_changing_a_standard(client, township_reviewer, township):
    standard = make_standard(township, YEAR)
    client.force_login(township_reviewer)
    assert client.get(reverse("cases:standard_create")).status_code == 403
    assert client.post(reverse("cases:standard_create"), _data(township, year=YEAR + 1)).status_code == 403
    assert client.post(reverse("cases:standard_edit", args=[standard.pk]), _data(township, urban_monthly="1.00")).status_code == 403
    assert DibaoStandard.objects.count() == 1
    standard.refresh_from_db()
    assert standard.urban_monthly == Decimal("700.00")


def test_an_admin_at_a_sibling_township_gets_404_on_editing_a_townships_standard(
    client, outsider_admin, township
):
    standard = make_standard(township, YEAR)
    client.force_login(outsider_admin)
    assert client.get(reverse("cases:standard_edit", args=[standard.pk])).status_code == 404
    assert client.post(reverse("cases:standard_edit", args=[standard.pk]), _data(township, urban_monthly="1.00")).status_code == 404
    standard.refresh_from_db()
    assert standard.urban_monthly == Decimal("700.00")


def test_an_admin_at_a_township_edits_his_own_standard_but_only_reads_the_countys(
    client, township_admin, center, township
):
    county = make_standard(center, YEAR)
    own = make_standard(township, YEAR)
    client.force_login(township_admin)
    content = client.get(reverse("cases:standard_list")).content.decode()
    assert reverse("cases:standard_edit", args=[own.pk]) in content
    assert reverse("cases:standard_edit", args=[county.pk]) not in content
    assert client.get(reverse("cases:standard_edit", args=[county.pk])).status_code == 404
    response = client.post(reverse("cases:standard_create"), _data(center, year=YEAR + 1))
    assert "请在您管辖范围内的县或乡镇（系统）中选择。" in response.context["form"].errors["node"]
    assert DibaoStandard.objects.count() == 2


@pytest.mark.parametrize("townships", [2, 12])
def test_the_standard_list_takes_a_fixed_number_of_queries(
    client, center_admin, center, townships, django_assert_max_num_queries
):
    from network.models import NodeKind

    from ..conftest import make_node

    make_standard(center, YEAR)
    for i in range(townships):
        make_standard(make_node(NodeKind.TOWNSHIP, center, name=f"测试镇{i}"), YEAR)
    client.force_login(center_admin)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("cases:standard_list"))
    assert len(response.context["standards"]) == townships + 1
