"""Publishing contact and appointment events as triage and booking would, for the monitor's tests."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

from aiokafka import AIOKafkaProducer

from nara.shared.events.envelope import encode_event
from nara.shared.events.models import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentNoShow,
    ContactAssessed,
    ContactClosed,
    ContactRegistered,
    ContactTriaged,
)

UNIT = "SE2321000115-E00000000011"
# Contact ids are UUIDs, as triage's are; this run's own start with TEST_ID_PREFIX (the topics keep other tests').
TEST_ID_PREFIX = "c0ffee00-"


def new_contact_id() -> str:
    return TEST_ID_PREFIX + str(uuid.uuid4())[len(TEST_ID_PREFIX) :]


def staff_headers(units=(UNIT,), role="ops"):
    from nara.shared.identity import issue_dev_token

    return {"Authorization": f"Bearer {issue_dev_token(role, 'SE2321000115-P000000555', units=list(units))}"}


class Contact:
    def __init__(
        self,
        sought_at: datetime,
        listed_unit: str | None = UNIT,
        unit: str = UNIT,
        *,
        listing: str | None = None,
        sex: str | None = None,
        age_group: str | None = None,
        channel: str = "phone_unit",
    ):
        self.unit = unit
        if listed_unit == UNIT:
            listed_unit = unit
        self.id = new_contact_id()
        self.patient = f"p_{uuid.uuid4().hex[:26]}"
        self.sought_at = sought_at
        self.listed_unit = listed_unit
        self.listing, self.sex, self.age_group, self.channel = listing, sex, age_group, channel

    def registered(self, at: datetime | None = None):
        """Registered at `at` (the event's time), by default the moment the patient sought care."""
        optional = {
            name: value
            for name, value in (("listing", self.listing), ("sex", self.sex), ("age_group", self.age_group))
            if value is not None
        }
        return ContactRegistered(
            contact_id=self.id,
            patient=self.patient,
            unit=self.unit,
            listed_unit=self.listed_unit,
            channel=self.channel,
            sought_at=self.sought_at,
            reason_code="sore_throat",
            **optional,
        ), at or self.sought_at

    def triaged(self, at: datetime, profession: str = "nurse", guarantee_applies: bool = True):
        return ContactTriaged(
            contact_id=self.id,
            urgency="green",
            care_level="within_3_days",
            profession=profession,
            guarantee_applies=guarantee_applies,
            guideline_version="test-1",
            rules_fired=[],
            override_reason=None if guarantee_applies else "Återbesök",
        ), at

    def closed(self, at: datetime, reason: str = "self_care"):
        return ContactClosed(contact_id=self.id, reason=reason, closed_at=at), at

    def no_show(self, appointment_id: str, at: datetime):
        return AppointmentNoShow(appointment_id=appointment_id, contact_id=self.id, at=at), at

    def booked(self, appointment_id: str, start: datetime, at: datetime, earlier: bool = False):
        return AppointmentBooked(
            appointment_id=appointment_id,
            contact_id=self.id,
            patient=self.patient,
            unit=UNIT,
            practitioner="SE2321000115-P000000103",
            profession="nurse",
            contact_form="clinic",
            start=start,
            end=start + timedelta(minutes=20),
            booked_by="patient",
            earlier_time_offered_within_guarantee=earlier,
        ), at

    def cancelled(self, appointment_id: str, at: datetime):
        return AppointmentCancelled(
            appointment_id=appointment_id, contact_id=self.id, cancelled_by="patient", reason="Kan inte"
        ), at

    def assessed(self, at: datetime, profession: str = "nurse", contact_form: str = "phone"):
        return ContactAssessed(contact_id=self.id, assessed_at=at, profession=profession, contact_form=contact_form), at


async def publish(bootstrap: str, contact: Contact, *events, repeat: int = 1) -> list[str]:
    """Send each event (`repeat` times, as a redelivery would); returns the event ids."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    ids = []
    try:
        for data, at in events:
            ids.append(str(uuid.uuid4()))
            value = encode_event(data, source="/nara/test", subject=contact.patient, time=at, event_id=ids[-1])
            for _ in range(repeat):
                await producer.send_and_wait(data.topic, value, key=contact.patient.encode())
    finally:
        await producer.stop()
    return ids


async def wait_for(predicate, within: float = 60, interval: float = 0.1):
    """Poll `predicate` until it holds; TimeoutError after `within` seconds."""
    async with asyncio.timeout(within):
        while not (result := await predicate()):  # noqa: ASYNC110  # polls the database or HTTP: no event to await
            await asyncio.sleep(interval)
    return result


async def open_stream(
    app,
    path: str,
    headers: dict[str, str],
    extra: dict[str, str] | None = None,
    *,
    query: str = "",
    seconds: float = 0.8,
) -> tuple[int, str]:
    """A server-sent-events request straight to the app: what it sends within `seconds`, then the client hangs
    up. An exception in the app (a stream that dies) fails the test."""
    status, chunks, hung_up, asked = 0, [], asyncio.Event(), False

    async def receive():
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await hung_up.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    raw = [(name.lower().encode(), value.encode()) for name, value in {**headers, **(extra or {})}.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"monitor"), *raw],
        "client": ("127.0.0.1", 50000),
        "server": ("monitor", 80),
    }
    task = asyncio.create_task(app(scope, receive, send))
    await asyncio.wait({task}, timeout=seconds)
    hung_up.set()
    await asyncio.wait_for(task, 5)
    return status, b"".join(chunks).decode()
