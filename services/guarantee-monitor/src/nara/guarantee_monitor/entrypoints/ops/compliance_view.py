"""Compliance per unit on /ops: the month's "0" and "3" side by side, then the chart and table per group."""

from __future__ import annotations

from ...service.compliance import MINIMUM_GROUP, ComplianceRow, SameDayRow
from .chart import chart, table
from .html import EMPTY, Safe, fmt, join
from .swedish import SMALL_GROUP, month_name, profession_name, share_text, unit_name


def _figure(part: int, whole: int, share: float | None, kind: str, group_size: int) -> Safe:
    """E.g. '20 av 24 (83,3 %)', marked when the group is under 20 and so hidden when published."""
    if whole == 0:
        return fmt('<td class="cell numeric cell-muted" data-$kind>–</td>', kind=kind)
    small = (
        fmt('<span class="cell-note" data-small-group>$text</span>', text=SMALL_GROUP)
        if group_size < MINIMUM_GROUP
        else EMPTY
    )
    return fmt(
        '<td class="cell numeric" data-$kind="$share_value">$part av $whole ($share)$small</td>',
        kind=kind,
        share_value="" if share is None else share,
        part=part,
        whole=whole,
        share=share_text(share),
        small=small,
    )


def month_summary(unit: str, rows: list[ComplianceRow], same_day: list[SameDayRow]) -> Safe:
    """Per month: the share assessed within 3 days (all groups) beside the share of phone contacts given
    contact the same day (the "0" of 0-3-90-90)."""
    months = sorted({r.month for r in rows} | {r.month for r in same_day})
    zero = {r.month: r for r in same_day}
    body = []
    for month in months:
        groups = [r for r in rows if r.month == month]
        assessments = sum(r.assessments for r in groups)
        counted = assessments - sum(r.patient_chosen_wait for r in groups)
        within = sum(r.within_guarantee for r in groups)
        phone = zero.get(month)
        body.append(
            fmt(
                '<tr data-month="$month"><th scope="row" class="cell">$name</th>$three$zero</tr>',
                month=month,
                name=month_name(month),
                three=_figure(
                    within, counted, round(within / counted, 4) if counted > 0 else None, "three", assessments
                ),
                zero=_figure(phone.same_day, phone.phone_contacts, phone.internal_share, "zero", phone.phone_contacts)
                if phone
                else _figure(0, 0, None, "zero", 0),
            )
        )
    return fmt(
        '<div class="table-wrap"><table class="table" data-month-summary="$unit">'
        '<caption class="table-caption">0 och 3 per månad, $name</caption>'
        '<thead><tr><th scope="col">Månad</th>'
        '<th scope="col" class="numeric">Medicinsk bedömning inom 3 dagar</th>'
        '<th scope="col" class="numeric">Kontakt samma dag (telefon)</th></tr></thead>'
        "<tbody>$body</tbody></table></div>",
        unit=unit,
        name=unit_name(unit),
        body=join(body),
    )


def compliance_section(rows: list[ComplianceRow], same_day: list[SameDayRow]) -> Safe:
    """Per unit: a heading, the month summary, the chart, then its table."""
    if not rows and not same_day:
        return fmt(
            '<p class="body" data-no-compliance>Inga medicinska bedömningar eller telefonkontakter är '
            "registrerade på dina enheter de senaste tolv månaderna.</p>"
        )
    by_unit: dict[str, list[ComplianceRow]] = {r.unit: [] for r in same_day}
    for row in rows:
        by_unit.setdefault(row.unit, []).append(row)
    sections = []
    for index, unit in enumerate(sorted(by_unit, key=unit_name)):
        unit_rows = sorted(by_unit[unit], key=lambda r: (r.month, profession_name(r.profession), r.contact_form))
        groups = (
            fmt("$chart$table", chart=chart(unit, unit_rows, index), table=table(unit, unit_rows))
            if unit_rows
            else EMPTY
        )
        sections.append(
            fmt(
                '<section class="unit-compliance" aria-labelledby="uppfyllnad-$i">'
                '<h3 class="heading-s" id="uppfyllnad-$i">$name</h3>$summary$groups</section>',
                i=index,
                name=unit_name(unit),
                summary=month_summary(unit, unit_rows, [r for r in same_day if r.unit == unit]),
                groups=groups,
            )
        )
    return join(sections)
