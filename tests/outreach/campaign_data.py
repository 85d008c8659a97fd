"""A 弥阳 township campaign with one household on its list: for the outsider table and the pages' tests."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from network.models import Role
from outreach import services
from outreach.models import Occasion, SignedSheet

from ..conftest import make_user
from .conftest import make_fund, make_on_file


def make_township_campaign(township, community, clerk, admin, *, balance="2000", households=1):
    keeper = make_user(f"keeper_{township.pk}", township, Role.FINANCE)
    fund = make_fund(township, name="弥阳送温暖基金", balance=balance, keeper=keeper)
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=admin, node=township, year=today.year, occasion=Occasion.SPRING, name="弥阳镇春节送温暖", fund=fund,
        budget="100000", starts_on=today - datetime.timedelta(days=5), ends_on=today + datetime.timedelta(days=20),
        standards={"deep": ("500", "大米一袋", "100"), "relative": ("300", "", "0")},
    )
    for n in range(households):
        make_on_file(community, clerk, n=900 + n, head_name=f"户主{n}")
    services.campaign_draw(campaign=campaign, actor=admin)
    return campaign


def outsider_rows(township, community, clerk, admin):
    """The campaign pages with an id, for tests/test_every_view_is_scoped.py."""
    campaign = make_township_campaign(township, community, clerk, admin)
    recipient = campaign.recipients.first()
    on_campaign = {"pk": campaign.pk}
    on_node = {"pk": campaign.pk, "node_pk": community.pk}
    return {
        "outreach:campaign_detail": on_campaign,
        "outreach:campaign_review": on_campaign,
        "outreach:campaign_recipient_add": on_campaign,
        "outreach:campaign_recipient_remove": {"pk": recipient.pk},
        "outreach:campaign_confirm": on_campaign,
        "outreach:campaign_deliveries": on_campaign,
        "outreach:campaign_sheet_deliver": on_node,
        "outreach:campaign_signoff_pdf": on_node,
        "outreach:campaign_sheet_upload": on_node,
        "outreach:signed_sheet_file": {"pk": _signed_sheet(campaign, community, admin).pk},
        "outreach:campaign_close": on_campaign,
        "outreach:return_visit_create": {"household_pk": recipient.household_id},
    }


def _signed_sheet(campaign, node, admin):
    # one small file of a fixed name in the (git-ignored) media folder, replaced on every run
    name = "signoff/outsider-table.pdf"
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return SignedSheet.objects.create(campaign=campaign, node=node, file=name, extension="pdf", size=14,
                                      uploaded_by=admin)
