"""Compliance per unit and month as an accessible chart: inline SVG bars with text labels, and the same
figures as a data table. Staff see their own unit's figures, small groups too: a group under 20 assessments
is drawn with a dashed frame and says in words that it is hidden when the figures are published."""

from __future__ import annotations

from itertools import groupby

from ...service.compliance import ComplianceRow
from .html import EMPTY, Safe, fmt, join
from .swedish import FORM_GROUPS, SMALL_GROUP, month_name, profession_name, share_text, unit_name

TARGET = 0.85  # the national target the state ties money to (domain.md)
WIDTH, LABEL_X, BAR_X, BAR_W = 900, 16, 330, 360
TOP, ROW_H, SMALL_ROW_H, MONTH_H, BOTTOM = 44, 30, 48, 34, 44
VALUE_X = BAR_X + BAR_W + 12  # values in words, in a column right of 100 %


def group_label(row: ComplianceRow) -> str:
    return f"{profession_name(row.profession)}, {FORM_GROUPS.get(row.contact_form, row.contact_form).lower()}"


def value_label(row: ComplianceRow) -> str:
    share = row.internal_share
    if share is None:
        return "inga bedömningar att räkna"
    return share_text(share) + (" (under målet)" if share < TARGET else "")


def _x(share: float) -> float:
    return round(BAR_X + share * BAR_W, 1)


def _bar(row: ComplianceRow, y: float, index: int) -> Safe:
    """One group: its label, its bar (hatched when under the target, a dashed frame when under 20), and its
    value in words in a column of its own, right of 100 %, so no value crosses the target line."""
    label = fmt('<text x="$x" y="$y" class="chart-label">$text</text>', x=LABEL_X, y=y + 20, text=group_label(row))
    small = (
        fmt(
            '<text x="$x" y="$y" class="chart-muted" data-small-group>$text</text>',
            x=LABEL_X + 12,
            y=y + 40,
            text=SMALL_GROUP.capitalize(),
        )
        if row.hidden
        else EMPTY
    )
    share = row.internal_share
    if share is None:
        return fmt(
            '$label<text x="$x" y="$y" class="chart-muted">$text</text>$small',
            label=label,
            x=VALUE_X,
            y=y + 20,
            text=value_label(row),
            small=small,
        )
    fill = f"url(#streck-{index})" if share < TARGET else "#1d70b8"
    # A small group: paler, in a dashed dark frame, and the words under its label.
    frame = (
        ' stroke="#0b0c0c" stroke-width="2" stroke-dasharray="4 3" fill-opacity="0.45"'
        if row.hidden
        else ' stroke="#1d70b8" stroke-width="1.5"'
    )
    width = max(1.0, round(share * BAR_W, 1))
    return fmt(
        '$label<rect x="$x" y="$y" width="$w" height="20" fill="$fill"'
        + frame
        + ' data-group="$group"/><text x="$tx" y="$ty" class="chart-value">$text</text>$small',
        label=label,
        x=BAR_X,
        y=y + 5,
        w=width,
        fill=fill,
        tx=VALUE_X,
        ty=y + 20,
        text=value_label(row),
        group="small" if row.hidden else "published",
        small=small,
    )


def chart(unit: str, rows: list[ComplianceRow], index: int) -> Safe:
    """A horizontal bar per group, grouped by month; a dashed line marks the 85 % target."""
    parts, y = [], TOP
    for month, in_month in groupby(rows, key=lambda r: r.month):
        parts.append(fmt('<text x="0" y="$y" class="chart-month">$text</text>', y=y + 22, text=month_name(month)))
        y += MONTH_H
        for row in in_month:
            parts.append(_bar(row, y, index))
            y += SMALL_ROW_H if row.hidden else ROW_H
    height = y + BOTTOM
    grid = join(
        fmt(
            '<line x1="$x" y1="$top" x2="$x" y2="$bottom" class="chart-grid"/>'
            '<text x="$x" y="$label_y" text-anchor="middle" class="chart-axis">$text</text>',
            x=_x(share),
            top=TOP - 6,
            bottom=y + 4,
            label_y=y + 28,
            text=f"{int(share * 100)} %",
        )
        for share in (0, 0.25, 0.5, 0.75, 1)
    )
    target = fmt(
        '<line x1="$x" y1="$top" x2="$x" y2="$bottom" class="chart-target"/>'
        '<text x="$x" y="$label_y" text-anchor="middle" class="chart-target-label">Mål $share</text>',
        x=_x(TARGET),
        top=TOP - 14,
        bottom=y + 4,
        label_y=TOP - 20,
        share=f"{round(TARGET * 100)} %",
    )
    small = sum(r.hidden for r in rows)
    summary = (
        f"{len(rows)} {'grupp' if len(rows) == 1 else 'grupper'} med andel inom vårdgarantin. "
        f"{small} {'grupp har' if small == 1 else 'grupper har'} färre än 20 bedömningar: de visas här för "
        "enhetens personal, med streckad ram, men döljs när siffrorna publiceras. "
        "Målet 85 procent är en streckad linje; staplar under målet är randiga. "
        "Samma siffror finns i tabellen under diagrammet."
    )
    return fmt(
        '<figure class="chart"><svg class="chart-svg" viewBox="0 0 $width $height" width="$width" height="$height" '
        'role="img" aria-labelledby="diagram-$i-titel diagram-$i-beskrivning" data-chart="$unit">'
        '<title id="diagram-$i-titel">Andel bedömningar inom vårdgarantin per månad, $name</title>'
        '<desc id="diagram-$i-beskrivning">$summary</desc>'
        '<defs><pattern id="streck-$i" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#1d70b8" stroke-width="4"/></pattern></defs>'
        "$grid$target$bars</svg>"
        '<figcaption class="chart-caption">Andel medicinska bedömningar inom vårdgarantin, $name. '
        "Randig stapel: under målet 85 %. Streckad ram: färre än 20 bedömningar, döljs vid publicering."
        "</figcaption></figure>",
        width=WIDTH,
        height=height,
        i=index,
        unit=unit,
        name=unit_name(unit),
        summary=summary,
        grid=grid,
        target=target,
        bars=join(parts),
    )


def table(unit: str, rows: list[ComplianceRow]) -> Safe:
    """The chart's figures as a table, one row per month, profession and contact form."""
    body = []
    for row in rows:
        keys = fmt(
            '<tr data-month="$month" data-unit="$unit" data-profession="$profession" data-form="$form"$small>'
            '<th scope="row" class="cell">$month_name</th><td class="cell">$profession_name</td>'
            '<td class="cell">$form_name</td>',
            month=row.month,
            unit=row.unit,
            profession=row.profession,
            form=row.contact_form,
            small=Safe(" data-small-group") if row.hidden else EMPTY,
            month_name=month_name(row.month),
            profession_name=profession_name(row.profession),
            form_name=FORM_GROUPS.get(row.contact_form, row.contact_form),
        )
        figures = fmt(
            '<td class="cell numeric">$n</td><td class="cell numeric">$within</td>'
            '<td class="cell numeric">$chosen</td><td class="cell numeric" data-share>$share</td>'
            '<td class="cell$muted" data-publication>$published</td></tr>',
            n=row.assessments,
            within=row.within_guarantee,
            chosen=row.patient_chosen_wait,
            share=share_text(row.internal_share),
            muted=" cell-muted" if row.hidden else "",
            published="Döljs: färre än 20" if row.hidden else "Visas",
        )
        body.append(Safe(keys + figures))
    return fmt(
        '<div class="table-wrap"><table class="table" data-compliance-table="$unit">'
        '<caption class="table-caption">Uppfyllnad per månad, yrkesgrupp och kontaktform, $name</caption>'
        '<thead><tr><th scope="col">Månad</th><th scope="col">Yrkesgrupp</th><th scope="col">Kontaktform</th>'
        '<th scope="col" class="numeric">Bedömningar</th><th scope="col" class="numeric">Inom vårdgarantin</th>'
        '<th scope="col" class="numeric">Patientvald väntan</th>'
        '<th scope="col" class="numeric">Andel inom vårdgarantin</th><th scope="col">Vid publicering</th></tr></thead>'
        "<tbody>$body</tbody></table></div>",
        unit=unit,
        name=unit_name(unit),
        body=join(body),
    )
