"""The page kit's primitives: CSRF tokens, signed values, login addresses and Swedish dates (escaping and the
macros are in test_page_kit.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from nara.shared.web.session import csrf_matches, csrf_token, login_location, same_token, sign, unsign
from nara.shared.web.swedish import clock_time, date_text, date_time, decimal, last_day_before, month_name

KEY = b"k" * 32


def test_csrf_token_verifies_only_its_own_session_and_purpose():
    token = csrf_token(KEY, "session-a")
    assert csrf_matches(KEY, "session-a", token)
    assert not csrf_matches(KEY, "session-b", token)
    assert not csrf_matches(b"x" * 32, "session-a", token)
    assert not csrf_matches(KEY, "session-a", csrf_token(KEY, "session-a", "console-csrf"))
    assert not csrf_matches(KEY, None, token)
    assert not csrf_matches(KEY, "session-a", "")
    assert same_token(token, token) and not same_token(token, token[::-1])


def test_signed_values_reject_tampering():
    value = sign(KEY, "flow", {"who": "p1"})
    assert unsign(KEY, "flow", value) == {"who": "p1"}
    assert unsign(KEY, "other", value) is None
    assert unsign(KEY, "flow", "x" + value) is None
    assert unsign(KEY, "flow", None) is None


def test_login_location():
    assert login_location("/mina-tider") == "/logga-in?nasta=/mina-tider"
    assert login_location("/") == "/logga-in"
    assert login_location("/console/ko?a=1", "/console") == "/console/logga-in?nasta=/console/ko%3Fa%3D1"
    assert login_location("/console", "/console") == "/console/logga-in"


def test_swedish_dates_follow_stockholm_across_daylight_saving():
    summer = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00.30 on Sunday, CEST (+2)
    winter = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # 00.30 on Monday, CET (+1)
    # Issue 17: one time style everywhere, 08:00 (the '.' style is gone, also as the default).
    assert date_time(summer) == "söndag 25 oktober kl. 00:30"
    assert date_time(winter) == "måndag 26 oktober kl. 00:30"
    assert clock_time(summer) == "00:30"
    assert clock_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), ":") == "03:00"
    assert date_text(summer, weekday=False, year=True) == "25 oktober 2026"
    assert last_day_before(datetime(2026, 11, 26, 23, 0, tzinfo=UTC)) == "torsdag 26 november"
    assert month_name("2026-11") == "november 2026"
    assert decimal(12.5) == "12,5"
