"""A month of demo contacts, made through triage's public API, so /ops and the national report have figures to show.

    uv run python -m nara.devstack.demo_month [--triage http://127.0.0.1:8002] [--monitor http://127.0.0.1:8003]
                                              [--contacts 120] [--seed 12]

For a running development stack (`./nara run`): it signs development tokens, which only a stack without a real
token key accepts. The contacts are spread over the 28 days before today (triage takes contacts sought up to 30
days back) at the three demo units; each is registered by phone or at the desk, most with the listing known, and
most are assessed 0 to 6 days after they were sought, by a profession and a contact form in proportions like a
vårdcentral's. Then it reads the monitor's national report for each month the assessments fall in and checks it
against what it made itself: every assessed contact in the record file with its wait, and every unit's published
counts equal to its own. Registered now for days back, none of these counts in the "0" (contact the same day).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import httpx

from nara.shared.clock import STOCKHOLM, to_stockholm
from nara.shared.identity import issue_dev_token

UNITS = {"SE2321000115-E00000000011": 45, "SE2321000115-E00000000012": 30, "SE2321000115-E00000000013": 25}
RECEPTIONIST, CLINICIAN, OPERATIONS = "SE2321000115-P000000301", "SE2321000115-P000000101", "SE2321000115-P000000902"
# (profession, contact form, share): who assesses, and how, at a vårdcentral's front door.
ASSESSMENTS = [
    ("nurse", "phone", 40),
    ("doctor", "clinic", 25),
    ("nurse", "clinic", 10),
    ("physiotherapist", "clinic", 10),
    ("doctor", "video", 5),
    ("district_nurse", "home", 5),
    ("psychologist", "video", 5),
]
WAIT_DAYS = [(0, 40), (1, 20), (2, 12), (3, 10), (4, 5), (5, 3), (6, 3), (None, 7)]  # None: not assessed yet
REASONS = ["sore_throat", "back_pain", "cough_fever", "urinary", "rash", "ear_pain", "anxiety"]
MINIMUM_GROUP = 20


@dataclass(frozen=True)
class DemoContact:
    unit: str
    sought_at: datetime
    listed: bool
    assessment: tuple[str, str] | None
    assessed_at: datetime | None


def plan(count: int, now: datetime, seed: int, units: dict[str, int] = UNITS) -> list[DemoContact]:
    """The contacts to make at the units (HSA-id: share): the same seed and day give the same month."""
    pick = random.Random(seed)  # noqa: S311 -- seeded on purpose: the same seed gives the same demo month
    today = to_stockholm(now).date()
    contacts = []
    for _ in range(count):
        day = today - timedelta(days=pick.randint(1, 28))
        sought = datetime.combine(day, time(pick.randint(7, 16), pick.choice((0, 15, 30, 45))), STOCKHOLM)
        wait = _weighted(pick, WAIT_DAYS)
        assessed = (
            None
            if wait is None
            else datetime.combine(day + timedelta(days=wait), time(pick.randint(8, 16), 0), STOCKHOLM)
        )
        if assessed is not None and assessed <= sought:
            assessed = sought + timedelta(minutes=30)
        if assessed is not None and assessed > now:
            assessed = None  # that day has not come yet: still waiting
        kind = _weighted(pick, [((p, f), share) for p, f, share in ASSESSMENTS])
        contacts.append(
            DemoContact(
                _weighted(pick, list(units.items())),
                sought.astimezone(UTC),
                pick.random() < 0.85,
                kind if assessed else None,
                assessed.astimezone(UTC) if assessed else None,
            )
        )
    return contacts


def _weighted(pick: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return pick.choices(values, weights=weights)[0]


def personnummer(pick: random.Random) -> str:
    """A valid personnummer of someone aged 1 to 95, either sex."""
    year = 2025 - pick.randint(1, 95)
    body = f"{year % 100:02d}{pick.randint(1, 12):02d}{pick.randint(1, 28):02d}{pick.randint(1, 999):03d}"
    digits = [int(d) * (2 - i % 2) for i, d in enumerate(body)]
    check = (10 - sum(d // 10 + d % 10 for d in digits) % 10) % 10
    return f"{year // 100}{body[:6]}-{body[6:]}{check}"


def _headers(role: str, hsa_id: str, units) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_dev_token(role, hsa_id, list(units))}"}


async def make(triage_url: str, contacts: list[DemoContact], seed: int) -> dict[str, DemoContact]:
    """Registers and assesses every planned contact; returns them by the pseudonym triage gave the patient."""
    pick = random.Random(seed + 1)  # noqa: S311 -- seeded demo data, no secret
    made: dict[str, DemoContact] = {}
    async with httpx.AsyncClient(base_url=triage_url, timeout=30) as triage:
        for contact in contacts:
            body = {
                "patient": personnummer(pick),
                "unit": contact.unit,
                "channel": pick.choice(("phone_unit", "phone_unit", "walk_in")),
                "sought_at": contact.sought_at.isoformat(),
                "reason_code": pick.choice(REASONS),
            }
            if contact.listed:
                body["listed_unit"] = contact.unit
            registered = await triage.post(
                "/api/v1/contacts", json=body, headers=_headers("reception", RECEPTIONIST, [contact.unit])
            )
            registered.raise_for_status()
            made[registered.json()["patient"]] = contact
            if contact.assessment is None or contact.assessed_at is None:
                continue
            profession, form = contact.assessment
            assessed = await triage.post(
                f"/api/v1/contacts/{registered.json()['id']}/assessment",
                headers=_headers("clinician", CLINICIAN, [contact.unit]),
                json={"profession": profession, "contact_form": form, "assessed_at": contact.assessed_at.isoformat()},
            )
            assessed.raise_for_status()
    return made


async def national_report(monitor_url: str, month: str) -> tuple[list[dict], list[dict]]:
    headers = _headers("ops", OPERATIONS, UNITS)
    async with httpx.AsyncClient(base_url=monitor_url, timeout=30) as monitor:
        groups = await monitor.get("/api/v1/reports/skr", params={"month": month}, headers=headers)
        records = await monitor.get("/api/v1/reports/skr/records", params={"month": month}, headers=headers)
    groups.raise_for_status()
    records.raise_for_status()
    return _csv(groups.text), _csv(records.text)


def check(month: str, made: dict[str, DemoContact], groups: list[dict], records: list[dict]) -> list[str]:
    """What in the report disagrees with what was made; empty when every figure agrees."""
    problems = []
    ours = {p: c for p, c in made.items() if c.assessed_at and to_stockholm(c.assessed_at).strftime("%Y-%m") == month}
    found = {row["pseudonym"]: row for row in records}
    for pseudonym, contact in ours.items():
        row = found.get(pseudonym)
        wait = (to_stockholm(contact.assessed_at).date() - to_stockholm(contact.sought_at).date()).days
        if row is None:
            problems.append(f"{pseudonym[:12]}…: assessed in {month}, missing from the record file")
        elif (row["unit_hsa_id"], row["profession"], row["contact_form"], int(row["wait_days"])) != (
            contact.unit,
            *contact.assessment,
            wait,
        ):
            problems.append(f"{pseudonym[:12]}…: the record file says {row}, not {contact}")
    for unit in sorted({contact.unit for contact in made.values()}):
        rows = [r for r in records if r["unit_hsa_id"] == unit]
        [total] = [g for g in groups if g["unit_hsa_id"] == unit and g["profession"] == "all"] or [None]
        if total is None:
            continue
        waits = [int(r["wait_days"]) for r in rows]
        expected = {
            "assessments": len(rows),
            "within_0_days": waits.count(0),
            "within_3_days": sum(w <= 3 for w in waits),
            "within_7_days": sum(w <= 7 for w in waits),
        }
        if len(rows) < MINIMUM_GROUP:
            if total["hidden"] != "true" or total["assessments"]:
                problems.append(f"{unit}: {len(rows)} assessments, but the total is published")
        elif {key: int(total[key]) for key in expected} != expected:
            problems.append(f"{unit}: the report's total {total} is not the record file's {expected}")
    return problems


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triage", default="http://127.0.0.1:8002")
    parser.add_argument("--monitor", default="http://127.0.0.1:8003")
    parser.add_argument("--contacts", type=int, default=120)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    contacts = plan(args.contacts, now, args.seed)
    made = await make(args.triage, contacts, args.seed)
    months = sorted({to_stockholm(c.assessed_at).strftime("%Y-%m") for c in contacts if c.assessed_at})
    print(
        f"made {len(made)} contacts at {len(UNITS)} units, "
        f"{sum(c.assessed_at is not None for c in contacts)} assessed; listing unknown for "
        f"{sum(not c.listed for c in contacts)}"
    )
    await asyncio.sleep(3)  # the monitor hears of them through Kafka
    failed = False
    for month in months:
        groups, records = await national_report(args.monitor, month)
        print(f"\nThe national report for {month} (GET /api/v1/reports/skr?month={month}):\n")
        print(_table(groups))
        problems = check(month, made, groups, records)
        waits = Counter(int(r["wait_days"]) for r in records)
        print(f"\n{len(records)} records; wait days {dict(sorted(waits.items()))}")
        print("checked against what was made: " + ("every figure agrees" if not problems else "; ".join(problems)))
        failed |= bool(problems)
    return 1 if failed else 0


def _table(rows: list[dict]) -> str:
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
