"""What the day's book page reads from its address, and how it writes a personnummer (staff_pages/day_book_*.py)."""

from datetime import date, datetime

import httpx
import pytest

from nara.booking.adapters.triage_client import TriageClient
from nara.booking.entrypoints.staff_pages.day_book_place import Place, read_place
from nara.booking.entrypoints.staff_pages.day_book_rows import personnummer_text
from nara.shared.clock import STOCKHOLM

UNIT = "SE2321000115-E00000000011"
NURSE = "SE2321000115-P000000103"
# Half past midnight in Stockholm is still the day before in UTC: "today" is Stockholm's.
JUST_AFTER_MIDNIGHT = datetime(2026, 11, 26, 0, 30, tzinfo=STOCKHOLM)


def test_an_address_names_the_day_the_practitioner_and_the_profession():
    place, errors = read_place({"datum": "2026-11-24", "behandlare": NURSE, "yrke": "nurse"}, UNIT, JUST_AFTER_MIDNIGHT)

    assert errors == []
    assert place == Place(UNIT, date(2026, 11, 24), NURSE, "nurse")
    assert place.href("bokad") == (
        f"/personal/schema/dagbok?enhet={UNIT}&datum=2026-11-24&behandlare={NURSE}&yrke=nurse&klart=bokad"
    )


def test_without_a_date_the_book_is_stockholms_today_for_everyone():
    place, errors = read_place({}, UNIT, JUST_AFTER_MIDNIGHT)

    assert errors == [] and place == Place(UNIT, date(2026, 11, 26))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"datum": "26/11/2026"}, "datum", "Skriv datumet som år-månad-dag"),
        ({"datum": "1899-01-01"}, "datum", "mellan år 2000 och 2099"),
        ({"behandlare": "Maria"}, "behandlare", "Välj en behandlare i listan."),
        ({"yrke": "surgeon"}, "yrke", "Välj en yrkesgrupp i listan."),
    ],
)
def test_what_cannot_be_read_is_said_in_swedish_and_falls_back(values, field, message):
    place, errors = read_place(values, UNIT, JUST_AFTER_MIDNIGHT)

    assert [anchor for anchor, _ in errors] == [field] and message in errors[0][1]
    assert place == Place(UNIT, date(2026, 11, 26))


def test_a_personnummer_is_written_with_its_dash():
    assert personnummer_text("198503154018") == "19850315-4018"
    assert personnummer_text("odd") == "odd"


async def test_identities_are_asked_in_batches_the_triage_service_accepts():
    asked: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        import json

        pseudonyms = json.loads(request.content)["pseudonyms"]
        asked.append(len(pseudonyms))
        return httpx.Response(200, json={"identities": [{"pseudonym": p, "personnummer": "1"} for p in pseudonyms]})

    client = TriageClient("http://triage", transport=httpx.MockTransport(answer))
    found = await client.identities("token", [f"p_{n}" for n in range(450)], purpose="day-book/x/2026-11-26")

    assert asked == [200, 200, 50] and len(found) == 450
    assert await client.identities("token", [], purpose="x") == {} and asked == [200, 200, 50]
