"""The masked digits of an ID number are its birth date: wherever the number is masked, the birth
date shows as the year alone."""

import datetime

from cases.sensitive import shown_birth_date


def test_a_masked_birth_date_shows_only_the_year():
    assert shown_birth_date(datetime.date(1975, 3, 14), False) == "1975年"
    assert shown_birth_date("1975-03-14", False) == "1975年"


def test_an_unmasked_birth_date_shows_in_full():
    assert shown_birth_date(datetime.date(1975, 3, 14), True) == "1975-03-14"


def test_no_birth_date_shows_nothing():
    assert shown_birth_date(None, False) == "" and shown_birth_date("", True) == ""
