"""HTML views of the live parts: counts by status, and the at-risk and breached contacts."""

from __future__ import annotations

from datetime import datetime

from .html import EMPTY, Safe, fmt, join
from .queries import StatusCounts, Urgent, urgent_hours
from .swedish import (
    LISTING_UNKNOWN,
    STATUS_HINTS,
    STATUSES,
    clock_time,
    hours_left_text,
    last_day,
    profession_name,
    short_pseudonym,
    unit_name,
)


def status_tag(status: str) -> Safe:
    """The status in words, with a shape beside it: never colour alone."""
    return fmt(
        '<strong class="tag tag-$status"><span class="tag-icon" aria-hidden="true"></span>$text</strong>',
        status=status.replace("_", "-"),
        text=STATUSES.get(status, status),
    )


def listing_tag() -> Safe:
    """The flag on a contact whose listing is unknown: covered by the guarantee, for staff to resolve."""
    return fmt(
        '<strong class="tag tag-listing-unknown" data-listing-unknown><span class="tag-icon" '
        'aria-hidden="true"></span>$text</strong>',
        text=LISTING_UNKNOWN,
    )


def counts_list(counts: StatusCounts) -> Safe:
    items = join(
        fmt(
            '<div class="count count-$css"><dt class="count-label">$tag</dt>'
            '<dd class="count-number" data-count="$status">$number</dd>'
            '<dd class="count-hint">$hint</dd></div>',
            css=status.replace("_", "-"),
            status=status,
            tag=status_tag(status),
            number=number,
            hint=STATUS_HINTS[status],
        )
        for status, number in counts.by_status.items()
    )
    unknown = counts.listing_unknown
    flagged = fmt(
        '<p class="body listing-count">$tag <span data-count-listing-unknown>$n</span> $noun att reda ut: '
        'var är patienten listad? <span class="hint">Tills dess omfattas kontakten av vårdgarantin.</span>'
        "</p>",
        tag=listing_tag(),
        n=unknown,
        noun="kontakt" if unknown == 1 else "kontakter",
    )
    return fmt('<dl class="counts">$items</dl>$flagged', items=items, flagged=flagged)


def pseudonym(value: str | None) -> Safe:
    """Operations staff see pseudonyms only; shortened, with the whole one in the title."""
    return fmt('<span class="pseudonym" title="$full">$short</span>', full=value or "", short=short_pseudonym(value))


def trace_link(clock: dict) -> Safe:
    url = clock["trace_url"]
    if not url or not url.startswith(("https://", "http://")):
        return fmt('<span class="hint">Ingen spårning</span>')
    return fmt(
        '<a class="link" id="spar-$id" href="$url">Visa spårning<span class="visually-hidden"> för $who</span></a>',
        id=clock["contact_id"],
        url=url,
        who=short_pseudonym(clock["patient"]),
    )


def regional_note(clock: dict) -> Safe:
    """The region's limit beside the national one, when the profession has one."""
    regional = clock["measures"]["regional"]
    if regional is None:
        return EMPTY
    return fmt(
        '<span class="cell-note measure" data-regional-status="$status">Regionens gräns, $days dagar: '
        '$tag <span class="measure-hours">$left</span></span>',
        status=regional["status"],
        days=regional["days"],
        tag=status_tag(regional["status"]),
        left=hours_left_text(regional["hours_left"]) if regional["status"] in ("at_risk", "breached") else "",
    )


def urgent_row(clock: dict) -> Safe:
    deadline = datetime.fromisoformat(clock["deadline"]) if clock["deadline"] else None
    regional = clock["measures"]["regional"]
    regional_reason = regional["reason"] if regional and regional["status"] in ("at_risk", "breached") else None
    return fmt(
        '<tr class="row" data-contact-id="$id" data-patient="$patient" data-status="$status" data-hours-left="$hours">'
        '<th scope="row" class="cell">$pseudonym</th><td class="cell">$tag$listing$regional</td>'
        '<td class="cell"><span class="hours">$left</span><span class="cell-note">$day</span></td>'
        '<td class="cell">$unit</td><td class="cell">$profession</td><td class="cell">$reason$regional_reason</td>'
        '<td class="cell">$trace</td></tr>',
        id=clock["contact_id"],
        patient=clock["patient"] or "",
        status=clock["status"],
        hours=urgent_hours(clock),
        pseudonym=pseudonym(clock["patient"]),
        tag=status_tag(clock["status"]),
        listing=listing_tag() if clock["listing_unknown"] else EMPTY,
        regional=regional_note(clock),
        left=hours_left_text(clock["hours_left"]),
        day=f"Sista dag {last_day(deadline)}" if deadline else "",
        unit=unit_name(clock["unit"]),
        profession=profession_name(clock["profession"]),
        reason=clock["reason"] or "–",
        regional_reason=fmt('<span class="cell-note">$text</span>', text=regional_reason) if regional_reason else EMPTY,
        trace=trace_link(clock),
    )


def urgent_table(urgent: Urgent, now: datetime) -> Safe:
    updated = fmt(
        '<p class="hint list-updated">Uppdaterad kl. <span data-list-time>$time</span>.</p>', time=clock_time(now)
    )
    if not urgent.clocks:
        return fmt(
            '<p class="body" data-empty-list>Inga kontakter är i risk eller passerade just nu.</p>$updated',
            updated=updated,
        )
    more = (
        fmt(
            '<p class="body">Visar de $shown mest brådskande av $total.</p>',
            shown=len(urgent.clocks),
            total=urgent.total,
        )
        if urgent.total > len(urgent.clocks)
        else EMPTY
    )
    return fmt(
        '<div class="table-wrap"><table class="table" data-urgent>'
        '<caption class="visually-hidden">Kontakter i risk och passerade, mest brådskande först</caption>'
        '<thead><tr><th scope="col">Patient (pseudonym)</th><th scope="col">Status</th><th scope="col">Tid kvar</th>'
        '<th scope="col">Enhet</th><th scope="col">Yrkesgrupp</th><th scope="col">Varför</th>'
        '<th scope="col">Senaste händelsen</th></tr></thead><tbody>$rows</tbody></table></div>$more$updated',
        rows=join(urgent_row(clock) for clock in urgent.clocks),
        more=more,
        updated=updated,
    )


def live_parts(counts: StatusCounts, urgent: Urgent, now: datetime) -> Safe:
    """The parts ops.js swaps in when an alert arrives: counts and the list, each in its own container."""
    return fmt(
        '<div data-part="counts">$counts</div><div data-part="list">$list</div>',
        counts=counts_list(counts),
        list=urgent_table(urgent, now),
    )
