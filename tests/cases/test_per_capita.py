"""The per-capita formula and the category it proposes, on their own:
(monthly incomes × 12 + other annual income − rigid expenses) ÷ 12 ÷ household size, to the fen
half-up; 深度困难 below the 低保 standard, 相对困难 below twice it."""

from decimal import Decimal

import pytest

from cases.models import Category, compute_per_capita, propose_category

D = Decimal


def test_the_formula_on_a_family_of_three():
    # (600 + 300 + 0) × 12 + 1200 = 12000 a year; (12000 − 2400) ÷ 12 ÷ 3 = 266.666… → 266.67
    annual, per_capita = compute_per_capita([D("600.00"), D("300.00"), D("0")], D("1200.00"), D("2400.00"), 3)
    assert (annual, per_capita) == (D("12000.00"), D("266.67"))


def test_the_per_capita_income_rounds_half_up_to_the_fen():
    # 12 × 0.125 = 1.50 a year over 12 months and 1 person: 0.125 a month → 0.13 (not 0.12)
    assert compute_per_capita([D("0.125")], D("0"), D("0"), 1)[1] == D("0.13")
    # 100.01 a month shared by two: 50.005 → 50.01
    assert compute_per_capita([D("100.01")], D("0"), D("0"), 2)[1] == D("50.01")
    # a third of a fen under the half: 1.00 a month shared by three is 0.333… → 0.33
    assert compute_per_capita([D("1.00")], D("0"), D("0"), 3)[1] == D("0.33")


def test_the_annual_income_is_rounded_once_and_other_income_counts_whole():
    annual, _ = compute_per_capita([D("0.005")], D("0.001"), D("0"), 1)
    assert annual == D("0.06")  # 0.06 + 0.001 = 0.061, rounded at the end


def test_rigid_expenses_larger_than_the_income_give_a_negative_per_capita():
    assert compute_per_capita([D("100")], D("0"), D("2400"), 1) == (D("1200.00"), D("-100.00"))


def test_a_household_of_no_one_has_no_per_capita_income_rather_than_a_division_by_zero():
    assert compute_per_capita([], D("1200"), D("0"), 0) == (D("1200.00"), D("0.00"))
    assert compute_per_capita([], D("0"), D("0"), None)[1] == D("0.00")


def test_the_formula_takes_strings_and_ints_as_amounts_but_no_floats_sneak_in():
    annual, per_capita = compute_per_capita(["600", 300], "1200", "2400", 3)
    assert (annual, per_capita) == (D("12000.00"), D("266.67"))
    assert isinstance(per_capita, Decimal)


STANDARD = D("700.00")


@pytest.mark.parametrize(
    "per_capita, proposed",
    [
        (D("-50.00"), Category.DEEP),
        (D("0.00"), Category.DEEP),
        (D("699.99"), Category.DEEP),
        (D("700.00"), Category.RELATIVE),  # exactly at the standard: no longer below it
        (D("1399.99"), Category.RELATIVE),
        (D("1400.00"), ""),  # exactly twice the standard: not below twice it
        (D("5000.00"), ""),
    ],
)
def test_the_proposed_category_against_the_standard(per_capita, proposed):
    assert propose_category(per_capita, STANDARD) == proposed


def test_without_a_standard_no_category_is_proposed():
    assert propose_category(D("0.00"), None) == ""


def test_a_zero_standard_proposes_nothing_even_for_no_income():
    assert propose_category(D("0.00"), D("0.00")) == ""


def test_the_proposal_compares_the_rounded_per_capita_income():
    """The category follows the per-capita income as rounded to the fen, as the dossier shows it."""
    def proposed_for(rigid_expense):
        _, per_capita = compute_per_capita([D("1400.00")], D("0"), D(rigid_expense), 2)
        return per_capita, propose_category(per_capita, STANDARD)

    # 1400 a month for two people is 700.00 each: exactly the standard, so 相对困难 and not 深度困难
    assert proposed_for("0") == (D("700.00"), Category.RELATIVE)
    # 0.12 a year less is 699.995 a head, which rounds half-up to 700.00: still at the standard
    assert proposed_for("0.12") == (D("700.00"), Category.RELATIVE)
    # 0.13 a year less is 699.9945… → 699.99: below it
    assert proposed_for("0.13") == (D("699.99"), Category.DEEP)
