"""Listing rules and the listing system's export, without servers."""

from __future__ import annotations

from datetime import date

import pytest

from nara.shared.events.vocabulary import ListingStatus
from nara.triage.domain.listing import (
    Listing,
    ListingProblem,
    ListingSource,
    checked_listed_from,
    checked_unit,
    listing_status,
    may_read,
    may_record,
    should_replace,
)
from nara.triage.domain.listing_file import decode, read_listing_file

HERE, THERE = "SE2321000115-E00000000011", "SE2321000115-E00000000013"
TODAY = date(2026, 11, 23)


def test_listed_here_elsewhere_or_unknown_and_unknown_is_never_dropped():
    assert listing_status(HERE, HERE) is ListingStatus.HERE
    assert listing_status(HERE, THERE) is ListingStatus.ELSEWHERE
    assert listing_status(HERE, None) is ListingStatus.UNKNOWN


def test_a_unit_is_an_hsa_id_and_a_listing_begins_by_today():
    assert checked_unit(f"  {HERE.lower()} ") == HERE
    for wrong in (
        "",
        "Vårdcentralen Falkenberg",
        "SE232100011-E1",
        "2321000115-E00000000011",
        "SE\u0662321000115-E1",
        "SE2321000115-E1\x00",
    ):
        with pytest.raises(ListingProblem):
            checked_unit(wrong)
    # Issue 13, finding 3: the unit goes out in events, so its own part is never a personnummer.
    for typed in ("SE2321000115-191212121212", "SE2321000115-1212121212"):
        with pytest.raises(ListingProblem, match="personnummer"):
            checked_unit(typed)
    assert checked_listed_from(None, TODAY) == TODAY
    assert checked_listed_from(date(2019, 1, 1), TODAY) == date(2019, 1, 1)
    with pytest.raises(ListingProblem, match="framtiden"):
        checked_listed_from(date(2026, 11, 24), TODAY)


def test_who_records_and_reads_a_listing():
    assert may_record("admin", works_at_new_unit=False, has_contact_at_own_unit=False)
    assert may_record("reception", works_at_new_unit=True, has_contact_at_own_unit=False)
    assert may_record("clinician", works_at_new_unit=False, has_contact_at_own_unit=True)
    assert not may_record("reception", works_at_new_unit=False, has_contact_at_own_unit=False)
    assert not may_record("ops", works_at_new_unit=True, has_contact_at_own_unit=True)
    assert not may_record("citizen", works_at_new_unit=True, has_contact_at_own_unit=True)
    # Issue 13, object-level access: staff at unit B moved unit A's patient to B, and learnt A had a listing.
    assert not may_record(
        "reception", works_at_new_unit=True, has_contact_at_own_unit=False, listed_at_another_unit=True
    )
    assert may_record("reception", works_at_new_unit=True, has_contact_at_own_unit=True, listed_at_another_unit=True)
    assert may_read("reception", listed_at_own_unit=True, has_contact_at_own_unit=False)
    assert not may_read("reception", listed_at_own_unit=False, has_contact_at_own_unit=False)
    assert not may_read("ops", listed_at_own_unit=True, has_contact_at_own_unit=True)


def test_an_import_replaces_the_register_unless_the_register_knows_a_newer_listing():
    staff_newer = Listing(HERE, date(2025, 6, 1), ListingSource.STAFF)
    assert should_replace(None, date(2017, 1, 1), THERE)
    assert should_replace(Listing(HERE, None, ListingSource.STAFF), date(2017, 1, 1), THERE)
    assert not should_replace(staff_newer, date(2017, 1, 1), THERE)
    assert should_replace(staff_newer, date(2025, 6, 1), THERE)
    assert not should_replace(staff_newer, date(2025, 6, 1), HERE)  # the same: nothing to change
    chosen_on_the_web = Listing(HERE, date(2026, 11, 23), ListingSource.WEB)
    assert should_replace(chosen_on_the_web, date(2019, 1, 1), THERE)  # the region's file beats a citizen's choice


def test_an_export_is_read_with_either_separator_and_a_swedish_or_english_header():
    swedish = read_listing_file(f"Personnummer;Vårdenhet HSA-id;Listad från\n19121212-1212;{HERE};2020-03-01\n", TODAY)
    english = read_listing_file(f"patient,unit_hsa_id,listed_from,name\n191212121212,{THERE},20200301,Tolvan\n", TODAY)
    assert swedish.usable and english.usable
    assert [(r.line, r.personnummer, r.unit, r.listed_from) for r in swedish.rows] == [
        (2, "191212121212", HERE, date(2020, 3, 1))
    ]
    assert english.rows[0].unit == THERE and english.rows[0].listed_from == date(2020, 3, 1)


def test_every_bad_row_is_named_without_repeating_the_personnummer():
    text = f"personnummer;enhet;listad från\n19121212-1213;{HERE};2020-01-01\n;{HERE};2020-01-01\n19121212-1212;;\n"
    read = read_listing_file(text, TODAY)
    assert not read.usable and not read.rows
    assert [(e.line, e.column) for e in read.errors] == [
        (2, "personnummer"),
        (3, "personnummer"),
        (4, "unit"),
        (4, "listed_from"),
    ]
    assert all(e.message.startswith(f"Rad {e.line}:") and "1212" not in e.message for e in read.errors)


def test_a_spreadsheets_windows_1252_file_and_a_byte_order_mark_are_read():
    assert decode("listad från".encode("cp1252")) == "listad från"
    assert decode("\ufeffpersonnummer".encode()) == "personnummer"
