"""The operations page in a real browser: the most urgent contacts first, counts by status, the compliance
chart and its table, and the list changing live when the monitor raises or resolves an alert."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.async_api import expect

ORDER = ["breached_long", "breached", "cancelled", "unbooked", "booked_late"]
HOURS = {
    "breached_long": (-48, -24),
    "breached": (-24, 0),
    "cancelled": (0, 24),
    "unbooked": (24, 48),
    "booked_late": (48, 72),
}
PROFESSION_NAMES = {
    "doctor": "Läkare",
    "nurse": "Sjuksköterska",
    "physiotherapist": "Fysioterapeut",
    "psychologist": "Psykolog",
}


def hours_shown(text: str) -> float:
    """The hours a row says, e.g. '12,5 timmar kvar' or 'Passerad för 3,1 timmar sedan' (negative)."""
    match = re.search(r"(Passerad för )?(\d+,\d) timmar (kvar|sedan)", text)
    assert match, f"no hours left in {text!r}"
    value = float(match[2].replace(",", "."))
    return -value if match[1] else value


async def test_the_most_urgent_contacts_come_first_with_hours_left_reason_unit_and_trace(desk, ops, world, monitor):
    page = desk
    await page.goto("/ops")
    await expect(page).to_have_url(re.compile(r"/ops/logga-in"))  # no login, no data
    await ops.log_in(page)
    await expect(page).to_have_title("Vårdgarantin – Nära drift")

    rows = await ops.urgent_rows(page)
    by_patient = {row["patient"]: row for row in rows}
    ours = [by_patient.get(world.contacts[name].patient) for name in ORDER]
    assert all(ours), "every at-risk and breached contact of this run is listed"
    assert [rows.index(row) for row in ours] == sorted(rows.index(row) for row in ours)
    assert [row["hours"] for row in rows] == sorted(row["hours"] for row in rows), "least time left first"
    shown = {row["patient"] for row in rows}
    for name in ("assessed", "on_track"):
        assert world.contacts[name].patient not in shown

    for name, row in zip(ORDER, ours, strict=True):
        contact = world.contacts[name]
        low, high = HOURS[name]
        assert low - 0.2 <= hours_shown(row["text"]) <= high + 0.2, (name, row["text"])
        assert ("Passerad" if world.expected[name] == "breached" else "Risk") in row["text"]
        assert world.reasons[name] in row["text"]
        assert "Vårdcentralen Fyllinge" in row["text"]
        assert PROFESSION_NAMES[world.professions[name]] in row["text"]
        assert row["title"] == contact.patient and row["shown"] == contact.patient[:10] + "…"
        expected_trace = ops.TRACE_TEMPLATE.format(trace_id=contact.trace_id) if contact.trace_id else None
        assert row["trace"] == expected_trace, name
    assert "Ingen spårning" in ours[0]["text"]
    last_day = world.contacts["cancelled"].sought_at.astimezone(ops.STOCKHOLM).date() + timedelta(days=3)
    assert (
        f"Sista dag {ops.WEEKDAYS[last_day.weekday()]} {last_day.day} {ops.MONTHS[last_day.month - 1]}"
        in ours[2]["text"]
    )

    counts = await ops.page_counts(page)
    assert counts == await ops.status_counts(monitor), "the counts by status agree with the monitor's clocks"
    labels = await page.locator(".counts .count-label").all_inner_texts()
    assert [label.strip() for label in labels] == list(ops.STATUS_LABELS.values())
    assert counts["breached"] >= 2 and counts["at_risk"] >= 3 and counts["assessed"] >= 26
    await ops.shot(page, "overview")
    await ops.shot(page, "overview-full", full_page=True)


async def test_the_compliance_chart_and_its_table_show_the_units_own_figures_and_mark_small_groups(
    desk, ops, world, monitor
):
    page = desk
    await ops.log_in(page)
    href = await page.get_by_role("link", name="Ladda ner uppfyllnaden som CSV-fil").get_attribute("href")
    since = re.search(r"from=([^&]+)", href)[1]
    from urllib.parse import unquote

    report = (
        await ops.api_get(monitor, "/api/v1/compliance", **{"from": unquote(since), "include_small_groups": "true"})
    ).json()

    table = page.locator(f"table[data-compliance-table='{ops.FYLLINGE}']")
    await expect(table.locator("caption")).to_contain_text("Vårdcentralen Fyllinge")
    assert await table.locator("thead th[scope=col]").count() == 8
    rows = table.locator("tbody tr")
    assert await rows.count() == len(report["rows"])
    for expected in report["rows"]:
        row = table.locator(
            f"tr[data-month='{expected['month']}'][data-profession='{expected['profession']}']"
            f"[data-form='{expected['contact_form']}']"
        )
        await expect(row.locator("th[scope=row]")).to_have_text(ops.month_name(expected["month"]))
        await expect(row.locator("td[data-share]")).to_have_text(
            ops.share_text(expected["share"]) if expected["share"] is not None else "–"
        )
        await expect(row.locator("td[data-publication]")).to_have_text(
            "Döljs: färre än 20" if expected["hidden"] else "Visas"
        )

    ours = table.locator(f"tr[data-month='{world.compliance_month}'][data-profession='nurse'][data-form='distance']")
    await expect(ours.locator("td[data-share]")).to_have_text("83,3 %")
    await expect(ours.locator("td[data-publication]")).to_have_text("Visas")
    month, profession, form = world.hidden_group
    small = table.locator(f"tr[data-month='{month}'][data-profession='{profession}'][data-form='{form}']")
    await expect(small.locator("td[data-share]")).to_have_text("100,0 %")  # staff see their own small group
    await expect(small.locator("td[data-publication]")).to_have_text("Döljs: färre än 20")

    chart = page.locator(f"svg[data-chart='{ops.FYLLINGE}']")
    await expect(chart).to_have_attribute("role", "img")
    await expect(chart).to_have_accessible_name(re.compile("Andel bedömningar inom vårdgarantin.*Fyllinge"))
    with_share = [r for r in report["rows"] if r["share"] is not None]
    assert await chart.locator("rect[stroke]").count() == len(with_share), "one bar per group"
    assert await chart.locator("rect[data-group='small']").count() == sum(r["hidden"] for r in with_share)
    assert await chart.locator("rect[data-group='small']").first.get_attribute("stroke-dasharray") == "4 3"
    labels = await chart.locator("text").all_text_contents()
    assert "83,3 % (under målet)" in labels, "the bar says its value in words"
    assert labels.count("Färre än 20: döljs vid publicering") == sum(r["hidden"] for r in report["rows"])
    assert "Mål 85 %" in labels
    await chart.locator("text", has_text="83,3 %").evaluate("bar => bar.scrollIntoView({block: 'center'})")
    await ops.shot(page, "compliance")


async def test_the_list_changes_live_when_a_contact_is_assessed_and_when_a_new_one_breaches(
    desk, ops, world, monitor, kafka_bootstrap
):
    page = desk
    waiting = world.open_contact(ops.Contact(datetime.now(UTC) - timedelta(days=2)))  # at risk, 48-hour alert raised
    await ops.publish(kafka_bootstrap, waiting, waiting.registered(), waiting.triaged("nurse"))
    await ops.wait_until(lambda: ops.settled(monitor, waiting, "at_risk"), what="the waiting contact")
    await ops.log_in(page)
    stream_state = page.locator("[data-stream-state]")
    await expect(stream_state).to_have_text("Listan och antalen uppdateras direkt när något ändras.")
    await page.evaluate("() => { window.samePage = true; }")
    row = page.locator(f"tr[data-patient='{waiting.patient}']")
    await expect(row).to_have_count(1)
    before = await ops.page_counts(page)

    # Its assessment resolves the at-risk alert; the stream brings it, and the row leaves the list.
    await ops.publish(kafka_bootstrap, waiting, waiting.assessed(datetime.now(UTC) - timedelta(minutes=1)))
    await expect(row).to_have_count(0, timeout=20_000)  # the page polls only once a minute: this is the stream
    await expect(page.locator("[data-live-status]")).to_have_text("Listan är uppdaterad: 1 kontakt har lämnat listan.")
    after = await ops.page_counts(page)
    assert (after["at_risk"], after["assessed"]) == (before["at_risk"] - 1, before["assessed"] + 1)

    # A contact registered four days ago has breached already: its alerts arrive, and it appears in order.
    late = world.open_contact(ops.Contact(datetime.now(UTC) - timedelta(days=4)))
    await ops.publish(kafka_bootstrap, late, late.registered(), late.triaged("district_nurse"))
    new_row = page.locator(f"tr[data-patient='{late.patient}']")
    await expect(new_row).to_have_count(1, timeout=20_000)
    await expect(new_row).to_contain_text("Passerad")
    await expect(new_row).to_contain_text("Distriktssköterska")
    await expect(page.locator("[data-live-status]")).to_have_text("Listan är uppdaterad: 1 ny kontakt.")
    rows = [r["patient"] for r in await ops.urgent_rows(page)]
    assert (
        rows.index(world.contacts["breached_long"].patient)
        < rows.index(late.patient)
        < rows.index(world.contacts["cancelled"].patient)
    )
    assert (await ops.page_counts(page))["breached"] == after["breached"] + 1
    assert await page.evaluate("() => window.samePage === true"), "no reload"
    await page.locator("#risk-rubrik").evaluate("heading => heading.scrollIntoView({block: 'start'})")
    await ops.shot(page, "live")


async def test_the_page_works_without_javascript(plain_desk, ops, world):
    page = plain_desk
    await ops.log_in(page)
    rows = await ops.urgent_rows(page)
    assert world.contacts["breached"].patient in {r["patient"] for r in rows}
    await expect(page.locator("[data-stream-state]")).to_be_hidden()
    await page.get_by_role("link", name="Uppdatera listan").click()
    await expect(page).to_have_url(re.compile(r"/ops#risk-rubrik$"))
    await expect(page.locator(f"tr[data-patient='{world.contacts['breached'].patient}']")).to_have_count(1)
    await page.get_by_role("button", name="Logga ut").click()
    await expect(page.get_by_text("Du är utloggad.")).to_be_visible()
    await page.goto("/ops")
    await expect(page).to_have_url(re.compile(r"/ops/logga-in"))


async def test_staff_see_only_their_own_units(desk, ops, world):
    page = desk
    await ops.log_in(page, units=(ops.FALKENBERG,))
    shown = {row["patient"] for row in await ops.urgent_rows(page)}
    assert not shown & {contact.patient for contact in world.contacts.values()}
    assert await page.locator(f"[data-compliance-table='{ops.FYLLINGE}']").count() == 0
    assert all(row["patient"].startswith("p_") for row in await ops.urgent_rows(page)), "pseudonyms only"
