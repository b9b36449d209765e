"""How the console shows a contact's waitlist entry from booking's answer (issue 18): Swedish words, times in
Europe/Stockholm in one style, the number or address never in full, and the offers, newest first, from a recorded
answer of booking's GET /api/v1/waitlist/{contact_id} (an older booking, without `offers`, shows no offer part)."""

from starlette.requests import Request

from nara.shared.identity import Caller
from nara.shared.web.login import Staff
from nara.triage.entrypoints.console.waitlist_pages import _page
from nara.triage.entrypoints.console.waitlist_view import entry_rows, masked, offer_rows, unit_choices

FALKENBERG, FYLLINGE = "SE2321000115-E00000000011", "SE2321000115-E00000000013"
# As booking answers, with the offers booking adds in issue 18 (newest first).
RECORDED = {
    "entry_id": "0b6f3f0e-1d0c-4a53-9c83-4b7c1c0f2a10",
    "contact_id": "4d1c2b9a-6a0e-4f0e-8f51-2b1f1b2c3d4e",
    "waiting": True,
    "units": [FALKENBERG, FYLLINGE],
    "weekdays": [0, 2, 4],
    "day_parts": ["morning", "evening"],
    "contact_forms": ["clinic", "phone"],
    "reach": {"by": "email", "address": "anna.andersson@exempel.se"},
    "joined_by": "staff",
    "joined_at": "2026-12-07T08:05:00+00:00",
    "updated_at": "2026-12-07T08:05:00+00:00",
    "ended_at": None,
    "end_reason": None,
    "offers": [
        {
            "offer_id": "o-2",
            "slot_id": "s-2",
            "unit": FALKENBERG,
            "slot_start": "2026-12-08T07:30:00+00:00",
            "state": "open",
            "offered_at": "2026-12-07T09:00:00+00:00",
            "hold_until": "2026-12-07T09:15:00+00:00",
            "decided_at": None,
        },
        {
            "offer_id": "o-1",
            "slot_id": "s-1",
            "unit": FYLLINGE,
            "slot_start": "2026-12-07T13:00:00+00:00",
            "state": "lapsed",
            "offered_at": "2026-12-07T08:10:00+00:00",
            "hold_until": "2026-12-07T08:25:00+00:00",
            "decided_at": "2026-12-07T08:25:00+00:00",
        },
    ],
}


def test_the_entry_reads_in_swedish_with_the_address_masked():
    rows = dict(entry_rows(RECORDED))

    assert rows == {
        "Står i kö": "Ja",
        "Vårdcentraler": "Vårdcentralen Falkenberg, Vårdcentralen Fyllinge",
        "Dagar": "Måndag, Onsdag, Fredag",
        "Tider på dagen": "Förmiddag (före 12:00), Kväll (från 17:00)",
        "Kontaktformer": "Mottagningsbesök, Telefon",
        "Nås med": "E-post till a…@exempel.se",
        "Anmäld": "måndag 7 december kl. 09:05 av personal",
    }
    assert "anna.andersson" not in str(rows)


def test_an_ended_entry_says_why_and_when():
    ended = {**RECORDED, "waiting": False, "end_reason": "booked", "ended_at": "2026-12-08T12:00:00+00:00"}

    rows = dict(entry_rows(ended))

    assert rows["Står i kö"] == "Nej: Fick en tid inom vårdgarantin"
    assert rows["Slutade stå i kö"] == "tisdag 8 december kl. 13:00"


def test_an_ended_entry_whose_address_booking_forgot_does_not_read_as_never_reachable():
    forgotten = {**RECORDED, "waiting": False, "end_reason": "booked", "reach": {"by": "none", "address": None}}

    assert dict(entry_rows(forgotten))["Nås med"] == "Uppgiften togs bort när patienten slutade stå i kö"
    assert dict(entry_rows({**forgotten, "waiting": True}))["Nås med"] == "Inget"


def test_the_number_is_never_shown_in_full():
    assert masked("sms", "+46701234567") == "SMS till nummer som slutar på 67"
    assert masked("email", "anna@exempel.se") == "E-post till a…@exempel.se"
    assert masked("none", None) == "Inget"


def test_the_offers_show_time_unit_answer_and_times_in_stockholm_newest_first():
    rows = offer_rows(RECORDED)

    assert rows is not None
    assert [(r.slot_start, r.unit, r.state, r.offered_at, r.answered) for r in rows] == [
        (
            "tisdag 8 december kl. 08:30",
            "Vårdcentralen Falkenberg",
            "Väntar på svar",
            "måndag 7 december kl. 10:00",
            "Hålls till måndag 7 december kl. 10:15",
        ),
        (
            "måndag 7 december kl. 14:00",
            "Vårdcentralen Fyllinge",
            "Gick ut utan svar",
            "måndag 7 december kl. 09:10",
            "måndag 7 december kl. 09:25",
        ),
    ]


def test_each_offer_state_has_swedish_words():
    states = ["open", "accepted", "declined", "lapsed", "withdrawn"]
    answer = {"offers": [{**RECORDED["offers"][1], "state": state} for state in states]}

    rows = offer_rows(answer)

    assert rows is not None
    assert [r.state for r in rows] == ["Väntar på svar", "Tackade ja", "Tackade nej", "Gick ut utan svar", "Återtagen"]


def test_an_older_booking_without_offers_shows_no_offer_part():
    older = {key: value for key, value in RECORDED.items() if key != "offers"}

    assert offer_rows(older) is None
    assert offer_rows({**RECORDED, "offers": []}) == []


def test_the_form_offers_the_staff_units_and_keeps_the_patients_others():
    choices = unit_choices((FALKENBERG,), [FALKENBERG, FYLLINGE])

    assert [(c.value, c.label) for c in choices] == [
        (FALKENBERG, "Vårdcentralen Falkenberg"),
        (FYLLINGE, "Vårdcentralen Fyllinge"),
    ]


def waitlist_page(entry: dict | None) -> str:
    """The console's page as waitlist_pages renders it for a receptionist at Falkenberg, without servers."""
    staff = Staff(Caller.of("reception", "SE2321000115-P000000301", [FALKENBERG]), "token", "csrf-token")
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b"", "state": {}})
    request.state.staff = staff
    contact = {"id": RECORDED["contact_id"], "personnummer": "195003222584", "unit": FALKENBERG}
    return bytes(_page(request, staff, contact, entry).body).decode()


def test_the_page_shows_the_offers_table_from_a_recorded_answer():
    html = waitlist_page(RECORDED)

    assert 'data-offer-state="open"' in html and 'data-offer-state="lapsed"' in html
    assert html.index('data-offer-state="open"') < html.index('data-offer-state="lapsed"')  # newest first
    assert "Hålls till måndag 7 december kl. 10:15" in html
    assert 'data-label="Utfall">Gick ut utan svar</td>' in html  # a phone's stacked rows say their column
    assert "anna.andersson" not in html and "E-post till a…@exempel.se" in html
    assert "Spara ändringen" in html and "Ta bort ur kön" in html


def test_the_page_without_offers_from_an_older_booking_or_without_an_entry():
    older = {key: value for key, value in RECORDED.items() if key != "offers"}

    assert "Erbjudna tider" not in waitlist_page(older)
    nobody = waitlist_page(None)
    assert "data-no-entry" in nobody and "Sätt i kö" in nobody and "Ta bort ur kön" not in nobody
