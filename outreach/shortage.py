"""The shortage view's figures (资金缺口): for a year, each fund's balance against what is still to
be paid from it, and the gap, by fund and by the fund's node. Read-only, summed by the database.

What a fund still needs:
- the recipients of its draft (planned) and confirmed campaigns who have no live aid record in the
  campaign yet: the cash of their list entry;
- its planned aid records, not yet confirmed as paid, from every program (a campaign's planned
  record is counted here, once, and not again as a recipient).
Goods in kind are not money to be found, so they are left out."""

from dataclasses import dataclass, field

from django.db.models import Exists, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import AidRecord, AidState, CampaignHousehold, CampaignState, Fund

OPEN_CAMPAIGNS = [CampaignState.DRAFT, CampaignState.CONFIRMED]


def _summed(queryset, group_by):
    return Coalesce(
        Subquery(queryset.order_by().values(group_by).annotate(total=Sum("cash_fen")).values("total")[:1],
                 output_field=IntegerField()),
        Value(0),
    )


def funds_with_need(user, year):
    """The funds of ``year`` in the user's scope, each annotated (in fen) with ``campaign_need_fen``,
    ``planned_need_fen``, ``need_fen`` and ``gap_fen`` (need beyond the balance, 0 if covered)."""
    live_aid = AidRecord.objects.filter(campaign=OuterRef("campaign_id"), household=OuterRef("household_id")).exclude(
        state=AidState.REVERSED)
    waiting = CampaignHousehold.objects.filter(
        campaign__fund=OuterRef("pk"), campaign__state__in=OPEN_CAMPAIGNS, removed_reason="",
    ).exclude(Exists(live_aid))
    planned = AidRecord.objects.filter(fund=OuterRef("pk"), state=AidState.PLANNED)
    funds = (
        Fund.objects.visible_to(user).filter(year=year).select_related("node", "source")
        .annotate(campaign_need_fen=_summed(waiting, "campaign__fund"), planned_need_fen=_summed(planned, "fund"))
        .order_by("node__path", "name")
    )
    for fund in funds:
        fund.need_fen = fund.campaign_need_fen + fund.planned_need_fen
        fund.gap_fen = max(fund.need_fen - fund.balance_fen, 0)
        yield fund


@dataclass
class NodeTotals:
    node: object
    balance_fen: int = 0
    campaign_need_fen: int = 0
    planned_need_fen: int = 0
    need_fen: int = 0
    gap_fen: int = 0
    funds: list = field(default_factory=list)


def shortage(user, year):
    """(funds, nodes, total): the funds with their need, the same summed by the fund's node (a
    node's gap is the sum of its funds' gaps: one fund's surplus is not another's money), and
    the total over all of them."""
    funds = list(funds_with_need(user, year))
    nodes = {}
    total = NodeTotals(node=None)
    for fund in funds:
        row = nodes.setdefault(fund.node_id, NodeTotals(node=fund.node))
        for totals in (row, total):
            totals.balance_fen += fund.balance_fen
            totals.campaign_need_fen += fund.campaign_need_fen
            totals.planned_need_fen += fund.planned_need_fen
            totals.need_fen += fund.need_fen
            totals.gap_fen += fund.gap_fen
        row.funds.append(fund)
    return funds, list(nodes.values()), total
