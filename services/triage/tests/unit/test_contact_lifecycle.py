"""A contact's lifecycle as the domain states it, the use cases that follow it on an in-memory unit of work (no
database), and the HTTP statuses the API gives each kind of refusal."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import pytest

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.clock import STOCKHOLM
from nara.shared.events.models import ContactAssessed, ContactClosed
from nara.shared.events.vocabulary import ContactCloseReason, ContactForm, Profession
from nara.shared.identity.caller import Caller, Role
from nara.triage.domain.contact_lifecycle import ContactStatus, ensure_may_become, may_become
from nara.triage.domain.refusals import InvalidRequest, NotFound, NotPermitted, TooLarge, WrongState
from nara.triage.entrypoints.problems import status_of
from nara.triage.service import contacts

UNIT = "SE2321000131-E000000000001"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM)


def test_a_contact_is_triaged_again_until_it_is_assessed_and_a_closed_contact_is_final():
    assert may_become(ContactStatus.OPEN, ContactStatus.TRIAGED)
    assert may_become(ContactStatus.TRIAGED, ContactStatus.TRIAGED)
    assert may_become(ContactStatus.TRIAGED, ContactStatus.ASSESSED)
    assert may_become(ContactStatus.ASSESSED, ContactStatus.CLOSED)
    assert not may_become(ContactStatus.ASSESSED, ContactStatus.TRIAGED)
    assert not may_become(ContactStatus.ASSESSED, ContactStatus.ASSESSED)
    assert not any(may_become(ContactStatus.CLOSED, target) for target in ContactStatus)


def test_a_refused_change_says_why_in_swedish():
    with pytest.raises(WrongState, match="redan avslutad"):
        ensure_may_become("closed", ContactStatus.CLOSED)


@pytest.mark.parametrize(
    ("refusal", "status"),
    [(NotPermitted, 403), (NotFound, 404), (WrongState, 409), (TooLarge, 413), (InvalidRequest, 422)],
)
def test_each_kind_of_refusal_has_its_http_status(refusal, status):
    assert status_of(refusal("Det gick inte.")) == status


class InMemoryContacts:
    def __init__(self, rows):
        self.rows = rows

    async def get(self, contact_id, *, lock=False):
        return self.rows.get(contact_id)

    async def mark_assessed(self, contact_id, *, assessed_at, by):
        self.rows[contact_id] |= {"status": "assessed", "assessed_at": assessed_at}

    async def mark_closed(self, contact_id, *, at, reason):
        self.rows[contact_id] |= {"status": "closed", "closed_at": at, "close_reason": reason.value}


class InMemoryUnitOfWork:
    """Only what assessing and closing use: the contacts and the outbox."""

    def __init__(self, rows):
        self.contacts = InMemoryContacts(rows)
        self.announced = []

    async def announce(self, event, *, subject, time):
        self.announced.append(event)


def stored_contact(status: str = "triaged") -> dict:
    contact_id = uuid.uuid4()
    return {
        "id": contact_id,
        "patient": "pseudonym-1",
        "personnummer": "191212121212",
        "unit": UNIT,
        "listed_unit": UNIT,
        "listing": "here",
        "channel": "phone_unit",
        "sought_at": NOW - timedelta(hours=2),
        "reason_code": "sore_throat",
        "status": status,
        "urgency": None,
        "care_level": None,
        "profession": "nurse",
        "guarantee_applies": True,
        "guideline_version": None,
        "listing_resolved_at": None,
        "assessed_at": None,
        "closed_at": None,
        "close_reason": None,
        "red_flag_overridden": False,
        "registered_by": "SE2321000131-P000000000001",
        "created_at": NOW - timedelta(hours=2),
    }


@asynccontextmanager
async def unit_of_work(*rows):
    yield InMemoryUnitOfWork({row["id"]: row for row in rows})


CLINICIAN = Caller(Role.CLINICIAN, "SE2321000131-P000000000002", (UNIT,))


async def test_an_assessment_stops_the_clock_once_and_is_announced_with_the_shared_vocabulary():
    contact = stored_contact("triaged")

    async def assess(uow: InMemoryUnitOfWork) -> dict:
        return await contacts.record_assessment(
            uow,
            CLINICIAN,
            contact["id"],
            assessed_at=NOW,
            profession="nurse",
            contact_form="phone",
            now=NOW,
            policy=CareGuaranteePolicy(),
        )

    async with unit_of_work(contact) as uow:
        view = await assess(uow)
        with pytest.raises(WrongState):
            await assess(uow)
    assert view["status"] == "assessed"
    [event] = uow.announced
    assert isinstance(event, ContactAssessed)
    assert (event.profession, event.contact_form) == (Profession.NURSE, ContactForm.PHONE)


async def test_an_assessed_contact_may_be_closed_but_never_closed_twice():
    contact = stored_contact("assessed")
    async with unit_of_work(contact) as uow:
        await contacts.close(uow, CLINICIAN, contact["id"], reason="duplicate", now=NOW, policy=CareGuaranteePolicy())
        with pytest.raises(WrongState, match="redan avslutad"):
            await contacts.close(
                uow, CLINICIAN, contact["id"], reason="duplicate", now=NOW, policy=CareGuaranteePolicy()
            )
    [event] = uow.announced
    assert isinstance(event, ContactClosed) and event.reason is ContactCloseReason.DUPLICATE


async def test_staff_of_another_unit_find_no_contact():
    contact = stored_contact("open")
    elsewhere = Caller(Role.CLINICIAN, "SE2321000131-P000000000003", ("SE2321000131-E000000000009",))
    async with unit_of_work(contact) as uow:
        with pytest.raises(NotFound):
            await contacts.close(
                uow, elsewhere, contact["id"], reason="withdrawn", now=NOW, policy=CareGuaranteePolicy()
            )
    assert uow.announced == []
