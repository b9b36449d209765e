"""What the console says about a contact's care guarantee: the guarantee monitor's clock where it has one (its
status, time left and the booked time it counts), else triage's own computation from the same policy, marked.

The national 3 days is always shown; a region's limit for the triaged profession is shown beside it, never
instead of it. Listing decides coverage: elsewhere is not covered, unknown is covered and flagged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup

from nara.shared.care_guarantee import ClockStatus
from nara.shared.web.labels import label
from nara.shared.web.swedish import last_day_before

from ...adapters.monitor_client import Clock
from .kit import fragment
from .swedish import STATUSES, hours_text, moment_text, parse_time

AT_RISK_HOURS = 24  # triage's own view only: under a day left is "Bråttom"; the monitor owns the alerts


@dataclass(frozen=True)
class ShownGuarantee:
    state: str  # the css state: on-track, booked, at-risk, breached, chosen-wait, not-covered, done
    short: str
    sentence: str
    hours_left: float | None  # national, for ordering the queue and the meter
    booked_start: datetime | None
    from_monitor: bool

    @property
    def counting(self) -> bool:
        return self.state in ("on-track", "booked", "at-risk", "breached")


def shown_guarantee(contact: dict[str, Any], clock: Clock | None) -> ShownGuarantee:
    """The monitor's truth when it has the contact's clock; triage's own computation otherwise."""
    if contact["status"] == "assessed" or (clock is not None and clock.status == ClockStatus.ASSESSED):
        return ShownGuarantee(
            "done", label(ClockStatus.ASSESSED), "Medicinsk bedömning är gjord.", None, None, clock is not None
        )
    if contact["status"] == "closed":
        return ShownGuarantee("done", "Avslutad", "Kontakten är avslutad.", None, None, False)
    if clock is not None:
        return _from_clock(contact, clock)
    return _own(contact)


def _from_clock(contact: dict[str, Any], clock: Clock) -> ShownGuarantee:
    hours = clock.hours_left if clock.hours_left is not None else contact["guarantee_hours_left"]
    deadline = clock.deadline or parse_time(contact["guarantee_deadline"])
    last_day = last_day_before(deadline)
    booked = clock.booked_start
    regional = _regional_text(contact, clock)
    if clock.status == ClockStatus.NOT_COVERED:
        return ShownGuarantee(
            "not-covered",
            label(ClockStatus.NOT_COVERED),
            clock.reason or "Vårdgarantin gäller inte.",
            None,
            booked,
            True,
        )
    if clock.status == ClockStatus.PATIENT_CHOSEN_WAIT:
        when_text = f": {moment_text(booked)}" if booked else ""
        return ShownGuarantee(
            "chosen-wait",
            label(ClockStatus.PATIENT_CHOSEN_WAIT),
            f"Patienten valde en senare tid än de som erbjöds{when_text}.",
            hours,
            booked,
            True,
        )
    if clock.status == ClockStatus.ON_TRACK and booked is not None:
        return ShownGuarantee(
            "booked",
            "Bokad",
            f"Bokad {moment_text(booked)}, inom vårdgarantin (senast {last_day}).{regional}",
            hours,
            booked,
            True,
        )
    if clock.status == ClockStatus.BREACHED:
        booked_text = f" Bokad {moment_text(booked)}." if booked else ""
        return ShownGuarantee(
            "breached",
            label(ClockStatus.BREACHED),
            f"Vårdgarantin passerades för {hours_text(hours)} sedan (sista dag {last_day}).{booked_text}",
            hours,
            booked,
            True,
        )
    if clock.status == ClockStatus.AT_RISK and booked is not None:
        return ShownGuarantee(
            "at-risk",
            "Bokad efter gränsen",
            f"Bokad {moment_text(booked)}, efter vårdgarantins "
            f"gräns. {hours_text(hours)} kvar, bedöm senast "
            f"{last_day}.{regional}",
            hours,
            booked,
            True,
        )
    if clock.status == ClockStatus.AT_RISK:
        # The monitor counts every contact with no time booked as at risk; with a day or more left, say that.
        short = "Bråttom" if hours < AT_RISK_HOURS else "Ej bokad"
        return ShownGuarantee(
            "at-risk",
            short,
            f"Ingen tid bokad. {hours_text(hours)} kvar, bedöm senast {last_day}.{regional}",
            hours,
            None,
            True,
        )
    return ShownGuarantee(
        "on-track",
        label(ClockStatus.ON_TRACK),
        f"{hours_text(hours)} kvar, bedöm senast {last_day}.{regional}",
        hours,
        None,
        True,
    )


def _own(contact: dict[str, Any]) -> ShownGuarantee:
    if contact["guarantee_applies"] is False:
        return ShownGuarantee(
            "not-covered",
            label(ClockStatus.NOT_COVERED),
            "Vårdgarantin gäller inte enligt triagebeslutet.",
            None,
            None,
            False,
        )
    if contact.get("not_covered_reason"):
        return ShownGuarantee(
            "not-covered",
            label(ClockStatus.NOT_COVERED),
            f"{contact['not_covered_reason']}: vårdgarantin gäller där patienten är listad.",
            None,
            None,
            False,
        )
    hours = contact["guarantee_hours_left"]
    last_day = last_day_before(parse_time(contact["guarantee_deadline"]))
    regional = _regional_text(contact)
    if hours <= 0:
        return ShownGuarantee(
            "breached",
            label(ClockStatus.BREACHED),
            f"Vårdgarantin passerades för {hours_text(hours)} sedan (sista dag {last_day}).",
            hours,
            None,
            False,
        )
    if hours < AT_RISK_HOURS:
        return ShownGuarantee(
            "at-risk", "Bråttom", f"{hours_text(hours)} kvar, bedöm senast {last_day}.{regional}", hours, None, False
        )
    return ShownGuarantee(
        "on-track",
        label(ClockStatus.ON_TRACK),
        f"{hours_text(hours)} kvar, bedöm senast {last_day}.{regional}",
        hours,
        None,
        False,
    )


def _regional_text(contact: dict[str, Any], clock: Clock | None = None) -> str:
    """The region's own limit for the triaged profession, beside the national one (same policy in every service);
    passed, when the monitor's clock says so."""
    regional = next((m for m in contact.get("guarantee_measures") or [] if m["kind"] == "regional"), None)
    if regional is None:
        return ""
    profession = label(contact["profession"], "profession").lower()
    passed = (
        " (passerad)"
        if clock is not None and clock.regional is not None and clock.regional.status == ClockStatus.BREACHED
        else ""
    )
    return (
        f" Regionens gräns för {profession} ({regional['days']} dagar): senast "
        f"{last_day_before(parse_time(regional['deadline']))}{passed}."
    )


@dataclass(frozen=True)
class Meter:
    """What a guarantee meter shows: the words, the bar's tenths left (None: no bar), and the unknown listing."""

    shown: ShownGuarantee
    tenth: int | None
    unknown_listing: bool


def meter(contact: dict[str, Any], shown: ShownGuarantee) -> Meter:
    tenth = None
    if shown.counting and shown.state != "booked" and shown.hours_left is not None:
        sought, deadline = parse_time(contact["sought_at"]), parse_time(contact["guarantee_deadline"])
        total = (deadline - sought).total_seconds() / 3600
        share = max(0.0, min(1.0, shown.hours_left / total)) if total > 0 else 0.0
        tenth = math.ceil(share * 10)
    # Covered while staff find out where the patient is listed.
    unknown = contact.get("listing") == "unknown" and contact["status"] not in ("assessed", "closed")
    return Meter(shown, tenth, unknown)


def guarantee_meter(contact: dict[str, Any], shown: ShownGuarantee, *, with_listing: bool = True) -> Markup:
    """Text first, then a bar of the share of the guarantee left; the bar is decoration for the text."""
    return fragment("guarantee_meter", meter(contact, shown), with_listing)


def status_text(contact: dict[str, Any], shown: ShownGuarantee) -> str:
    """The contact's status; a triaged contact with a time booked says so, with the time (the monitor's clock)."""
    if contact["status"] == "triaged" and shown.booked_start is not None:
        return f"Bokad {moment_text(shown.booked_start)}"
    status: str = contact["status"]
    return STATUSES.get(status, status)
