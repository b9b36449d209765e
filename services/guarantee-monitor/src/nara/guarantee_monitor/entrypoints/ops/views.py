"""HTML views of the live parts: counts by status, and the at-risk and breached contacts."""

from __future__ import annotations

from datetime import datetime

from .html import EMPTY, Safe, fmt, join
from .queries import Urgent
from .swedish import STATUS_HINTS, STATUSES, clock_time, hours_left_text, last_day, profession_name, \
    short_pseudonym, unit_name


def status_tag(status: str) -> Safe:
    """The status in words, with a shape beside it: never colour alone."""
    return fmt('<strong class="tag tag-$status"><span class="tag-icon" aria-hidden="true"></span>$text</strong>',
               status=status.replace("_", "-"), text=STATUSES.get(status, status))


def counts_list(counts: dict[str, int]) -> Safe:
    items = join(fmt('<div class="count count-$css"><dt class="count-label">$tag</dt>'
                     '<dd class="count-number" data-count="$status">$number</dd>'
                     '<dd class="count-hint">$hint</dd></div>',
                     css=status.replace("_", "-"), status=status, tag=status_tag(status), number=number,
                     hint=STATUS_HINTS[status])
                 for status, number in counts.items())
    return fmt('<dl class="counts">$items</dl>', items=items)


def pseudonym(value: str | None) -> Safe:
    """Operations staff see pseudonyms only; shortened, with the whole one in the title."""
    return fmt('<span class="pseudonym" title="$full">$short</span>', full=value or "", short=short_pseudonym(value))


def trace_link(clock: dict) -> Safe:
    url = clock["trace_url"]
    if not url or not url.startswith(("https://", "http://")):
        return fmt('<span class="hint">Ingen spårning</span>')
    return fmt('<a class="link" id="spar-$id" href="$url">Visa spårning<span class="visually-hidden"> för $who'
               '</span></a>', id=clock["contact_id"], url=url, who=short_pseudonym(clock["patient"]))


def urgent_row(clock: dict) -> Safe:
    deadline = datetime.fromisoformat(clock["deadline"]) if clock["deadline"] else None
    return fmt(
        '<tr class="row" data-contact-id="$id" data-patient="$patient" data-status="$status" data-hours-left="$hours">'
        '<th scope="row" class="cell">$pseudonym</th><td class="cell">$tag</td>'
        '<td class="cell"><span class="hours">$left</span><span class="cell-note">$day</span></td>'
        '<td class="cell">$unit</td><td class="cell">$profession</td><td class="cell">$reason</td>'
        '<td class="cell">$trace</td></tr>',
        id=clock["contact_id"], patient=clock["patient"] or "", status=clock["status"], hours=clock["hours_left"],
        pseudonym=pseudonym(clock["patient"]), tag=status_tag(clock["status"]),
        left=hours_left_text(clock["hours_left"]), day=f"Sista dag {last_day(deadline)}" if deadline else "",
        unit=unit_name(clock["unit"]), profession=profession_name(clock["profession"]),
        reason=clock["reason"] or "–", trace=trace_link(clock))


def urgent_table(urgent: Urgent, now: datetime) -> Safe:
    updated = fmt('<p class="hint list-updated">Uppdaterad kl. <span data-list-time>$time</span>.</p>',
                  time=clock_time(now))
    if not urgent.clocks:
        return fmt('<p class="body" data-empty-list>Inga kontakter är i risk eller passerade just nu.</p>$updated',
                   updated=updated)
    more = fmt('<p class="body">Visar de $shown mest brådskande av $total.</p>', shown=len(urgent.clocks),
               total=urgent.total) if urgent.total > len(urgent.clocks) else EMPTY
    return fmt(
        '<div class="table-wrap"><table class="table" data-urgent>'
        '<caption class="visually-hidden">Kontakter i risk och passerade, mest brådskande först</caption>'
        '<thead><tr><th scope="col">Patient (pseudonym)</th><th scope="col">Status</th><th scope="col">Tid kvar</th>'
        '<th scope="col">Enhet</th><th scope="col">Yrkesgrupp</th><th scope="col">Varför</th>'
        '<th scope="col">Senaste händelsen</th></tr></thead><tbody>$rows</tbody></table></div>$more$updated',
        rows=join(urgent_row(clock) for clock in urgent.clocks), more=more, updated=updated)


def live_parts(counts: dict[str, int], urgent: Urgent, now: datetime) -> Safe:
    """The parts ops.js swaps in when an alert arrives: counts and the list, each in its own container."""
    return fmt('<div data-part="counts">$counts</div><div data-part="list">$list</div>',
               counts=counts_list(counts), list=urgent_table(urgent, now))
