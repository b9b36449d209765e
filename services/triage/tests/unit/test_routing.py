"""Where to turn, for every care level, channel and half hour of a week (issue finding 9): a 1177 caller is never
sent back to 1177, nobody is sent to a closed vårdcentral, and the level and the words always agree."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import CareLevel, Channel
from nara.triage.domain.guidelines import OfficeHours
from nara.triage.domain.routing import where_to_turn

HOURS = OfficeHours()
MONDAY = datetime(2026, 3, 9, 0, 0, tzinfo=STOCKHOLM)
WEEK = [MONDAY + timedelta(minutes=30 * n) for n in range(7 * 48)]


@pytest.mark.parametrize("channel", list(Channel), ids=str)
@pytest.mark.parametrize("level", list(CareLevel), ids=str)
def test_the_words_fit_the_level_the_channel_and_the_hour(level: CareLevel, channel: Channel):
    for moment in WEEK:
        turn = where_to_turn(level, channel, moment, HOURS)
        text = f"{turn.heading} {turn.text}"
        where = f"{level} on {channel} at {moment:%a %H:%M}"
        is_open = HOURS.contain(moment.isoweekday(), moment.hour * 60 + moment.minute)
        if channel is Channel.PHONE_1177:
            assert "1177" not in text and turn.phone != "1177", where
        if channel is Channel.EMERGENCY_DEPARTMENT:
            continue
        if level is CareLevel.CALL_112:
            assert "112" in turn.heading and turn.phone == "112", where
        if level is CareLevel.EMERGENCY_NOW:
            assert "akutmottagning" in text and "112" in turn.text, where
        if level is CareLevel.WITHIN_HOURS and not is_open:
            assert "jourmottagning" in text and "Ring din vårdcentral" not in text, where
        if level not in (CareLevel.CALL_112, CareLevel.EMERGENCY_NOW):
            assert "Ring 112" not in text, where


def test_same_day_before_opening_on_a_weekday_waits_for_the_unit_and_at_night_names_the_jourmottagning():
    early = where_to_turn(CareLevel.SAME_DAY, Channel.WEB, MONDAY.replace(hour=6), HOURS)
    night = where_to_turn(CareLevel.SAME_DAY, Channel.WEB, MONDAY.replace(hour=22), HOURS)
    sunday = where_to_turn(CareLevel.SAME_DAY, Channel.PHONE_1177, MONDAY - timedelta(hours=12), HOURS)
    assert "när den öppnar i dag klockan 08:00" in early.text
    assert "jourmottagning" in night.text and "jourmottagning" in sunday.text and "1177" not in sunday.text
