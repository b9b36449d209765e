"""The care guarantee as one policy that booking, triage and the guarantee monitor all ask.

The national rule (a medical assessment within 3 calendar days) holds for every covered contact. A region
may add limits per profession (Region Halland: physiotherapist 7 days, psychologist 14 days); such a limit is
a second measure beside the national one, never a replacement: a contact can meet the regional 7 days and
still breach the national 3. The regional rules come from configuration, the same in every service:
`NARA_CARE_GUARANTEE_POLICY`, e.g. {"days_by_profession": {"physiotherapist": 7, "psychologist": 14}}.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from .clock import STOCKHOLM

NATIONAL_DAYS = 3  # the "3" of 0-3-90-90: set by law, not by configuration
# What staff read, in the console and on /ops alike, about a contact's listing.
LISTED_ELSEWHERE_REASON = "Listad på en annan vårdcentral"
LISTING_UNKNOWN_FLAG = "Listning okänd"
POLICY_VARIABLE = "NARA_CARE_GUARANTEE_POLICY"
OLDER_POLICY_VARIABLE = "GUARANTEE_MONITOR_POLICY_JSON"  # the monitor's name for it before the policy was shared
PROFESSIONS = frozenset(
    {
        "doctor",
        "nurse",
        "district_nurse",
        "physiotherapist",
        "occupational_therapist",
        "psychologist",
        "counsellor",
        "midwife",
    }
)


class ClockStatus(StrEnum):
    """Where a contact stands against a care-guarantee measure; the monitor computes it, the console shows it."""

    ON_TRACK = "on_track"  # a time inside the deadline is booked
    AT_RISK = "at_risk"  # no such time yet, and the deadline has not passed
    BREACHED = "breached"  # the deadline passed without a medical assessment
    ASSESSED = "assessed"  # a licensed professional assessed the patient: the measure is met
    NOT_COVERED = "not_covered"  # outside the guarantee (closed, listed elsewhere, ...)
    PATIENT_CHOSEN_WAIT = "patient_chosen_wait"  # the patient chose a later time (patientvald väntan)


class MeasureKind(StrEnum):
    NATIONAL = "national"
    REGIONAL = "regional"


@dataclass(frozen=True)
class Measure:
    """One deadline a contact is held to: the national one, or a region's limit for its profession."""

    kind: MeasureKind
    days: int
    deadline: datetime  # the first instant after the limit, in UTC


class PolicyError(ValueError):
    """The configured policy cannot be used; the message says what to change."""


@dataclass(frozen=True)
class CareGuaranteePolicy:
    """The national rule and the region's extra limits per profession."""

    regional_days: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def national_deadline(self, sought_at: datetime) -> datetime:
        return guarantee_deadline(sought_at, NATIONAL_DAYS)

    def regional_days_for(self, profession: str | None) -> int | None:
        return self.regional_days.get(profession or "")

    def regional_deadline(self, sought_at: datetime, profession: str | None) -> datetime | None:
        """The region's limit for this profession, or None where the region sets none."""
        days = self.regional_days_for(profession)
        return None if days is None else guarantee_deadline(sought_at, days)

    def measures(self, sought_at: datetime, profession: str | None) -> tuple[Measure, ...]:
        """The national measure, and the regional one beside it when the region has a rule for the profession."""
        national = Measure(MeasureKind.NATIONAL, NATIONAL_DAYS, self.national_deadline(sought_at))
        days = self.regional_days_for(profession)
        if days is None:
            return (national,)
        return national, Measure(MeasureKind.REGIONAL, days, guarantee_deadline(sought_at, days))

    @classmethod
    def from_json(cls, text: str) -> CareGuaranteePolicy:
        """E.g. {"days_by_profession": {"physiotherapist": 7, "psychologist": 14}}; empty is the national rule alone."""
        try:
            raw = json.loads(text) if text and text.strip() else {}
        except json.JSONDecodeError as error:
            raise PolicyError(f"the care guarantee policy is not JSON: {error}") from None
        if not isinstance(raw, dict):
            raise PolicyError('the care guarantee policy is a JSON object, e.g. {"days_by_profession": {...}}')
        unknown = set(raw) - {"days", "days_by_profession", "alert_tiers_hours"}
        if unknown:
            raise PolicyError(f"unknown care guarantee settings: {', '.join(sorted(unknown))}")
        if raw.get("days", NATIONAL_DAYS) != NATIONAL_DAYS:
            raise PolicyError(
                f"the national guarantee is {NATIONAL_DAYS} days by law; set a region's limits under "
                "days_by_profession, beside it"
            )
        regional = raw.get("days_by_profession") or {}
        if not isinstance(regional, dict):
            raise PolicyError("days_by_profession maps a profession to whole days")
        checked: dict[str, int] = {}
        for profession, days in regional.items():
            if profession not in PROFESSIONS:
                raise PolicyError(f"{profession!r} is not a profession; use one of: {', '.join(sorted(PROFESSIONS))}")
            if type(days) is not int or not 0 <= days <= 365:
                raise PolicyError(f"{profession}: the limit is whole days from 0 to 365, not {days!r}")
            checked[profession] = days
        return cls(MappingProxyType(checked))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> CareGuaranteePolicy:
        """The region's policy as configured for every service (the monitor's older variable is read too)."""
        environ = os.environ if environ is None else environ
        return cls.from_json(environ.get(POLICY_VARIABLE) or environ.get(OLDER_POLICY_VARIABLE) or "")


def guarantee_deadline(sought_at: datetime, days: int) -> datetime:
    """The first instant after the guarantee: midnight starting local day `days + 1`, the contact day being day 0.

    Calendar days in Europe/Stockholm, weekends and holidays included; computed on local dates, so a
    daylight-saving change in between does not move it. Returned in UTC.
    """
    if sought_at.tzinfo is None:
        raise ValueError("sought_at must carry a timezone")
    return _end_of_day_after(sought_at.astimezone(STOCKHOLM).date(), days)


def wait_days(sought_at: datetime, assessed_at: datetime) -> int:
    """Calendar days from the contact day (day 0) to the assessment day, in Europe/Stockholm."""
    return (assessed_at.astimezone(STOCKHOLM).date() - sought_at.astimezone(STOCKHOLM).date()).days


@lru_cache(maxsize=4096)
def _end_of_day_after(local_day: date, days: int) -> datetime:
    # Asked for again and again with the same few dates (the guarantee monitor, for every clock it looks at).
    return datetime.combine(local_day + timedelta(days=days + 1), time(0), STOCKHOLM).astimezone(UTC)
