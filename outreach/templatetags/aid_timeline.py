"""The household's aid timeline on the dossier page: every aid received, from every program, and
the totals by year. Works on the records the page prefetched (household.aid_records), no query."""

from dataclasses import dataclass, field

from django import template

from ..models import AidState

register = template.Library()


@dataclass
class Year:
    year: int
    records: list = field(default_factory=list)
    cash_fen: int = 0
    goods_value_fen: int = 0
    paid: int = 0

    @property
    def total_fen(self):
        return self.cash_fen + self.goods_value_fen


@register.simple_tag
def aid_years(household):
    """The household's aid records by year, newest first; each year sums what was paid (reversed
    and still planned records are listed, not counted)."""
    years = {}
    for record in sorted(household.aid_records.all(), key=lambda r: (r.given_on, r.pk), reverse=True):
        year = years.setdefault(record.given_on.year, Year(record.given_on.year))
        year.records.append(record)
        if record.state == AidState.PAID:
            year.cash_fen += record.cash_fen
            year.goods_value_fen += record.goods_value_fen
            year.paid += 1
    return list(years.values())


@register.simple_tag
def live_pairings(household):
    """The household's live pairings (the cadres who now look after it), from the prefetch."""
    return [pairing for pairing in household.pairings.all() if pairing.ends_on is None]
