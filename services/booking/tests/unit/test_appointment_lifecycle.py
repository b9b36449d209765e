"""An appointment's lifecycle: booked, then ended exactly once; and a hold that lives until it lapses."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from nara.booking.domain.appointment import ALLOWED_TRANSITIONS, AppointmentStatus, Hold
from nara.booking.domain.errors import AppointmentNotActive

ENDINGS = [
    AppointmentStatus.REBOOKED,
    AppointmentStatus.CANCELLED,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
]


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_booked_appointment_can_end_in_each_way(ending):
    assert AppointmentStatus.BOOKED.becoming(ending) is ending


@pytest.mark.parametrize("ended", ENDINGS)
@pytest.mark.parametrize("then", list(AppointmentStatus))
def test_an_ended_appointment_changes_no_more(ended, then):
    assert not ended.is_active
    with pytest.raises(AppointmentNotActive, match="inte längre bokad"):
        ended.becoming(then)
    with pytest.raises(AppointmentNotActive):
        ended.ensure_active()


def test_nothing_goes_back_to_booked():
    assert not any(AppointmentStatus.BOOKED in allowed for allowed in ALLOWED_TRANSITIONS.values())


def test_the_statuses_are_the_ones_the_database_allows():
    # The CHECK on appointments.status in migrations/0002_appointments.sql.
    assert {s.value for s in AppointmentStatus} == {"booked", "rebooked", "cancelled", "completed", "no_show"}


def test_a_hold_lives_until_it_expires():
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    hold = Hold(uuid.uuid4(), uuid.uuid4(), now + timedelta(minutes=5))
    assert hold.is_live(now)
    assert hold.is_live(now + timedelta(minutes=4, seconds=59))
    assert not hold.is_live(now + timedelta(minutes=5))
