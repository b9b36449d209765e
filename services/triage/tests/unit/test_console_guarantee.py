"""What the console says about the guarantee (issue 12, finding 6): the guarantee monitor's clock where it has one,
the patient's own booking included, and triage's own computation, marked as such, where it does not."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.clock import STOCKHOLM
from nara.triage.adapters.monitor_client import MonitorClient, MonitorUnavailable, read_clock
from nara.triage.entrypoints.console.guarantee import guarantee_meter, shown_guarantee
from nara.triage.entrypoints.console.views import queue_table, status_text

UNIT = "SE2321000115-E00000000011"
SOUGHT = datetime(2026, 11, 23, 8, 30, tzinfo=STOCKHOLM)  # a Monday
NOW = SOUGHT + timedelta(hours=3)
HALLAND = CareGuaranteePolicy.from_json('{"days_by_profession": {"physiotherapist": 7}}')


def contact(**changes) -> dict:
    profession = changes.pop("profession", "nurse")
    measures = [
        {
            "kind": m.kind.value,
            "days": m.days,
            "deadline": m.deadline.isoformat(),
            "hours_left": round((m.deadline - NOW).total_seconds() / 3600, 1),
        }
        for m in HALLAND.measures(SOUGHT, profession)
    ]
    base = {
        "id": "c-1",
        "personnummer": "191212121212",
        "unit": UNIT,
        "listed_unit": UNIT,
        "listing": "here",
        "channel": "web",
        "sought_at": SOUGHT.isoformat(),
        "reason_code": "sore_throat",
        "status": "triaged",
        "urgency": "green",
        "care_level": "same_day",
        "profession": profession,
        "guarantee_applies": True,
        "guarantee_deadline": measures[0]["deadline"],
        "guarantee_hours_left": measures[0]["hours_left"],
        "guarantee_measures": measures,
        "not_covered_reason": None,
    }
    return {**base, **changes}


def clock(**fields):
    return read_clock(
        {
            "contact_id": "c-1",
            "status": "on_track",
            "deadline": "2026-11-27T00:00:00+01:00",
            "hours_left": 85.5,
            "reason": "Tid bokad inom vårdgarantin",
            **fields,
        }
    )


def test_a_same_day_web_triage_with_the_patients_own_booking_shows_the_booked_time_not_the_hours_left():
    booked = clock(
        booking={"appointment_id": "a-1", "start": "2026-11-23T15:00:00+01:00", "end": "2026-11-23T15:20:00+01:00"}
    )

    shown = shown_guarantee(contact(), booked)

    assert shown.state == "booked" and shown.short == "Bokad" and shown.from_monitor
    assert "måndag 23 november kl. 15:00" in shown.sentence and "timmar kvar" not in shown.sentence
    assert status_text(contact(), shown).startswith("Bokad måndag 23 november")
    assert 'data-source="monitor"' in str(guarantee_meter(contact(), shown))


def test_the_monitors_status_and_time_left_win_over_triages_own():
    breached = shown_guarantee(contact(), clock(status="breached", hours_left=-2.0))
    chosen = shown_guarantee(contact(), clock(status="patient_chosen_wait", booked_start="2026-12-01T09:00:00+01:00"))
    elsewhere = shown_guarantee(contact(), clock(status="not_covered", reason="Listad på en annan vårdcentral"))

    assert (breached.state, breached.hours_left) == ("breached", -2.0) and "2 timmar sedan" in breached.sentence
    assert chosen.state == "chosen-wait" and "1 december" in chosen.sentence
    assert elsewhere.state == "not-covered" and "listad" in elsewhere.sentence.lower()


def test_the_monitor_counts_a_contact_without_a_time_as_at_risk_and_the_console_says_what_that_means():
    unbooked = shown_guarantee(
        contact(), clock(status="at_risk", hours_left=80.0, reason="Ingen tid bokad och ingen bedömning gjord")
    )
    soon = shown_guarantee(contact(), clock(status="at_risk", hours_left=5.0))
    late = shown_guarantee(
        contact(), clock(status="at_risk", hours_left=50.0, booking={"start": "2026-11-30T09:00:00+01:00"})
    )

    assert (unbooked.state, unbooked.short) == ("at-risk", "Ej bokad") and "80 timmar kvar" in unbooked.sentence
    assert soon.short == "Bråttom"
    assert late.short == "Bokad efter gränsen" and "måndag 30 november kl. 09:00" in late.sentence


def test_the_monitors_regional_measure_is_read_beside_the_national_one():
    read = clock(
        measures={
            "national": {"days": 3, "deadline": "2026-11-27T00:00:00+01:00", "hours_left": -1.0, "status": "breached"},
            "regional": {"days": 7, "deadline": "2026-12-01T00:00:00+01:00", "hours_left": 95.0, "status": "at_risk"},
        },
        status="breached",
        hours_left=-1.0,
    )

    assert [(m.kind, m.days, m.status) for m in read.measures] == [
        ("national", 3, "breached"),
        ("regional", 7, "at_risk"),
    ]
    shown = shown_guarantee(contact(profession="physiotherapist"), read)
    assert shown.state == "breached"  # the regional 7 days never hide a national breach


def test_without_the_monitor_the_console_computes_from_the_same_policy_and_says_so():
    shown = shown_guarantee(contact(), None)
    html = str(guarantee_meter(contact(), shown))

    assert shown.state == "on-track" and not shown.from_monitor and shown.booked_start is None
    assert "torsdag 26 november" in shown.sentence  # day 0 Monday, assessment by the end of Thursday
    assert 'data-source="triage"' in html and "triagens egen beräkning" in html


def test_a_regional_limit_is_shown_beside_the_national_one_never_instead():
    shown = shown_guarantee(contact(profession="physiotherapist"), None)

    assert "bedöm senast torsdag 26 november" in shown.sentence
    assert "Regionens gräns för fysioterapeut (7 dagar): senast måndag 30 november" in shown.sentence


def test_listed_elsewhere_is_not_covered_and_an_unknown_listing_is_flagged_but_covered():
    elsewhere = shown_guarantee(
        contact(
            listing="elsewhere",
            listed_unit="SE2321000115-E00000000013",
            not_covered_reason="Listad på en annan vårdcentral",
        ),
        None,
    )
    unknown = contact(listing="unknown", listed_unit=None)

    assert elsewhere.state == "not-covered" and "Listad på en annan vårdcentral" in elsewhere.sentence
    assert shown_guarantee(unknown, None).state == "on-track"
    assert "Listning okänd" in str(guarantee_meter(unknown, shown_guarantee(unknown, None)))


def test_the_queue_orders_by_the_monitors_time_left_where_it_has_a_clock():
    later = contact(id="c-1", urgency="green")
    sooner = contact(id="c-2", urgency="green", sought_at=(SOUGHT + timedelta(hours=1)).isoformat())
    clocks = {
        "c-2": read_clock(
            {"contact_id": "c-2", "status": "at_risk", "hours_left": 3.0, "deadline": "2026-11-27T00:00:00+01:00"}
        )
    }

    html = str(queue_table([later, sooner], {"sore_throat": "Ont i halsen"}, clocks))

    assert html.index('data-contact-id="c-2"') < html.index('data-contact-id="c-1"')


async def test_the_client_reads_the_clocks_of_a_unit_and_a_silent_monitor_is_unavailable():
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json=[
                {
                    "contact_id": "c-1",
                    "status": "on_track",
                    "hours_left": 10,
                    "deadline": "2026-11-27T00:00:00+01:00",
                    "booked_start": None,
                },
                {"contact_id": "c-2", "status": "not a status"},
            ],
        )

    client = MonitorClient("http://monitor", "staff-token", transport=httpx.MockTransport(answer))
    clocks = await client.clocks_at(UNIT)

    assert list(clocks) == ["c-1"] and clocks["c-1"].hours_left == 10.0
    assert seen[0].url.params["unit"] == UNIT and seen[0].headers["authorization"] == "Bearer staff-token"
    for failing in (
        lambda r: httpx.Response(503),
        lambda r: httpx.Response(200, text="<html>"),
        lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused")),
    ):
        with pytest.raises(MonitorUnavailable):
            await MonitorClient("http://monitor", "t", transport=httpx.MockTransport(failing)).clocks_at(UNIT)
    missing = MonitorClient("http://monitor", "t", transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    assert await missing.clock("c-9") is None
