"""The sign-off sheet (签收表) of a node in a campaign: a PDF from the printing grid, over many pages
with the header and page numbers on each, ID numbers masked, the totals and room for the stamp."""

import re

import pytest

from cases.idcard import mask_id_number
from cases.models import Member, Relation

from ..cases.pdf_reading import page_count, pdf_text, unspaced
from ..conftest import frozen_at
from .campaign_data import make_township_campaign

pytestmark = frozen_at(2027, 1, 20)


@pytest.fixture
def big_campaign(township, community, community_clerk, center_admin, standard):
    return make_township_campaign(township, community, community_clerk, center_admin, balance="200000",
                                  households=300)


def sheet(client, user, campaign, node):
    client.force_login(user)
    return client.get(f"/outreach/campaigns/{campaign.pk}/nodes/{node.pk}/signoff.pdf")


def test_a_300_household_sheet_names_everyone_masks_numbers_and_totals_at_the_end(
        client, big_campaign, community, community_clerk, tmp_path, django_assert_max_num_queries):
    client.force_login(community_clerk)
    with django_assert_max_num_queries(12):
        response = client.get(f"/outreach/campaigns/{big_campaign.pk}/nodes/{community.pk}/signoff.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    content = response.content
    text = pdf_text(content, tmp_path)
    flat = unspaced(text)
    pages = page_count(content)
    assert pages > 5
    for n in (0, 149, 299):
        assert f"户主{n}" in flat
    heads = Member.objects.filter(household__campaign_entries__campaign=big_campaign, relation=Relation.HEAD)
    for number in heads.values_list("id_number", flat=True)[:20]:
        assert number not in flat
        assert mask_id_number(number) in flat
    assert "合计：300户，现金150,000.00元，物品价值30,000.00元" in flat
    assert "单位（盖章）" in flat and "经办人（签名）" in flat
    for page in (1, pages):
        page_text = unspaced(pdf_text(content, tmp_path, page=page))
        assert f"第{page}页共{pages}页" in page_text
        assert "户主姓名" in page_text and "签名（或手印）" in page_text and "困难类别" in page_text
    assert re.search(r"2027年春节送温暖慰问金（物）签收表", flat)


def test_removed_households_are_not_on_the_sheet(client, township, community, community_clerk, center_admin,
                                                 standard, tmp_path):
    from outreach import services

    campaign = make_township_campaign(township, community, community_clerk, center_admin, households=2)
    services.recipient_remove(recipient=campaign.recipients.get(household__members__name="户主0"), actor=center_admin,
                              reason="已迁出")
    flat = unspaced(pdf_text(sheet(client, community_clerk, campaign, community).content, tmp_path))
    assert "户主0" not in flat and "户主1" in flat and "合计：1户" in flat


def test_an_outsider_gets_404_for_the_sheet_and_a_node_outside_the_campaign_too(
        client, township, community, community_clerk, center_admin, standard, outsider_admin, sibling_community):
    campaign = make_township_campaign(township, community, community_clerk, center_admin)
    assert sheet(client, outsider_admin, campaign, community).status_code == 404
    assert sheet(client, center_admin, campaign, sibling_community).status_code == 404
    assert sheet(client, center_admin, campaign, community).status_code == 200
