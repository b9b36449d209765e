"""Every number on /ops agrees with GET /api/v1/clocks, and an assessment is counted as soon as the monitor has
it (issue 12, finding 5: "Bedömd 0" two minutes after two assessments were recorded)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.async_api import expect


async def agreeing_counts(page, ops, monitor):
    """The page's counts once they agree with the API's (other test runs may publish meanwhile)."""

    async def agree():
        shown = await ops.page_counts(page)
        return shown if shown == await ops.status_counts(monitor) else None

    return await ops.wait_until(agree, seconds=30, what="the page's counts to agree with the API")


async def test_two_assessments_of_console_contacts_are_counted_on_ops_at_once(
    desk, ops, world, monitor, kafka_bootstrap
):
    page = desk
    # Registered as the console registers a phone contact: no listed unit, so the listing is unknown.
    contacts = [
        world.open_contact(ops.Contact(datetime.now(UTC) - timedelta(hours=2), listing_known=False)) for _ in range(2)
    ]
    for contact in contacts:
        await ops.publish(kafka_bootstrap, contact, contact.registered(), contact.triaged("nurse"))
    for contact in contacts:
        await ops.wait_until(lambda c=contact: ops.settled(monitor, c, "at_risk"), what="a contact at risk")
    await ops.log_in(page)
    await page.evaluate("() => { window.samePage = true; }")
    before = await agreeing_counts(page, ops, monitor)
    for contact in contacts:
        row = page.locator(f"tr[data-patient='{contact.patient}']")
        await expect(row).to_contain_text("Listning okänd")  # covered, on the list, and flagged for staff
    await expect(page.locator("[data-count-listing-unknown]")).to_have_text(
        str(await ops.listing_unknown_count(monitor))
    )

    for contact in contacts:
        await ops.publish(kafka_bootstrap, contact, contact.assessed(datetime.now(UTC) - timedelta(minutes=1)))

    await expect(page.locator("[data-count='assessed']")).not_to_have_text(str(before["assessed"]), timeout=20_000)
    after = await agreeing_counts(page, ops, monitor)
    assert after["assessed"] >= before["assessed"] + 2, "both assessments are counted"
    # Assessed, they have no listing left to resolve: the flag's count is of open contacts, as the API's.
    await expect(page.locator("[data-count-listing-unknown]")).to_have_text(
        str(await ops.listing_unknown_count(monitor))
    )
    for contact in contacts:
        await expect(page.locator(f"tr[data-patient='{contact.patient}']")).to_have_count(0)
        assert (await ops.clock(monitor, contact))["status"] == "assessed"
    assert await page.evaluate("() => window.samePage === true"), "counted without a reload"

    await page.reload()
    assert await agreeing_counts(page, ops, monitor) == await ops.status_counts(monitor)
    await ops.shot(page, "counts")
