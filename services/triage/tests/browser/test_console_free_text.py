"""Free text typed in the console never carries a personnummer (issue 13, finding 3): the page says why beside the
field, keeps what was typed, and saves and books nothing."""

from __future__ import annotations

from booking_support import STREP_THROAT_ANSWERS as STREP
from playwright.async_api import expect

TYPED = "Mamman ringde, hennes personnummer är 19121212-1212"
MESSAGE = "Skriv inte personnummer i fritext"


async def _until_booking_knows_the_decision(page, attempts: int = 20) -> None:
    for _ in range(attempts):
        if await page.get_by_role("heading", name="Bokningen har inte fått beslutet än").count() == 0:
            return
        await page.get_by_role("button", name="Försök igen").click()
    raise AssertionError("booking never received the triage decision")


async def test_a_personnummer_in_the_override_reason_or_the_visits_reason_is_refused_beside_the_field(
    desk, steps, triage_console, booking_service
):
    """Finding 3: a staff override reason went out in contact.triaged.v1 with the personnummer typed into it, and the
    visit's reason typed when booking goes to booking's events. Both are refused where they are typed."""
    page = desk
    contact = await steps.register_by_api(triage_console, steps.FALKENBERG, channel="phone_unit")
    token = steps.staff_token("reception")
    triaged = await steps.api(
        triage_console, "POST", f"/api/v1/contacts/{contact['id']}/triage", token, json={"answers": STREP}
    )
    assert triaged.status_code == 200, triaged.text
    await steps.log_in(page)

    await page.goto(f"/console/kontakter/{contact['id']}/avvikelse")
    await page.get_by_label("Yrkesgrupp").select_option(label="Läkare")
    await page.get_by_label("Motivering (krävs)").fill(TYPED)
    await page.get_by_role("button", name="Spara avvikelsen").click()
    await expect(page.locator("#motivering-fel")).to_contain_text(MESSAGE)
    await expect(page.locator(".error-summary a")).to_contain_text(MESSAGE)
    await expect(page.get_by_label("Motivering (krävs)")).to_have_value(TYPED)
    await steps.shot(page, "13-override-personnummer")
    stored = await steps.api(triage_console, "GET", f"/api/v1/contacts/{contact['id']}", token)
    assert [entry["override_reason"] for entry in stored.json()["triage_history"]] == [None]

    await page.goto(f"/console/kontakter/{contact['id']}/boka")
    await _until_booking_knows_the_decision(page)
    await page.locator("input[name=tid]").first.check()
    await page.get_by_label("Vad gäller besöket?").fill(TYPED)
    await page.get_by_role("button", name="Boka tiden").click()
    await expect(page.locator("#anledning-fel")).to_contain_text(MESSAGE)
    await expect(page.get_by_label("Vad gäller besöket?")).to_have_value(TYPED)
    await steps.shot(page, "13-booking-reason-personnummer")
    booked = await steps.api(
        booking_service, "GET", "/api/v1/appointments", token, params={"contact_id": contact["id"]}
    )
    assert [a for a in booked.json() if a["contact_id"] == contact["id"]] == []
