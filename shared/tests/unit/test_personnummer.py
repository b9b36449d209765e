import traceback
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nara.shared.personnummer import InvalidPersonnummer, is_coordination_number, is_valid, normalise

TODAY = date(2025, 6, 15)


def with_check_digit(nine_digits: str) -> str:
    """The Luhn check digit, computed here independently of the code under test."""
    total = 0
    for position, digit in enumerate(nine_digits):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return nine_digits + str((10 - total % 10) % 10)


def number(yyyymmdd: str, serial: str = "123") -> str:
    """A 12-digit number with a correct check digit for the given date digits."""
    return yyyymmdd[:2] + with_check_digit(yyyymmdd[2:] + serial)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("19121212-1212", "191212121212"),
        ("191212121212", "191212121212"),
        ("19121212+1212", "191212121212"),
        ("20121212-1212", "201212121212"),
        ("201212121212", "201212121212"),
        ("121212-1212", "201212121212"),
        ("1212121212", "201212121212"),
        ("121212+1212", "191212121212"),
        ("  19121212-1212\n", "191212121212"),
        ("701063-2391", "197010632391"),
        ("7010632391", "197010632391"),
        ("19701063-2391", "197010632391"),
        ("197010632391", "197010632391"),
    ],
)
def test_every_accepted_written_form_normalises_to_twelve_digits_without_separator(written, canonical):
    assert normalise(written, today=TODAY) == canonical
    assert is_valid(written, today=TODAY)


def test_the_default_reference_date_is_today_so_ordinary_ten_digit_numbers_work_without_one():
    assert normalise("121212-1212") == "201212121212"
    assert normalise("121212+1212") == "191212121212"


def test_the_plus_sign_means_the_person_turns_100_or_more_this_year():
    # The sign changes at the start of the year the person turns 100.
    assert normalise("121212-1212", today=date(2111, 12, 31)) == "201212121212"
    assert normalise("121212+1212", today=date(2112, 1, 1)) == "201212121212"
    born_1999, born_1830 = number("19991231")[2:], number("18300101")[2:]
    assert normalise(born_1999, today=TODAY) == "19" + born_1999
    assert normalise(born_1830[:6] + "+" + born_1830[6:], today=TODAY) == "18" + born_1830


def test_a_ten_digit_number_whose_date_is_still_ahead_this_year_is_refused_not_moved_a_century():
    # Someone born on 12 December 1925 writes 251212+NNNN from 2025 on, so with "-" it names a future birth.
    ten_digits = number("20251212")[2:]

    with pytest.raises(InvalidPersonnummer, match="in the future"):
        normalise(ten_digits[:6] + "-" + ten_digits[6:], today=TODAY)
    assert normalise(ten_digits[:6] + "+" + ten_digits[6:], today=TODAY) == "1925" + ten_digits[2:]


def test_the_century_decides_whether_29_february_exists():
    leap_day = number("20000229")[2:]  # 2000 was a leap year, 1900 was not

    assert normalise(leap_day[:6] + "-" + leap_day[6:], today=TODAY) == "20" + leap_day
    with pytest.raises(InvalidPersonnummer, match="does not exist"):
        normalise(leap_day[:6] + "+" + leap_day[6:], today=TODAY)


@pytest.mark.parametrize(
    "yyyymmdd",
    [
        "19121312",  # month 13
        "19120012",  # month 0
        "19120230",  # 30 February
        "19130229",  # 29 February in a year that is not a leap year
        "19121200",  # day 0
        "19121232",  # day 32
        "19121260",  # day 60: too late for a personnummer, too early for a samordningsnummer
        "19121292",  # samordningsnummer day 92 is 32 + 60
        "19110291",  # samordningsnummer for 31 February
    ],
)
def test_numbers_whose_date_does_not_exist_are_refused_even_with_a_correct_check_digit(yyyymmdd):
    with pytest.raises(InvalidPersonnummer, match=r"date of birth .* does not exist"):
        normalise(number(yyyymmdd), today=TODAY)
    assert not is_valid(number(yyyymmdd), today=TODAY)


@pytest.mark.parametrize("wrong_digit", [digit for digit in "0123456789" if digit != "2"])
@pytest.mark.parametrize("form", ["19121212-121{}", "121212-121{}", "121212+121{}", "20121212121{}"])
def test_every_wrong_check_digit_is_refused(form, wrong_digit):
    with pytest.raises(InvalidPersonnummer, match="check digit"):
        normalise(form.format(wrong_digit), today=TODAY)


@pytest.mark.parametrize("wrong_digit", [digit for digit in "0123456789" if digit != "1"])
def test_a_wrong_check_digit_is_refused_for_samordningsnummer_too(wrong_digit):
    assert not is_valid(f"701063-239{wrong_digit}", today=TODAY)


def test_a_date_in_the_future_or_before_1800_is_refused():
    with pytest.raises(InvalidPersonnummer, match="in the future"):
        normalise(number("20250616"), today=TODAY)
    with pytest.raises(InvalidPersonnummer, match="before 1800"):
        normalise(number("17991231"), today=TODAY)
    assert normalise(number("20250615"), today=TODAY) == number("20250615")


def test_the_birth_number_000_is_refused():
    with pytest.raises(InvalidPersonnummer, match="000"):
        normalise(number("19121212", serial="000"), today=TODAY)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "abc",
        "19121212-121",
        "19121212-12122",
        "1912121212122",
        "912121212",
        "19121212--1212",
        "19121212_1212",
        "19121212 1212",
        "1912-12-12-1212",
        "19121212-1212x",
        "x19121212-1212",
        "١٩١٢١٢١٢١٢١٢",  # Arabic-Indic digits, which Python's \d would accept
        "\uff11\uff19\uff11\uff12\uff11\uff12\uff11\uff12\uff11\uff12\uff11\uff12",  # full-width digits
    ],
)
def test_garbage_is_refused_with_a_message_that_says_which_form_is_expected(garbage):
    with pytest.raises(InvalidPersonnummer) as refused:
        normalise(garbage, today=TODAY)

    assert "10 or 12 digits" in str(refused.value)
    assert "YYYYMMDD-NNNN" in str(refused.value)
    assert not is_valid(garbage, today=TODAY)


@pytest.mark.parametrize("not_text", [None, 191212121212, b"191212121212"])
def test_something_that_is_not_text_is_refused_not_crashed_on(not_text):
    assert not is_valid(not_text, today=TODAY)
    with pytest.raises(InvalidPersonnummer):
        normalise(not_text, today=TODAY)


@pytest.mark.parametrize("invalid", ["19121212-1213", "19121312-1212", "20991212-1212", "19121212-121", "0001011234"])
def test_the_message_never_repeats_the_number(invalid):
    with pytest.raises(InvalidPersonnummer) as refused:
        normalise(invalid, today=TODAY)

    # The whole traceback, as it would reach a log, including any chained exceptions.
    logged = "".join(traceback.format_exception(refused.value))
    digits = invalid.replace("-", "")
    assert digits[:6] not in logged and digits[-4:] not in logged


def test_an_invalid_number_is_a_value_error_so_callers_can_treat_it_as_bad_input():
    assert issubclass(InvalidPersonnummer, ValueError)


def test_samordningsnummer_are_told_apart_from_personnummer():
    assert is_coordination_number("701063-2391", today=TODAY)
    assert is_coordination_number("19701063-2391", today=TODAY)
    assert not is_coordination_number("19121212-1212", today=TODAY)
    assert not is_coordination_number("121212+1212", today=TODAY)


def test_asking_whether_an_invalid_number_is_a_samordningsnummer_is_an_error_not_a_no():
    with pytest.raises(InvalidPersonnummer):
        is_coordination_number("701063-2392", today=TODAY)


@st.composite
def valid_numbers(draw):
    """(written forms, canonical form, is samordningsnummer) for any valid number born up to TODAY."""
    born = draw(st.dates(min_value=date(1850, 1, 1), max_value=TODAY))
    coordination = draw(st.booleans())
    serial = draw(st.integers(min_value=1, max_value=999))
    day = born.day + 60 if coordination else born.day
    ten = with_check_digit(f"{born:%y%m}{day:02d}{serial:03d}")
    canonical = f"{born:%Y}"[:2] + ten
    sign = "+" if TODAY.year - born.year >= 100 else "-"
    forms = [canonical, f"{canonical[:8]}-{canonical[8:]}", f"{ten[:6]}{sign}{ten[6:]}"]
    if sign == "-":
        forms.append(ten)
    return forms, canonical, coordination


@given(valid_numbers())
def test_any_valid_number_in_any_written_form_normalises_to_the_same_twelve_digits(case):
    forms, canonical, coordination = case

    assert {normalise(form, today=TODAY) for form in forms} == {canonical}
    assert all(is_coordination_number(form, today=TODAY) == coordination for form in forms)


@given(valid_numbers(), st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_of_any_valid_number_makes_it_invalid(case, change):
    _, canonical, _ = case
    wrong = canonical[:-1] + str((int(canonical[-1]) + change) % 10)

    assert not is_valid(wrong, today=TODAY)
