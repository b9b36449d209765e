"""A parent (vårdnadshavare) books for their child through the API; custody is asked of the real triage service
on every call, so a stranger cannot book for someone else's child and an ended custody shows nothing."""

from __future__ import annotations

from datetime import date, datetime

import httpx
import pytest
from booking_support import UNIT_FALKENBERG, citizen, in_process_booking, personnummer

from nara.devstack.testing import scratch_schema, service_process
from nara.shared.clock import STOCKHOLM
from nara.shared.identity import issue_dev_token
from nara.triage.demo import personnummer_for

ADMIN = {"Authorization": f"Bearer {issue_dev_token('admin', 'SE2321000115-P000000001', units=[UNIT_FALKENBERG])}"}


@pytest.fixture(scope="module")
async def triage_url(infrastructure, tmp_path_factory):
    async with scratch_schema(infrastructure.database_urls["triage"], prefix="guardtriage") as url:
        with service_process("triage", infrastructure, url, {}, tmp_path_factory.mktemp("guardian-triage")) as base:
            yield base


@pytest.fixture(scope="module")
async def booking_with_triage(infrastructure, triage_url):
    now = datetime.now(STOCKHOLM).replace(microsecond=0)
    async with in_process_booking(infrastructure, prefix="guardbook", now=now, triage_url=triage_url) as booking:
        yield booking


def a_child(serial: int) -> str:
    """A four-year-old's personnummer, as of today."""
    today = date.today()
    normalised = personnummer_for(date(today.year - 4, today.month, 1), serial)
    return f"{normalised[:8]}-{normalised[8:]}"


async def tell_custody(triage_url: str, guardian: str, child: str, *, end: bool = False) -> httpx.Response:
    async with httpx.AsyncClient(base_url=triage_url) as client:
        path = "/api/v1/guardianships/end" if end else "/api/v1/guardianships"
        return await client.post(
            path, headers=ADMIN, json={"guardian": guardian, "child": child, "child_name": "Vidar"}
        )


async def test_a_parent_books_for_their_child_and_a_stranger_cannot(booking_with_triage, triage_url):
    booking = booking_with_triage
    parent, stranger, child = personnummer(801, 1988), personnummer(802, 1988), a_child(371)
    told = await tell_custody(triage_url, parent, child)
    slots = await booking.free_slots(parent, UNIT_FALKENBERG, profession="nurse", days_ahead=3, count=3)

    by_parent = await booking.client.post(
        "/api/v1/appointments", headers=citizen(parent), json={"slot_id": slots[0]["id"], "patient": child}
    )
    by_stranger = await booking.client.post(
        "/api/v1/appointments", headers=citizen(stranger), json={"slot_id": slots[1]["id"], "patient": child}
    )
    childs_times = await booking.client.get("/api/v1/appointments", headers=citizen(parent), params={"patient": child})
    strangers_look = await booking.client.get(
        "/api/v1/appointments", headers=citizen(stranger), params={"patient": child}
    )
    parents_own = await booking.client.get("/api/v1/appointments", headers=citizen(parent))

    assert told.status_code == 201, told.text
    assert by_parent.status_code == 201, by_parent.text
    assert by_stranger.status_code == 403 and "barn" in by_stranger.json()["detail"]
    assert [a["id"] for a in childs_times.json()] == [by_parent.json()["id"]]
    assert strangers_look.status_code == 403
    assert parents_own.json() == [], "the child's time is the child's, not the parent's"


async def test_custody_that_has_ended_shows_nothing_and_changes_nothing(booking_with_triage, triage_url):
    booking = booking_with_triage
    parent, child = personnummer(803, 1988), a_child(383)
    await tell_custody(triage_url, parent, child)
    [slot] = await booking.free_slots(parent, UNIT_FALKENBERG, profession="nurse", days_ahead=4, count=1)
    booked = await booking.client.post(
        "/api/v1/appointments", headers=citizen(parent), json={"slot_id": slot["id"], "patient": child}
    )
    seen_before = await booking.client.get(f"/api/v1/appointments/{booked.json()['id']}", headers=citizen(parent))

    ended = await tell_custody(triage_url, parent, child, end=True)
    seen_after = await booking.client.get(f"/api/v1/appointments/{booked.json()['id']}", headers=citizen(parent))
    cancel_after = await booking.client.post(
        f"/api/v1/appointments/{booked.json()['id']}/cancel",
        headers=citizen(parent),
        json={"reason": "Vi kan inte komma"},
    )

    assert booked.status_code == 201 and seen_before.status_code == 200
    assert ended.status_code == 200
    assert seen_after.status_code == 404 and cancel_after.status_code == 404


async def test_an_adult_child_is_not_in_anyones_custody(triage_url):
    parent, grown_up = personnummer(804, 1960), personnummer(805, 1990)
    told = await tell_custody(triage_url, parent, grown_up)
    async with httpx.AsyncClient(base_url=triage_url) as client:
        not_admin = await client.post(
            "/api/v1/guardianships", headers=citizen(parent), json={"guardian": parent, "child": a_child(391)}
        )

    assert told.status_code == 422 and "18" in told.json()["detail"]
    assert not_admin.status_code == 403
