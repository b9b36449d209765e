"""The reception triage console from start to end, against real triage and booking processes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.async_api import expect

from nara.shared.clock import STOCKHOLM
from nara.triage.adapters.guideline_files import load_guidelines

STREP_ANSWERS = {
    "airway": "Nej",
    "abscess_signs": "Nej",
    "sepsis_signs": "Nej",
    "fever": "Ja",
    "non_blanching_rash": "Nej",
    "new_confusion": "Nej",
    "stiff_neck": "Nej",
    "immunosuppressed": "Nej",
    "cannot_drink": "Nej",
    "cough": "Nej",
    "tender_glands": "Ja",
    "tonsil_coating": "Nej",
    "days": "3",
}
OVERRIDE_REASON = "Tredje halsinfektionen i år, läkaren vill se patienten."


async def test_reception_triages_a_phone_contact_from_start_to_end(
    desk, steps, triage_console, booking_service, console_guidelines
):
    page = desk
    await page.goto("/console")
    await expect(page).to_have_url(re.compile(r"/console/logga-in"))
    await expect(page).to_have_title("Logga in – Nära triagekonsol")
    assert await page.get_attribute("html", "lang") == "sv"
    await steps.shot(page, "01-login")
    await steps.log_in(page)
    await steps.shot(page, "02-queue")

    # Register a phone call.
    patient = steps.new_personnummer()
    registered_at = datetime.now(STOCKHOLM)
    contact_id = await steps.register(page, patient)
    await expect(page.get_by_role("alert")).to_contain_text("Kontakten är registrerad")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Frågor: Ont i halsen")

    # Red-flag questions (the reason's own and the shared ones) come first and are marked, although the guideline
    # file lists the reason's own last.
    reason = load_guidelines(console_guidelines).reason("sore_throat")
    own_flagged = [q.id for q in reason.questions if q.id in reason.compiled.red_flag_questions]
    assert [q.id for q in reason.questions][-len(own_flagged) :] == own_flagged
    shown = await page.locator("[data-question]").evaluate_all(
        "blocks => blocks.map(b => [b.dataset.question, b.dataset.redFlag === 'true', b.innerText])"
    )
    flags = [flagged for _, flagged, _ in shown]
    assert flags == sorted(flags, reverse=True) and set(own_flagged) <= {q for q, f, _ in shown if f}
    assert {q for q, f, _ in shown if f} <= reason.compiled.red_flag_questions
    assert all("Varningstecken" in text for _, flagged, text in shown if flagged)
    assert not any("Varningstecken" in text for _, flagged, text in shown if not flagged)
    await expect(page.get_by_role("heading", name="Varningstecken – fråga först")).to_be_visible()
    await steps.shot(page, "03-questions")

    # The decision and the reasons behind it.
    await steps.answer(page, STREP_ANSWERS)
    await page.get_by_role("button", name="Triagera").click()
    await page.wait_for_url(re.compile(rf"/console/kontakter/{contact_id}\?klart=triagerad"))
    decision = page.locator("section.decision")
    await expect(decision).to_contain_text("Inom 3 dagar")
    await expect(decision).to_contain_text("Sjuksköterska (alternativ: Läkare)")
    await expect(decision).to_contain_text("Feber, ingen hosta och ömma lymfkörtlar")
    await expect(decision).to_contain_text(f"Riktlinjeversion{load_guidelines(console_guidelines).version}")
    await expect(decision).to_contain_text("Ett snabbtest visar om antibiotika kan hjälpa")
    await expect(decision.locator(".rule-deciding")).to_contain_text("Feber, ingen hosta och ömma lymfkörtlar")
    await expect(page.locator(".summary-list").first).to_contain_text(
        f"bedöm senast {steps.guarantee_last_day(registered_at)}"
    )
    await steps.shot(page, "04-decision")

    # The queue shows the contact as the guarantee monitor's clock has it: no time booked yet, and the hours left.
    await page.get_by_role("link", name="Kö", exact=True).click()
    row = page.locator(f"tr[data-contact-id='{contact_id}']")
    await expect(row.locator("[data-source=monitor]")).to_be_visible(timeout=25_000)  # the queue refreshes itself
    await expect(row).to_contain_text("Ej bokad")
    await expect(row).to_contain_text("Grön")
    await expect(row.locator("[data-listing=unknown]")).to_have_text("Listning okänd")  # a phone call: not known
    hours = steps.hours_left_now(registered_at)
    shown_hours = int(re.search(r"(\d+) timmar kvar", await row.inner_text())[1])
    assert abs(shown_hours - hours) <= 1, (shown_hours, hours)
    await row.get_by_role("link").click()

    # An override needs a written reason.
    await page.get_by_role("button", name="Avvik från riktlinjerna").click()
    await page.get_by_label("Yrkesgrupp").select_option(label="Läkare")
    await page.get_by_role("button", name="Spara avvikelsen").click()
    await expect(page).to_have_title(re.compile(r"^Fel: Avvik från riktlinjerna"))
    summary_link = page.locator(".error-summary a")
    await expect(summary_link).to_have_text("En avvikelse från riktlinjerna måste ha en skriven motivering.")
    await steps.shot(page, "05-override-error")
    await summary_link.click()
    await expect(page.get_by_label("Motivering (krävs)")).to_be_focused()
    await expect(page.get_by_label("Yrkesgrupp")).to_have_value("doctor")  # what was chosen is kept
    await page.get_by_label("Motivering (krävs)").fill(OVERRIDE_REASON)
    await page.get_by_role("button", name="Spara avvikelsen").click()
    await expect(page.get_by_role("alert")).to_contain_text("Avvikelsen är sparad")
    await expect(decision.locator(".inset-warning")).to_contain_text(OVERRIDE_REASON)
    await expect(decision).to_contain_text("YrkesgruppLäkare")
    await expect(decision).to_contain_text("Feber, ingen hosta och ömma lymfkörtlar")  # the guideline's reasons stay

    # Book a time on the patient's behalf: tid i handen.
    await page.get_by_role("button", name="Boka tid åt patienten").click()
    await _until_booking_knows_the_decision(page)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Boka tid åt patienten")
    slots = page.locator("input[name=tid]")
    assert await slots.count() >= 1
    labels = await page.locator(".choice").all_inner_texts()
    assert all("Läkarbesök" in text or "Videobesök hos läkare" in text for text in labels), labels
    await steps.shot(page, "06-slots")
    chosen_label = (await page.locator(".choice-label").first.inner_text()).split("Inom vårdgarantin")[0].strip()
    await slots.first.check()
    await page.get_by_role("button", name="Boka tiden").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tiden är bokad")
    await expect(page.locator(".panel-confirmation")).to_contain_text(f"Tid i handen: {chosen_label}")
    await steps.shot(page, "07-booked")
    appointment_id = re.search(r"/bokad/([0-9a-f-]+)", page.url)[1]
    booked = await steps.api(
        booking_service, "GET", f"/api/v1/appointments/{appointment_id}", steps.staff_token("reception")
    )
    assert booked.status_code == 200, booked.text
    assert booked.json()["status"] == "booked"
    assert booked.json()["contact_id"] == contact_id
    assert booked.json()["profession"] == "doctor"
    assert booked.json()["booked_by"] == "staff"

    # Back on the contact it says "Bokad" with the time, and a second time needs an explicit confirmation.
    await page.get_by_role("button", name="Tillbaka till kontakten").click()
    await expect(page.locator(".summary-list").first).to_contain_text(f"StatusBokad {chosen_label.split('–')[0]}")
    await expect(page.locator(f"[data-booked='{appointment_id}']")).to_contain_text(chosen_label)
    await expect(page.locator("ul.actions a").first).to_have_text("Registrera medicinsk bedömning")
    await page.get_by_role("button", name="Boka en tid till").click()
    await _until_booking_knows_the_decision(page)
    await expect(page.locator("#redan-bokad")).to_contain_text("Patienten har redan en bokad tid")
    await expect(page.locator("#redan-bokad")).to_contain_text(chosen_label)
    await page.locator("input[name=tid]").first.check()
    await page.get_by_role("button", name="Boka en tid till").click()
    await expect(page.locator(".error-summary")).to_contain_text("Bekräfta att patienten ska ha en tid till")
    await steps.shot(page, "07b-second-booking-needs-confirmation")
    second = await steps.api(booking_service, "GET", "/api/v1/appointments", steps.staff_token("reception"))
    assert [a["id"] for a in second.json() if a["contact_id"] == contact_id and a["status"] == "booked"] == [
        appointment_id
    ]  # nothing was booked without the confirmation

    # The queue says "Bokad" with the time, from the guarantee monitor's clock (which heard of it from booking).
    await page.get_by_role("link", name="Kö", exact=True).click()
    row = page.locator(f"tr[data-contact-id='{contact_id}']")
    await expect(row.locator("[data-guarantee=booked][data-source=monitor]")).to_be_visible(timeout=25_000)
    await expect(row.locator("[data-status]")).to_have_text(f"Bokad {chosen_label.split('–')[0]}")
    await steps.shot(page, "07c-queue-booked")
    await row.get_by_role("link").click()

    # Reception may not record the assessment, and the page says why.
    await page.get_by_role("button", name="Registrera medicinsk bedömning").click()
    await expect(page.locator("#behorighet")).to_contain_text("Du är inloggad med rollen Reception")
    assert await page.get_by_role("button", name="Registrera bedömningen").count() == 0
    await steps.shot(page, "08-assessment-refused")

    # A clinician records the assessment.
    await steps.log_out(page)
    await steps.log_in(page, role="Legitimerad personal", hsa_id=steps.CLINICIAN)
    await page.locator(f"#oppna-{contact_id}").click()
    await page.get_by_role("button", name="Registrera medicinsk bedömning").click()
    await expect(page.get_by_label("Läkare", exact=True)).to_be_checked()  # the decision's profession
    await page.get_by_label("Telefon", exact=True).check()
    await steps.shot(page, "09-assessment")
    await page.get_by_role("button", name="Registrera bedömningen").click()
    await expect(page.get_by_role("alert")).to_contain_text("Den medicinska bedömningen är registrerad")
    await expect(page.locator(".summary-list").first).to_contain_text("StatusBedömd")
    await steps.shot(page, "10-assessed")
    stored = await steps.api(
        triage_console, "GET", f"/api/v1/contacts/{contact_id}", steps.staff_token("clinician", hsa_id=steps.CLINICIAN)
    )
    assert stored.json()["status"] == "assessed"
    assert stored.json()["triage_history"][-1]["override_reason"] == OVERRIDE_REASON
    await page.get_by_role("link", name="Kö", exact=True).click()
    await expect(page.locator(f"tr[data-contact-id='{contact_id}']")).to_have_count(0)


async def _until_booking_knows_the_decision(page, attempts: int = 20) -> None:
    """Booking reads the decision from Kafka; the console says so and offers to try again."""
    for _ in range(attempts):
        if await page.get_by_role("heading", name="Bokningen har inte fått beslutet än").count() == 0:
            return
        await page.get_by_role("button", name="Försök igen").click()
    raise AssertionError("booking never received the triage decision")


async def test_the_queue_shows_the_guarantee_left_most_urgent_first_and_updates_itself(desk, steps, triage_console):
    unit = steps.FYLLINGE  # only this test uses Fyllinge, so its queue holds only these contacts
    now = datetime.now(STOCKHOLM)
    breached = await steps.register_by_api(triage_console, unit, sought_at=now - timedelta(days=5))
    at_risk = await steps.register_by_api(triage_console, unit, sought_at=now - timedelta(days=3))
    on_track = await steps.register_by_api(triage_console, unit)
    red = await steps.register_by_api(triage_console, unit)
    triaged = await steps.api(
        triage_console,
        "POST",
        f"/api/v1/contacts/{red['id']}/triage",
        steps.staff_token("reception", [unit]),
        json={"answers": {"sepsis_signs": True}},
    )
    assert triaged.json()["decision"]["urgency"] == "red"

    await steps.log_in(desk, units=[unit])
    rows = desk.locator("tr[data-contact-id]")
    # The guarantee monitor's clocks arrive by Kafka; the queue refreshes itself every 10 s until it shows them.
    await expect(desk.locator("tr[data-contact-id] [data-source=monitor]")).to_have_count(4, timeout=30_000)
    assert await rows.evaluate_all("rows => rows.map(r => r.dataset.contactId)") == [
        red["id"],
        breached["id"],
        at_risk["id"],
        on_track["id"],
    ]
    await expect(rows.nth(0)).to_contain_text("Röd")
    await expect(rows.nth(1)).to_contain_text("Passerad")
    await expect(rows.nth(2)).to_contain_text("Bråttom")
    await expect(rows.nth(3)).to_contain_text("Ej bokad")  # the monitor counts a contact with no time as at risk
    await expect(rows.nth(1)).to_contain_text("Webben")
    await expect(desk.locator("[data-monitor=silent]")).to_have_count(0)
    await steps.shot(desk, "11-queue-states")

    # A contact that comes in while the page is open appears by itself, and is announced politely.
    arrived = await steps.register_by_api(triage_console, unit, channel="phone_unit")
    await expect(desk.locator(f"tr[data-contact-id='{arrived['id']}']")).to_be_visible(timeout=25_000)
    await expect(desk.locator("[data-queue-status]")).to_have_text("Kön är uppdaterad: 1 ny kontakt.")
    assert await desk.locator("[data-queue-status]").get_attribute("aria-live") == "polite"


async def test_staff_see_only_their_own_units(desk, steps, triage_console):
    elsewhere = await steps.register_by_api(triage_console, steps.FALKENBERG)
    await steps.log_in(desk, units=[steps.OSKARSTROM])
    await expect(desk.locator(f"tr[data-contact-id='{elsewhere['id']}']")).to_have_count(0)
    response = await desk.goto(f"/console/kontakter/{elsewhere['id']}")
    assert response.status == 404
    await expect(desk.get_by_text("Vi hittar ingen sådan kontakt.")).to_be_visible()


async def test_a_form_without_its_csrf_token_changes_nothing(desk, steps, triage_console):
    contact = await steps.register_by_api(triage_console, steps.FALKENBERG)
    await steps.log_in(desk)
    response = await desk.request.post(
        f"/console/kontakter/{contact['id']}/avsluta", form={"skal": "self_care", "csrf": "forged"}
    )
    assert response.status == 400
    assert "Formuläret har gått ut" in await response.text()
    await desk.goto(f"/console/kontakter/{contact['id']}")
    await expect(desk.locator(".summary-list").first).to_contain_text("StatusEj triagerad")


async def test_an_unreachable_booking_service_is_a_plain_swedish_page(
    desk_without_booking, steps, triage_without_booking
):
    page = desk_without_booking
    await steps.log_in(page)
    contact_id = await steps.register(page, steps.new_personnummer())
    await steps.answer(page, STREP_ANSWERS)
    await page.get_by_role("button", name="Triagera").click()
    await page.get_by_role("button", name="Boka tid åt patienten").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bokningen svarar inte just nu")
    await expect(page.get_by_text("Kontakten och triagebeslutet är sparade")).to_be_visible()
    response = await page.reload()
    assert response.status == 503
    await steps.shot(page, "12-booking-unavailable")
    assert contact_id in page.url

    # Nor does the guarantee monitor answer: the queue shows triage's own computation, and says so.
    await page.get_by_role("link", name="Kö", exact=True).click()
    await expect(page.locator("[data-monitor=silent]")).to_contain_text("Vårdgarantins övervakning svarar inte")
    row = page.locator(f"tr[data-contact-id='{contact_id}']")
    await expect(row).to_contain_text("I tid")
    await expect(row.locator("[data-source=triage]")).to_contain_text("Enligt triagens egen beräkning")


async def test_a_red_flag_answer_puts_emergency_care_first(desk, steps):
    await steps.log_in(desk)
    await steps.register(desk, steps.new_personnummer())
    await steps.answer(desk, {**STREP_ANSWERS, "sepsis_signs": "Ja"})
    await desk.get_by_role("button", name="Triagera").click()
    decision = desk.locator("section.decision")
    await expect(decision.locator(".emergency")).to_contain_text("Akut: Ring 112 nu")
    await expect(decision).to_contain_text("BrådskaRöd")
    flag = decision.locator(".rule-red_flag.rule-deciding")
    await expect(flag).to_contain_text("Varningstecken")
    await expect(flag).to_contain_text("Tecken på sepsis")
    await expect(flag.locator(".rule-sources")).to_contain_text("Källa:")
    first_action = desk.locator("ul.actions a").first
    await expect(first_action).to_have_text("Avsluta: hänvisad till akuten")
    await steps.shot(desk, "16-red-flag")
    await first_action.click()
    await expect(desk.get_by_label("Hänvisad till akutmottagningen")).to_be_checked()


async def test_the_console_works_without_javascript(browser, steps, triage_console):
    context = await browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}, base_url=triage_console
    )
    page = await context.new_page()
    try:
        await steps.log_in(page)
        contact_id = await steps.register(page, steps.new_personnummer(), channel="Besök utan tid (walk-in)")
        await steps.answer(page, STREP_ANSWERS)
        await page.get_by_role("button", name="Triagera").click()
        await expect(page.locator("section.decision")).to_contain_text("Inom 3 dagar")
        await page.get_by_role("link", name="Kö", exact=True).click()
        await page.get_by_role("link", name="Uppdatera kön").click()
        await expect(page.locator(f"tr[data-contact-id='{contact_id}']")).to_contain_text("Besök utan tid")
    finally:
        await context.close()


async def test_lowering_a_red_flag_needs_a_clinician_and_a_second_confirmation_and_stays_visible(browser, desk, steps):
    await steps.log_in(desk)
    contact_id = await steps.register(desk, steps.new_personnummer())
    await steps.answer(desk, {**STREP_ANSWERS, "sepsis_signs": "Ja"})
    await desk.get_by_role("button", name="Triagera").click()
    await desk.get_by_role("button", name="Avvik från riktlinjerna").click()
    await expect(desk.locator("#varningstecken")).to_contain_text("Tecken på sepsis")
    await desk.get_by_label("Vårdnivå").select_option(label="Inom 3 dagar")
    await desk.get_by_label("Motivering (krävs)").fill("Låter pigg i telefon.")
    await desk.get_by_role("button", name="Spara avvikelsen").click()
    await expect(desk.locator(".error-summary")).to_contain_text("Bara legitimerad vårdpersonal")
    await expect(desk.get_by_label("Motivering (krävs)")).to_have_value("Låter pigg i telefon.")
    await steps.shot(desk, "17-override-refused-for-reception")

    context = await browser.new_context(viewport={"width": 1280, "height": 800}, base_url=desk.url.split("/console")[0])
    doctor = await context.new_page()
    try:
        await steps.log_in(doctor, role="Legitimerad personal", hsa_id=steps.CLINICIAN)
        await doctor.goto(f"/console/kontakter/{contact_id}/avvikelse")
        await doctor.get_by_label("Vårdnivå").select_option(label="Inom 3 dagar")
        await doctor.get_by_label("Motivering (krävs)").fill("Bedömd i telefon av läkare: inga sepsistecken nu.")
        await doctor.get_by_role("button", name="Spara avvikelsen").click()
        confirm = doctor.get_by_label("Jag har själv bedömt varningstecknet och tar ansvar för att sänka beslutet.")
        await expect(doctor.locator(".error-summary")).to_contain_text("Bekräfta")
        await expect(confirm).not_to_be_checked()
        await steps.shot(doctor, "18-override-needs-confirmation")
        await confirm.check()
        await doctor.get_by_role("button", name="Spara avvikelsen").click()
        await expect(doctor.get_by_role("alert")).to_contain_text("Avvikelsen är sparad")
        decision = doctor.locator("section.decision")
        await expect(decision.locator("[data-override=red-flag-lowered]")).to_contain_text(
            "Varningstecken sänkt av personal"
        )
        await expect(decision).to_contain_text("Inom 3 dagar")
        await expect(decision.locator(".rule-deciding")).to_contain_text("sänkte ett beslut")
        await steps.shot(doctor, "19-override-red-flag-lowered")
    finally:
        await context.close()
