"""Waitlist offers: from a cancellation to the offer's e-mail in Mailpit, with 10,000 waiting at one unit.

Real booking process(es) with the demo data, SMTP pointed at Mailpit, the offer and message jobs at their
default intervals (or those given). `--entries` waiting entries at one unit all fit the freed times, with noise
around them that must not get an offer: entries at the other units, and entries at the unit whose triage or
wishes do not fit, all with nearer deadlines. Each round books a free nurse's time for a filler citizen through
the API, cancels it through the API, and times the cancellation until the offer's e-mail is listed in Mailpit's
API, split by the database's own timestamps. Then, the service stopped, the matching step alone on the same
database (`candidates_for`, its storage query, and the whole offer step rolled back) against the pure
`offer_order` on the same entries in memory. Finally it checks who got each offer and that each was mailed once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

# Its own servers, as bench_booking.py: the offers' events go to nara.appointments.v1, off the tests' stack.
os.environ.setdefault("NARA_TEST_STATE_DIR", str(Path(__file__).resolve().parents[2] / ".state" / "bench-stack"))

from bench_booking import background_load, child_pids, percentile, personnummer, settle

from nara.booking.adapters.schedule import PostgresSchedule
from nara.booking.adapters.unit_of_work import PostgresUnitOfWork
from nara.booking.adapters.waitlist import PostgresWaitlist
from nara.booking.demo import UNITS
from nara.booking.domain.waitlist import FreedSlot, offer_order
from nara.booking.service.offers import OfferSettings, offer_slot
from nara.booking.service.schedule import generate_slots
from nara.booking.service.waitlist import candidates_for
from nara.booking.settings import BookingSettings
from nara.devstack.testing import mailpit_server, real_infrastructure, scratch_schema, service_process
from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.database import create_pool
from nara.shared.identity import issue_dev_token

UNIT, *OTHER_UNITS = [unit for unit, *_ in UNITS]  # Falkenberg gets the waiting entries
TIME_TYPE, PROFESSION, FORM = "SSK_BESOK", "nurse", "clinic"  # a nurse's visit, booked on the web
WEB_LIMIT = 1_000_000
NOTICE = timedelta(days=2)  # the times cancelled lie beyond the 24 hours' cancellation notice


def citizen(serial: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_dev_token('citizen', personnummer(serial, 1950 + serial // 8100))}"}


# --- the waiting entries -----------------------------------------------------------------------------------------


async def fill_waitlist(url: str, run: str, entries: int, noise: int, now: datetime) -> dict[str, int]:
    """`entries` fitting entries at UNIT (deadlines from a day past to some days ahead: breached and at-risk; whoever
    asked first has the latest deadline), and `noise` entries with nearer deadlines that must never be offered a
    nurse's clinic time at UNIT: at the other units, at UNIT for a doctor, at UNIT by phone only. Each entry has an
    e-mail address of its own. Bulk-inserted as test_waitlist_offers.py's 10,000 test does."""
    per_kind = noise // 4
    kinds = [  # (prefix, count, unit, professions, contact forms)
        ("w", entries, UNIT, ["nurse"], ["clinic"]),
        ("other-a", per_kind, OTHER_UNITS[0], ["nurse"], ["clinic"]),
        ("other-b", per_kind, OTHER_UNITS[1], ["nurse"], ["clinic"]),
        ("doctor", per_kind, UNIT, ["doctor"], ["clinic"]),
        ("phone", noise - 3 * per_kind, UNIT, ["nurse"], ["phone"]),
    ]
    connection = await asyncpg.connect(url)
    try:
        for prefix, count, unit, professions, forms in kinds:
            fitting = prefix == "w"
            # The fitting ones: one a day past their deadline .. some days ahead, 40 s apart; the noise: all
            # further past it than any fitting one, so a filter that let them through would show at once.
            first = now - timedelta(days=1) if fitting else now - timedelta(days=3)
            step = 40 if fitting else 1
            await connection.execute(
                """INSERT INTO contacts (contact_id, patient, unit, listed_unit, sought_at, guarantee_deadline,
                       urgency, care_level, professions, guarantee_applies, triaged_at)
                   SELECT $1 || '-' || n, 'p-' || $1 || '-' || n, $2, $2, $3::timestamptz - interval '4 days',
                          $3::timestamptz + make_interval(secs => ($4::int * (n - 1))::double precision), 'green',
                          'within_3_days', $5::text[], true, $3::timestamptz - interval '4 days'
                   FROM generate_series(1, $6::int) AS n""",
                f"{prefix}{run}",
                unit,
                first,
                step,
                professions,
                count,
            )
            await connection.execute(
                """INSERT INTO waitlist_entries (id, contact_id, patient, units, weekdays, day_parts, contact_forms,
                       reach_by, reach_at, joined_by, joined_by_id, joined_at, updated_at)
                   SELECT gen_random_uuid(), $1 || '-' || n, 'p-' || $1 || '-' || n, ARRAY[$2], '{0,1,2,3,4,5,6}',
                          '{morning,afternoon,evening}', $3::text[], 'email',
                          'vantar' || n || '-' || $1 || '@example.se', 'patient', 'p-' || $1 || '-' || n,
                          $4::timestamptz - make_interval(secs => ($5::int - n + 1)::double precision), $4::timestamptz
                   FROM generate_series(1, $5::int) AS n""",
                f"{prefix}{run}",
                unit,
                forms,
                now,
                count,
            )
        await connection.execute("ANALYZE contacts")
        await connection.execute("ANALYZE waitlist_entries")
    finally:
        await connection.close()
    return {prefix: count for prefix, count, *_ in kinds}


async def first_in_line(connection: asyncpg.Connection, slot_id: uuid.UUID) -> asyncpg.Record:
    """The entry the rule must pick, worked out apart from the service's code: with no booked times and distinct
    national deadlines, the order of the rule (breached, at-risk, the deadline, the regional limit, who asked first)
    is the order of the deadline. Among the fitting waiting entries with no open offer and not asked of this slot."""
    return await connection.fetchrow(
        """SELECT w.id, w.reach_at, c.guarantee_deadline FROM waitlist_entries w
           JOIN contacts c ON c.contact_id = w.contact_id
           WHERE w.ended_at IS NULL AND w.units @> ARRAY[$1]::text[] AND $2 = ANY (c.professions)
             AND $3 = ANY (w.contact_forms) AND c.closed_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM waitlist_offers o WHERE o.entry_id = w.id
                             AND (o.state = 'open' OR o.slot_id = $4))
           ORDER BY c.guarantee_deadline, w.joined_at, w.contact_id LIMIT 1""",
        UNIT,
        PROFESSION,
        FORM,
        slot_id,
    )


# --- the slots ---------------------------------------------------------------------------------------------------


async def free_times(url: str, count: int) -> list[uuid.UUID]:
    """`count` free nurse's clinic times at UNIT beyond the cancellation notice, generating weeks ahead if needed
    (before any entry waits: generated slots are not offered, but the bench must not race the offer job)."""
    connection = await asyncpg.connect(url)
    try:
        today, days = datetime.now(UTC).date(), 14
        while True:
            rows = await connection.fetch(
                """SELECT id FROM slots WHERE unit = $1 AND time_type = $2 AND capacity = 1 AND reserved = 0
                     AND NOT blocked AND withdrawn_at IS NULL AND start_at > now() + $3::interval
                   ORDER BY start_at LIMIT $4""",
                UNIT,
                TIME_TYPE,
                NOTICE,
                count,
            )
            if len(rows) >= count:
                return [row["id"] for row in rows]
            days += 28
            if days > 3 * 365:
                raise RuntimeError(f"only {len(rows)} free {TIME_TYPE} times at {UNIT}, {count} needed")
            await generate_slots(PostgresSchedule(connection), today, today + timedelta(days=days), units=(UNIT,))
    finally:
        await connection.close()


async def quiet(url: str, within: float = 120) -> None:
    """Every freed time from the demo's set-up has been looked at by the offer job."""
    connection = await asyncpg.connect(url)
    try:
        async with asyncio.timeout(within):
            while await connection.fetchval("SELECT count(*) FROM freed_slots"):  # noqa: ASYNC110 - the job is polled
                await asyncio.sleep(0.2)
    finally:
        await connection.close()


# --- the rounds --------------------------------------------------------------------------------------------------


@dataclass
class Round:
    slot_id: uuid.UUID
    expected_entry: uuid.UUID
    expected_address: str
    cancel_sent: datetime
    cancel_answered: datetime
    seen_in_mailpit: datetime | None = None
    mailpit_id: str = ""
    mailed_to: str = ""
    mailpit_created: datetime | None = None
    offered_at: datetime | None = None
    sent_at: datetime | None = None  # outgoing_messages.done_at
    offered_entry: uuid.UUID | None = None


def mailpit_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


async def wait_for_mail(mail: httpx.AsyncClient, run: str, known: set[str], every: float, within: float = 60):
    """The first message to one of this run's addresses that was not there before: (when seen, its summary)."""
    async with asyncio.timeout(within):
        while True:
            answer = await mail.get("/api/v1/messages", params={"limit": 20})
            answer.raise_for_status()
            for summary in answer.json()["messages"]:
                to = [recipient["Address"] for recipient in summary.get("To") or []]
                if summary["ID"] not in known and any(run in a for a in to):
                    return datetime.now(UTC), summary
            await asyncio.sleep(every)


async def mailpit_ids(mail: httpx.AsyncClient) -> set[str]:
    answer = await mail.get("/api/v1/messages", params={"limit": 1000})
    answer.raise_for_status()
    return {summary["ID"] for summary in answer.json()["messages"]}


async def offer_of(connection: asyncpg.Connection, slot_id: uuid.UUID) -> asyncpg.Record | None:
    """The slot's first offer and when its message was done; Mailpit may list the e-mail a moment before the message
    job has marked it sent, so that mark is waited for (a few seconds at most)."""
    deadline = time.monotonic() + 5
    while True:
        offer = await connection.fetchrow(
            """SELECT o.entry_id, o.offered_at, m.done_at FROM waitlist_offers o
               LEFT JOIN outgoing_messages m ON m.key = 'offer-' || o.id
               WHERE o.slot_id = $1 ORDER BY o.offered_at LIMIT 1""",
            slot_id,
        )
        if (offer is not None and offer["done_at"] is not None) or time.monotonic() > deadline:
            return offer
        await asyncio.sleep(0.05)


async def run_rounds(
    base_urls: list[str], url: str, mail: httpx.AsyncClient, run: str, slots: list[uuid.UUID], args
) -> list[Round]:
    rounds: list[Round] = []
    known = await mailpit_ids(mail)
    connection = await asyncpg.connect(url)
    shuffle = random.Random(18)
    try:
        for n, slot_id in enumerate(slots):
            base = base_urls[n % len(base_urls)]
            headers = citizen(n)
            async with httpx.AsyncClient(base_url=base, timeout=60) as api:
                booked = await api.post("/api/v1/appointments", json={"slot_id": str(slot_id)}, headers=headers)
                if booked.status_code != 201:
                    raise RuntimeError(f"the filler's booking failed: {booked.status_code} {booked.text[:300]}")
                expected = await first_in_line(connection, slot_id)
                # Not in step with the jobs' one-second loops: each cancellation lands at another point of them.
                await asyncio.sleep(shuffle.uniform(0.0, max(args.offer_every, args.message_poll)))
                sent = datetime.now(UTC)
                cancelled = await api.post(
                    f"/api/v1/appointments/{booked.json()['id']}/cancel", json={"reason": "Förhinder"}, headers=headers
                )
                answered = datetime.now(UTC)
            if cancelled.status_code != 200:
                raise RuntimeError(f"the cancellation failed: {cancelled.status_code} {cancelled.text[:300]}")
            this = Round(slot_id, expected["id"], expected["reach_at"], sent, answered)
            try:
                this.seen_in_mailpit, summary = await wait_for_mail(mail, run, known, args.mail_poll)
                this.mailpit_id = summary["ID"]
                this.mailed_to = ",".join(r["Address"] for r in summary.get("To") or [])
                this.mailpit_created = mailpit_time(summary["Created"])
                known.add(summary["ID"])
            except TimeoutError:
                print(f"  round {n + 1}: no e-mail within 60 s")
            offer = await offer_of(connection, slot_id)
            if offer is not None:
                this.offered_entry, this.offered_at, this.sent_at = (
                    offer["entry_id"],
                    offer["offered_at"],
                    offer["done_at"],
                )
            rounds.append(this)
            if (n + 1) % 10 == 0:
                print(f"  {n + 1} rounds done", flush=True)
    finally:
        await connection.close()
    return rounds


# --- the matching step alone -------------------------------------------------------------------------------------


class TimedFetch:
    """A connection whose `fetch` is timed: PostgresWaitlist on it splits the storage query into PostgreSQL's part
    (the SQL, over the wire) and Python's (the rows into WaitingEntry objects)."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self.took = 0.0

    async def fetch(self, *args):
        began = time.perf_counter()
        try:
            return await self._connection.fetch(*args)
        finally:
            self.took += time.perf_counter() - began


class RolledBack(Exception):
    """Raised inside the unit of work so that the timed offer step leaves nothing behind."""


async def matching_alone(url: str, repeats: int, pure_repeats: int) -> dict[str, list[float] | int | str]:
    """With the service stopped: the storage query (`uow.waitlist.candidates`), `candidates_for` (that and the
    order), the whole offer step (`offer_slot`, rolled back), and the pure `offer_order` on the same entries."""
    pool = await create_pool(url, min_size=1, max_size=2)
    policy = CareGuaranteePolicy()
    try:
        async with pool.acquire() as connection:
            row = await connection.fetchrow(
                """SELECT id, start_at FROM slots WHERE unit = $1 AND time_type = $2 AND reserved = 0 AND NOT blocked
                     AND withdrawn_at IS NULL AND start_at > now() + $3::interval ORDER BY start_at LIMIT 1""",
                UNIT,
                TIME_TYPE,
                NOTICE,
            )
            expected = await first_in_line(connection, row["id"])
        freed = FreedSlot(UNIT, PROFESSION, TIME_TYPE, FORM, row["start_at"])
        storage, sql, ordered, step, pure = [], [], [], [], []
        entries: list = []
        chosen = ""
        for _ in range(repeats):
            now = datetime.now(UTC)
            async with PostgresUnitOfWork(pool) as uow:
                timed = TimedFetch(uow.connection)
                began = time.perf_counter()
                entries = await PostgresWaitlist(timed).candidates(freed, policy, now)  # type: ignore[arg-type]
                storage.append(time.perf_counter() - began)
                sql.append(timed.took)
            async with PostgresUnitOfWork(pool) as uow:
                began = time.perf_counter()
                await candidates_for(uow, freed, now=now, policy=policy)
                ordered.append(time.perf_counter() - began)
            with contextlib.suppress(RolledBack):
                async with PostgresUnitOfWork(pool) as uow:
                    began = time.perf_counter()
                    made = await offer_slot(uow, row["id"], now, OfferSettings(guarantee=policy))
                    step.append(time.perf_counter() - began)
                    chosen = made.offer.entry_id if made else ""
                    raise RolledBack
        now = datetime.now(UTC)
        for _ in range(pure_repeats):
            began = time.perf_counter()
            offer_order(freed, entries, now)
            pure.append(time.perf_counter() - began)
        return {
            "storage": storage,
            "sql": sql,
            "rows": [whole - part for whole, part in zip(storage, sql, strict=True)],
            "candidates_for": ordered,
            "offer_slot": step,
            "offer_order": pure,
            "entries": len(entries),
            "chosen_right": str(chosen) == str(expected["id"]),
        }
    finally:
        await pool.close()


# --- the checks --------------------------------------------------------------------------------------------------


async def correctness(url: str, mail: httpx.AsyncClient, run: str, rounds: list[Round]) -> dict[str, int]:
    connection = await asyncpg.connect(url)
    try:
        offers = await connection.fetch(
            """SELECT o.id, o.slot_id, o.entry_id, w.reach_at, m.state AS message_state FROM waitlist_offers o
               JOIN waitlist_entries w ON w.id = o.entry_id LEFT JOIN outgoing_messages m ON m.key = 'offer-' || o.id"""
        )
        two_open = await connection.fetchval(
            """SELECT count(*) FROM (SELECT entry_id FROM waitlist_offers WHERE state = 'open'
               GROUP BY entry_id HAVING count(*) > 1) twice"""
        )
        noise_offered = await connection.fetchval(
            "SELECT count(*) FROM waitlist_offers WHERE contact_id NOT LIKE $1", f"w{run}-%"
        )
    finally:
        await connection.close()
    per_slot = Counter(offer["slot_id"] for offer in offers)
    mailed: Counter = Counter()
    start = 0
    while True:  # every message of this run in Mailpit, counted per address
        answer = await mail.get("/api/v1/messages", params={"start": start, "limit": 500})
        answer.raise_for_status()
        page = answer.json()["messages"]
        for summary in page:
            for recipient in summary.get("To") or []:
                if run in recipient["Address"]:
                    mailed[recipient["Address"]] += 1
        if len(page) < 500:
            break
        start += 500
    offered_addresses = [offer["reach_at"] for offer in offers]
    return {
        "rounds whose offer went to another entry than the first in line": sum(
            1 for r in rounds if r.offered_entry != r.expected_entry
        ),
        "rounds whose e-mail went to another address than the first in line's": sum(
            1 for r in rounds if r.mailed_to != r.expected_address
        ),
        "rounds with no e-mail seen": sum(1 for r in rounds if r.seen_in_mailpit is None),
        "freed times offered more than once (no lapse expected in the run)": sum(1 for n in per_slot.values() if n > 1),
        "entries holding two open offers": two_open,
        "offers to the noise (other unit, profession or contact form)": noise_offered,
        "offers whose message is not 'sent'": sum(1 for offer in offers if offer["message_state"] != "sent"),
        "offers not mailed exactly once": sum(1 for a in offered_addresses if mailed.get(a, 0) != 1),
        "e-mails to an address that was offered nothing": sum(
            count for a, count in mailed.items() if a not in set(offered_addresses)
        ),
    }


# --- the run -----------------------------------------------------------------------------------------------------


def seconds(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else (b - a).total_seconds()


def row(label: str, values: list[float | None], ms: bool = True) -> str:
    known = [v for v in values if v is not None]
    scale = 1000 if ms else 1
    figures = [percentile(known, q) * scale for q in (0.5, 0.9, 0.99)] + [max(known, default=float("nan")) * scale]
    return f"  {label:52}{len(known):>6}" + "".join(f"{f:>9.0f}" for f in figures)


def error_lines(logs: Path) -> list[str]:
    return [
        line
        for log in logs.glob("*.log")
        for line in log.read_text(errors="replace").splitlines()
        if '"level": "ERROR"' in line or "Traceback" in line
    ]


async def main(args) -> None:
    run = uuid.uuid4().hex[:8]
    defaults = BookingSettings.model_fields
    env = {
        "BOOKING_LOAD_DEMO_DATA": "true",
        "BOOKING_CONTACTS_CONSUMER_GROUP": f"bench-waitlist-{run}",
        "BOOKING_MAX_FUTURE_WEB_BOOKINGS_PER_UNIT": str(WEB_LIMIT),
        "BOOKING_OFFER_EVERY_SECONDS": str(args.offer_every),
        "BOOKING_MESSAGE_POLL_SECONDS": str(args.message_poll),
    }
    for name in ("NARA_SMS_USERNAME", "NARA_SMS_PASSWORD"):  # e-mail only: the SMS gateway stays off
        os.environ.pop(name, None)
    with (
        real_infrastructure() as infrastructure,
        mailpit_server() as mail_server,
        tempfile.TemporaryDirectory(prefix="bench-waitlist-") as logs,
    ):
        env.update(mail_server.smtp_settings())
        background = background_load()
        async with (
            scratch_schema(infrastructure.database_urls["booking"], prefix="bench") as url,
            httpx.AsyncClient(base_url=mail_server.url, timeout=10) as mail,
        ):
            with contextlib.ExitStack() as instances:
                base_urls = [
                    instances.enter_context(service_process("booking", infrastructure, url, env, Path(logs)))
                    for _ in range(args.instances)
                ]
                await settle(child_pids("nara.booking"))
                slots = await free_times(url, args.rounds)
                await quiet(url)
                began = time.perf_counter()
                kinds = await fill_waitlist(url, run, args.entries, args.noise, datetime.now(UTC))
                filled = time.perf_counter() - began
                print(
                    f"{sum(kinds.values())} waiting entries inserted in {filled:.1f} s: {kinds}; "
                    f"{args.rounds} rounds follow",
                    flush=True,
                )
                began, rounds_from = time.perf_counter(), datetime.now(UTC)
                rounds = await run_rounds(base_urls, url, mail, run, slots, args)
                rounds_wall, rounds_until = time.perf_counter() - began, datetime.now(UTC)
            log_lines = error_lines(Path(logs))
            checks = await correctness(url, mail, run, rounds)
            matching = await matching_alone(url, args.match_repeats, args.pure_repeats)

    print()
    print(
        f"Waitlist offers: {args.instances} booking process(es), {args.entries} fitting entries waiting at {UNIT} "
        f"(+{args.noise} noise), {args.rounds} cancellations of {TIME_TYPE} times through the API"
    )
    print(f"Before the run the machine was {background:.0%} busy with other work ({os.cpu_count()} cores).")
    print(
        f"Job intervals: offer job every {args.offer_every:g} s (default {defaults['offer_every_seconds'].default:g}), "
        f"message job every {args.message_poll:g} s (default {defaults['message_poll_seconds'].default:g}); "
        f"Mailpit polled every {args.mail_poll * 1000:.0f} ms. Rounds took {rounds_wall:.0f} s "
        f"({rounds_from:%H:%M:%S}-{rounds_until:%H:%M:%S} UTC)."
    )
    print()
    print(f"  {'from the cancel request, ms':52}{'n':>6}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}")
    print(row("cancel request answered", [seconds(r.cancel_sent, r.cancel_answered) for r in rounds]))
    print(row("cancel -> offer row (offered_at)", [seconds(r.cancel_sent, r.offered_at) for r in rounds]))
    print(row("offer row -> message sent (done_at)", [seconds(r.offered_at, r.sent_at) for r in rounds]))
    print(
        row(
            "offer row -> received by Mailpit (its Created)", [seconds(r.offered_at, r.mailpit_created) for r in rounds]
        )
    )
    print(
        row(
            "received by Mailpit -> listed in its API (our poll)",
            [seconds(r.mailpit_created, r.seen_in_mailpit) for r in rounds],
        )
    )
    print(
        row("cancel -> received by Mailpit (its Created)", [seconds(r.cancel_sent, r.mailpit_created) for r in rounds])
    )
    print(row("cancel -> listed in Mailpit's API (total)", [seconds(r.cancel_sent, r.seen_in_mailpit) for r in rounds]))
    print(
        "  (offered_at is the offer step's own clock reading, taken as the step begins: the step's work is in the "
        "second part)"
    )
    print()
    print(f"Matching step alone, the service stopped, {matching['entries']} candidates from the database:")
    print(f"  {'ms':52}{'n':>6}{'p50':>9}{'p99':>9}")
    for label, key in (
        ("storage query (uow.waitlist.candidates)", "storage"),
        ("  its SQL (connection.fetch)", "sql"),
        ("  its rows into WaitingEntry objects", "rows"),
        ("candidates_for (query + offer_order)", "candidates_for"),
        ("offer_slot, the whole offer step (rolled back)", "offer_slot"),
        ("offer_order alone, pure, in memory", "offer_order"),
    ):
        values = matching[key]
        print(
            f"  {label:52}{len(values):>6}{percentile(values, 0.5) * 1000:>9.1f}{percentile(values, 0.99) * 1000:>9.1f}"
        )
    pure, whole = percentile(matching["offer_order"], 0.5), percentile(matching["candidates_for"], 0.5)
    print(
        f"  ratio candidates_for / pure offer_order (p50): {whole / pure:.1f}; the pure order is "
        f"{pure / whole:.0%} of candidates_for"
    )
    print(f"  the rolled-back offer step chose the first in line: {matching['chosen_right']}")
    print()
    print("Correctness (must all be 0):")
    for name, value in checks.items():
        print(f"  {name:72}{value:>6}")
    if log_lines:
        # The service is stopped with its jobs mid-pass: a line after the rounds is likely the stop.
        print(f"\nservice log has {len(log_lines)} error line(s):")
        for line in log_lines[:5]:
            print(f"  {line[:300]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000, help="fitting entries waiting at one unit (10,000)")
    parser.add_argument("--noise", type=int, default=4_000, help="entries that must not be offered (4,000)")
    parser.add_argument("--rounds", type=int, default=50, help="cancellations, each timed to its e-mail (50)")
    parser.add_argument("--instances", type=int, default=1, help="booking processes sharing the jobs (1)")
    parser.add_argument(
        "--offer-every", type=float, default=1.0, help="BOOKING_OFFER_EVERY_SECONDS, the offer job's pause (1.0)"
    )
    parser.add_argument(
        "--message-poll", type=float, default=1.0, help="BOOKING_MESSAGE_POLL_SECONDS, the message job's pause (1.0)"
    )
    parser.add_argument("--mail-poll", type=float, default=0.02, help="how often Mailpit's API is asked, s (0.02)")
    parser.add_argument("--match-repeats", type=int, default=50, help="timings of each database matching step (50)")
    parser.add_argument("--pure-repeats", type=int, default=200, help="timings of the pure offer_order (200)")
    asyncio.run(main(parser.parse_args()))
