"""The national report as SKR's model (vantetider.se) reads it, and the "0" of 0-3-90-90.

SKR publishes, per month, the share of patients assessed within 0, 0-3 and 0-7 days, by region and unit,
profession, contact form (clinic, home, distance), sex and ownership; groups under 20 are hidden. Regions send
a de-identified record per assessed contact, and SKR does the arithmetic. Wait days are calendar days in
Europe/Stockholm, the contact day being day 0 (the shared `wait_days`); only the national measure counts here.

The totals add up: each unit has a total row (profession, contact form, sex and age group "all"), and the
region a total row (unit "all"). A hidden row's counts are its total row's less the published rows beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from nara.shared.care_guarantee import NATIONAL_DAYS, wait_days
from nara.shared.clock import STOCKHOLM, to_stockholm
from nara.shared.events.vocabulary import Channel, ContactForm

from .facts import ContactFacts
from .units import UnitInfo, unit_info

MINIMUM_GROUP = 20  # SKR publishes no group of fewer contacts
EARLIEST_MONTH, LATEST_MONTH = "2000-01", "2099-12"
ALL = "all"
UNKNOWN = "unknown"
PHONE_CHANNELS = frozenset({Channel.PHONE_UNIT, Channel.PHONE_1177})
# SKR groups the contact forms: a visit at the clinic, at home, or at a distance.
CLINIC, HOME, DISTANCE = "clinic", "home", "distance"
SKR_FORM_GROUP: dict[str, str] = {
    ContactForm.CLINIC: CLINIC,
    ContactForm.HOME: HOME,
    ContactForm.PHONE: DISTANCE,
    ContactForm.VIDEO: DISTANCE,
    ContactForm.CHAT_LETTER: DISTANCE,
}
SKR_COLUMNS = (
    "month",
    "region_code",
    "unit_hsa_id",
    "unit_name",
    "ownership",
    "profession",
    "contact_form",
    "sex",
    "age_group",
    "assessments",
    "within_0_days",
    "within_3_days",
    "within_7_days",
    "patient_chosen_wait",
    "hidden",
)
RECORD_COLUMNS = (
    "month",
    "region_code",
    "unit_hsa_id",
    "pseudonym",
    "profession",
    "contact_form",
    "sex",
    "age_group",
    "sought_date",
    "assessment_date",
    "wait_days",
    "patient_chosen_wait",
)


def contact_same_day(facts: ContactFacts) -> bool | None:
    """For a contact registered by phone: whether the patient got contact the same local day they sought it.
    None for other channels, where the "0" is not measured."""
    if facts.channel not in PHONE_CHANNELS or facts.sought_at is None or facts.registered_at is None:
        return None
    return to_stockholm(facts.registered_at).date() == to_stockholm(facts.sought_at).date()


@dataclass(frozen=True)
class AssessedContact:
    """One assessed contact as the national report sees it: no contact id, no personnummer, coarse fields."""

    pseudonym: str
    unit: str
    profession: str
    contact_form: str
    sex: str | None
    age_group: str | None
    sought_at: datetime
    assessed_at: datetime
    patient_chose_to_wait: bool  # a later time was chosen while times within the guarantee were offered

    @property
    def wait_days(self) -> int:
        return wait_days(self.sought_at, self.assessed_at)

    @property
    def patient_chosen_wait(self) -> bool:
        """Only a wait beyond the guarantee can be the patient's own choice; within it there is nothing to excuse."""
        return self.patient_chose_to_wait and self.wait_days > NATIONAL_DAYS

    @property
    def month(self) -> str:
        return to_stockholm(self.assessed_at).strftime("%Y-%m")


@dataclass(frozen=True)
class SkrRow:
    month: str
    unit: UnitInfo
    profession: str
    contact_form: str
    sex: str
    age_group: str
    assessments: int
    within_0_days: int
    within_3_days: int
    within_7_days: int
    patient_chosen_wait: int

    @property
    def hidden(self) -> bool:
        return self.assessments < MINIMUM_GROUP

    def as_csv_row(self) -> list[str]:
        counts = [
            self.assessments,
            self.within_0_days,
            self.within_3_days,
            self.within_7_days,
            self.patient_chosen_wait,
        ]
        return [
            self.month,
            self.unit.region_code,
            self.unit.hsa_id,
            self.unit.name,
            self.unit.ownership,
            self.profession,
            self.contact_form,
            self.sex,
            self.age_group,
            *(["" for _ in counts] if self.hidden else [str(n) for n in counts]),
            "true" if self.hidden else "false",
        ]


def _row(month: str, unit: UnitInfo, keys: tuple[str, str, str, str], contacts: list[AssessedContact]) -> SkrRow:
    days = [c.wait_days for c in contacts]
    return SkrRow(
        month,
        unit,
        *keys,
        len(contacts),
        sum(d <= 0 for d in days),
        sum(d <= 3 for d in days),
        sum(d <= 7 for d in days),
        sum(c.patient_chosen_wait for c in contacts),
    )


def skr_rows(month: str, contacts: Iterable[AssessedContact], units: dict[str, UnitInfo]) -> list[SkrRow]:
    """One row per group (hidden under 20), each unit's total after its groups, then each region's total."""
    by_unit: dict[str, dict[tuple[str, str, str, str], list[AssessedContact]]] = {}
    for contact in contacts:
        if contact.month != month:
            continue
        key = (
            contact.profession,
            SKR_FORM_GROUP.get(contact.contact_form, contact.contact_form),
            contact.sex or UNKNOWN,
            contact.age_group or UNKNOWN,
        )
        by_unit.setdefault(contact.unit, {}).setdefault(key, []).append(contact)
    rows: list[SkrRow] = []
    by_region: dict[str, list[AssessedContact]] = {}
    for hsa_id in sorted(by_unit, key=lambda u: (unit_info(units, u).region_code, unit_info(units, u).name)):
        unit = unit_info(units, hsa_id)
        groups = by_unit[hsa_id]
        rows += [_row(month, unit, key, groups[key]) for key in sorted(groups)]
        everyone = [contact for group in groups.values() for contact in group]
        rows.append(_row(month, unit, (ALL, ALL, ALL, ALL), everyone))
        by_region.setdefault(unit.region_code, []).extend(everyone)
    for region, everyone in sorted(by_region.items()):
        rows.append(_row(month, UnitInfo(ALL, ALL, region, ALL), (ALL, ALL, ALL, ALL), everyone))
    return rows


def record_row(contact: AssessedContact, units: dict[str, UnitInfo]) -> list[str]:
    """The de-identified record of one assessed contact, as a region sends it each month."""
    return [
        contact.month,
        unit_info(units, contact.unit).region_code,
        contact.unit,
        contact.pseudonym,
        contact.profession,
        contact.contact_form,
        contact.sex or UNKNOWN,
        contact.age_group or UNKNOWN,
        to_stockholm(contact.sought_at).date().isoformat(),
        to_stockholm(contact.assessed_at).date().isoformat(),
        str(contact.wait_days),
        "true" if contact.patient_chosen_wait else "false",
    ]


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """'2026-11' as the Stockholm month's first instant and the next month's; ValueError for anything else, and
    for a month outside 2000-01..2099-12 (the calendar Nära reasons about: year 1 cannot even be stored)."""
    year, _, number = month.partition("-")
    if (
        len(year) != 4
        or len(number) != 2
        or not (year.isascii() and year.isdigit() and number.isascii() and number.isdigit())
        or not 1 <= int(number) <= 12
        or not EARLIEST_MONTH <= month <= LATEST_MONTH
    ):
        raise ValueError(month)
    first = datetime(int(year), int(number), 1, tzinfo=STOCKHOLM)
    following = datetime(int(year) + int(number) // 12, int(number) % 12 + 1, 1, tzinfo=STOCKHOLM)
    return first, following
