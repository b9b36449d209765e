"""HTML views of contacts: urgency tags, the queue table, the contact's summary and the decision with its reasons."""

from __future__ import annotations

from ...adapters.monitor_client import Clock
from .guarantee import ShownGuarantee, guarantee_meter, shown_guarantee
from .html import Safe, fmt, join, summary_list, when
from .swedish import (
    CARE_LEVELS,
    CHANNELS,
    PROFESSIONS,
    STATUSES,
    URGENCIES,
    URGENCY_ORDER,
    clock_time,
    date_time,
    label,
    parse_time,
    unit_name,
)

EMERGENCY_LEVELS = {"call_112", "emergency_now"}


def urgency_tag(urgency: str | None) -> Safe:
    if not urgency:
        return fmt('<strong class="tag tag-untriaged">Ej triagerad</strong>')
    return fmt(
        '<strong class="tag tag-$u"><span class="swatch" aria-hidden="true"></span>$text</strong>',
        u=urgency,
        text=label(URGENCIES, urgency),
    )


def queue_order(contact: dict, shown: ShownGuarantee) -> tuple:
    """Most urgent first: red and orange, then untriaged with yellow, then the rest; least time left within each
    (by the monitor's clock where it has one)."""
    rank = URGENCY_ORDER.index(contact["urgency"]) if contact["urgency"] in URGENCY_ORDER else 2
    hours = shown.hours_left if shown.hours_left is not None else contact["guarantee_hours_left"]
    return rank, hours, contact["sought_at"]


def status_text(contact: dict, shown: ShownGuarantee) -> str:
    """The contact's status; a triaged contact with a time booked says so, with the time (the monitor's clock)."""
    if contact["status"] == "triaged" and shown.booked_start is not None:
        return f"Bokad {date_time(shown.booked_start)}"
    return label(STATUSES, contact["status"])


def queue_table(contacts: list[dict], reasons: dict[str, str], clocks: dict[str, Clock] | None) -> Safe:
    if not contacts:
        return fmt('<p class="body queue-empty" data-queue-ids="">Inga öppna kontakter just nu.</p>')
    shown = {c["id"]: shown_guarantee(c, (clocks or {}).get(c["id"])) for c in contacts}
    rows = []
    for contact in sorted(contacts, key=lambda c: queue_order(c, shown[c["id"]])):
        action = "Triagera" if contact["status"] == "open" else "Öppna"
        rows.append(
            fmt(
                '<tr class="queue-row" data-contact-id="$id"><td class="cell">$urgency</td><td class="cell">$meter</td>'
                '<td class="cell"><a class="link" id="oppna-$id" href="/console/kontakter/$id">$action'
                '<span class="visually-hidden"> kontakt för</span> <span class="nowrap">$pnr</span></a></td>'
                '<td class="cell">$reason</td><td class="cell">$channel<br><span class="hint">$unit</span></td>'
                '<td class="cell">$sought</td><td class="cell" data-status>$status</td></tr>',
                id=contact["id"],
                urgency=urgency_tag(contact["urgency"]),
                meter=guarantee_meter(contact, shown[contact["id"]]),
                action=action,
                pnr=personnummer_text(contact["personnummer"]),
                reason=reasons.get(contact["reason_code"] or "", "Ej vald"),
                channel=label(CHANNELS, contact["channel"]),
                unit=unit_name(contact["unit"]),
                sought=date_time(parse_time(contact["sought_at"])),
                status=status_text(contact, shown[contact["id"]]),
            )
        )
    ids = " ".join(c["id"] for c in contacts)
    return fmt(
        '<table class="table queue" data-queue-ids="$ids"><caption class="visually-hidden">Öppna kontakter, '
        'mest brådskande först</caption><thead><tr><th scope="col">Brådska</th><th scope="col">Vårdgaranti'
        '</th><th scope="col">Patient</th><th scope="col">Kontaktorsak</th><th scope="col">Kanal och enhet</th>'
        '<th scope="col">Sökte vård</th><th scope="col">Status</th></tr></thead><tbody>$rows</tbody></table>',
        ids=ids,
        rows=join(rows),
    )


def personnummer_text(normalised: str) -> str:
    return f"{normalised[:8]}-{normalised[8:]}" if len(normalised) == 12 else normalised


def listing_text(contact: dict) -> Safe:
    """Where the patient is listed, and what it means here; an unknown listing links to recording it."""
    if contact["listing"] == "unknown":
        action = when(
            contact["status"] in ("open", "triaged"),
            fmt(' <a class="link" href="/console/kontakter/$id/listning">Registrera listning</a>', id=contact["id"]),
        )
        return fmt(
            '<strong class="tag tag-listing" data-listing="unknown">Listning okänd</strong> '
            '<span class="hint">Kontakten omfattas av vårdgarantin tills listningen är känd.</span>$action',
            action=action,
        )
    if contact["listing"] == "elsewhere":
        return fmt(
            '$unit <span class="hint" data-listing="elsewhere">($reason: vårdgarantin gäller där)</span>',
            unit=unit_name(contact["listed_unit"]),
            reason=contact["not_covered_reason"],
        )
    return fmt('<span data-listing="here">$unit</span>', unit=unit_name(contact["listed_unit"]))


def contact_summary(contact: dict, reason_title: str, age: int, shown: ShownGuarantee) -> Safe:
    rows = [
        ("Patient", fmt("$pnr ($age år)", pnr=personnummer_text(contact["personnummer"]), age=age)),
        ("Kontaktorsak", reason_title),
        ("Kanal", label(CHANNELS, contact["channel"])),
        ("Enhet", unit_name(contact["unit"])),
        ("Listad på", listing_text(contact)),
        ("Sökte vård", date_time(parse_time(contact["sought_at"]))),
        ("Status", status_text(contact, shown)),
        ("Vårdgaranti", guarantee_meter(contact, shown, with_listing=False)),
    ]
    if contact["assessed_at"]:
        rows.append(("Bedömd", date_time(parse_time(contact["assessed_at"]))))
    if contact["closed_at"]:
        rows.append(("Avslutad", date_time(parse_time(contact["closed_at"]))))
    return summary_list(rows)


def decision_panel(entry: dict, question_texts: dict[str, str]) -> Safe:
    """The latest decision: where, how urgently, to whom, and the rules and version behind it."""
    decision = entry["decision"]
    # An override of the profession keeps the guideline's alternatives in the stored decision; show only others.
    alternatives = ", ".join(
        label(PROFESSIONS, p) for p in decision.get("alternatives") or [] if p != decision["profession"]
    )
    lowered = entry.get("lowered_red_flags") or []
    override = when(
        entry["override_reason"],
        fmt(
            '<div class="inset inset-warning" data-override="$kind"><h3 class="heading-s">$heading</h3>'
            '<p class="body">Beslutet avviker från riktlinjerna$what. Motivering: <q>$reason</q> ($who, $at)</p></div>',
            kind="red-flag-lowered" if lowered else "override",
            heading="Varningstecken sänkt av personal" if lowered else "Ändrat av personal",
            what=" och ligger under ett varningstecken" if lowered else "",
            reason=entry["override_reason"] or "",
            who=entry["decided_by"],
            at=date_time(parse_time(entry["decided_at"])),
        ),
    )
    rules = join(
        fmt(
            '<li class="rule rule-$kind$deciding">$marker<span class="rule-text">$text</span>$decides$sources</li>',
            kind=rule.get("kind", "rule"),
            deciding=" rule-deciding" if rule.get("deciding") else "",
            marker=_rule_marker(rule.get("kind", "rule")),
            text=rule["text"],
            decides=when(rule.get("deciding"), fmt(' <strong class="tag tag-deciding">Avgjorde</strong>')),
            sources=when(
                rule.get("sources"),
                fmt('<span class="rule-sources">Källa: $s</span>', s="; ".join(rule.get("sources") or [])),
            ),
        )
        for rule in decision["rules_fired"]
    )
    open_flags = set(decision.get("unanswered_red_flags") or [])
    unanswered = [question_texts.get(q, q) for q in decision.get("unanswered_questions") or [] if q not in open_flags]
    unanswered_html = join(
        [
            when(
                open_flags,
                fmt(
                    '<div class="inset inset-warning" data-unanswered-red-flags="$ids"><p class="body"><strong>Obesvarade '
                    "varningstecken ($n):</strong> $list. Beslutet räknar dem som okända och är minst så brådskande som "
                    "riktlinjerna anger för okänt. Ställ frågorna och triagera igen.</p></div>",
                    ids=" ".join(sorted(open_flags)),
                    n=len(open_flags),
                    list="; ".join(question_texts.get(q, q) for q in decision.get("unanswered_red_flags") or []),
                ),
            ),
            when(
                unanswered,
                fmt(
                    '<div class="inset"><p class="body">Andra obesvarade frågor ($n): $list.</p></div>',
                    n=len(unanswered),
                    list="; ".join(unanswered),
                ),
            ),
        ]
    )
    emergency = when(
        decision["care_level"] in EMERGENCY_LEVELS,
        fmt(
            '<div class="inset inset-warning emergency"><h3 class="heading-s">Akut: $level</h3><p class="body">$advice'
            "</p></div>",
            level=label(CARE_LEVELS, decision["care_level"]),
            advice=decision["advice"],
        ),
    )
    facts = summary_list(
        [
            ("Vårdnivå", fmt('<strong class="care-level">$l</strong>', l=label(CARE_LEVELS, decision["care_level"]))),
            ("Brådska", urgency_tag(decision["urgency"])),
            (
                "Yrkesgrupp",
                label(PROFESSIONS, decision["profession"]) + (f" (alternativ: {alternatives})" if alternatives else ""),
            ),
            ("Vårdgarantin gäller", "Ja" if decision["guarantee_applies"] else "Nej"),
            ("Riktlinjeversion", decision["guideline_version"]),
            ("Beslutat", f"{date_time(parse_time(entry['decided_at']))} av {entry['decided_by']}"),
            ("Bedömt för tidpunkten", _assumed_time(decision)),
        ]
    )
    return fmt(
        '<section class="decision" aria-labelledby="beslut-rubrik"><h2 class="heading-m" id="beslut-rubrik">'
        'Beslut</h2>$emergency$override$facts<h3 class="heading-s">Därför</h3><ul class="rules">$rules</ul>'
        '<h3 class="heading-s">Råd till patienten</h3><div class="inset advice"><p class="body">$advice</p>'
        "</div>$unanswered</section>",
        override=override,
        facts=facts,
        rules=rules,
        advice=decision["advice"],
        unanswered=unanswered_html,
        emergency=emergency,
    )


def _rule_marker(kind: str) -> Safe:
    return {
        "red_flag": fmt('<strong class="tag tag-flag">Varningstecken</strong> '),
        "unanswered_red_flag": fmt('<strong class="tag tag-flag">Okänt varningstecken</strong> '),
        "override": fmt('<strong class="tag tag-override">Avvikelse</strong> '),
    }.get(kind, fmt('<strong class="tag tag-rule">Regel</strong> '))


def _assumed_time(decision: dict) -> str:
    """The moment the decision was made for (time of day changes where the patient is sent)."""
    assumed = decision.get("assumed_time")
    if not assumed:
        return "Okänd"
    open_now = "vårdcentralens öppettid" if decision.get("office_hours") else "utanför vårdcentralens öppettid"
    return f"{date_time(parse_time(assumed))} ({open_now})"


def slot_label(slot: dict) -> str:
    """E.g. 'tisdag 24 november kl. 09.00–09.20'."""
    return f"{date_time(parse_time(slot['start']))}–{clock_time(parse_time(slot['end']))}"
