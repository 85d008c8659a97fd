"""Money: Decimal to the fen, rounded half-up, the one rounding helper of the project."""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_fen(value):
    """Rounds ``value`` (Decimal, int or str; never a float) half-up to the fen."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal or a string")
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)
