"""The citizen's red-flag path in a real browser (issue findings 1, 2, 3 and 10): one Ja to a red-flag question
goes straight to the 112 page, an error keeps every answer, an infant with fever is sent to emergency care, and
a parent triages and books for their child."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

ADULT_WORDS = re.compile(r"\b(du|dig|din|ditt|dina)\b", re.IGNORECASE)


async def choose_reason(page: Page, code: str, search: str) -> None:
    await page.goto(f"/besvar?sok={search}")
    await page.locator(f"input[name=orsak][value={code}]").check()
    await page.get_by_role("button", name="Fortsätt").click()
    await page.wait_for_url("**/besvar/fragor")


def group_with(page: Page, words: str):
    return page.locator("fieldset").filter(has=page.locator("legend", has_text=re.compile(words, re.IGNORECASE)))


async def test_one_ja_to_a_red_flag_question_goes_straight_to_the_112_page(phone, citizen, helpers):
    page = phone
    await helpers.log_in(page, citizen)
    await choose_reason(page, "chest_pain", "bröst")
    await expect(page.locator(".caption")).to_have_text("Viktiga frågor först")
    breathless = group_with(page, "andnöd|andas")
    await breathless.first.get_by_label("Ja", exact=True).check()
    await page.screenshot(path="/tmp/red-flag-first-page.png", full_page=True)

    await page.get_by_role("button", name="Fortsätt").click()

    await page.wait_for_url("**/besvar/rad")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ring 112 nu")
    await expect(page.get_by_role("link", name="Ring 112")).to_have_attribute("href", "tel:112")
    await page.screenshot(path="/tmp/red-flag-112.png", full_page=True)


async def test_an_error_keeps_every_answer_given(phone, citizen, helpers):
    page = phone
    await helpers.log_in(page, citizen)
    await choose_reason(page, "cough_fever", "hosta")
    for _ in range(4):  # through the red-flag pages, answering no, until a page asks for a number
        if await page.locator("form[action='/besvar/fragor'] input.input").count():
            break
        await helpers.answer_page(page)
        await page.wait_for_load_state()
    number = page.locator("form[action='/besvar/fragor'] input.input").first
    radios = page.locator("form[action='/besvar/fragor'] fieldset")
    for group in await radios.all():
        no = group.get_by_label("Nej", exact=True)
        await (no if await no.count() else group.locator("input[type=radio]").first).check()
    checked_before = await page.locator("input[type=radio]:checked").evaluate_all("rs => rs.map(r => r.id)")
    await number.fill("två")

    await page.get_by_role("button", name="Fortsätt").click()

    await expect(page.locator(".error-summary")).to_contain_text("Skriv svaret med siffror")
    await expect(number).to_have_value("två")
    checked_after = await page.locator("input[type=radio]:checked").evaluate_all("rs => rs.map(r => r.id)")
    assert checked_after == checked_before and checked_before, "no answer is cleared by an error"
    await page.screenshot(path="/tmp/error-keeps-answers.png", full_page=True)


async def test_a_parent_gets_emergency_care_for_an_infant_with_fever(phone, citizen, helpers, triage_service):
    page = phone
    baby = helpers.born(60, 742)
    await helpers.tell_custody(triage_service, citizen, baby, "Alva")
    await helpers.log_in(page, citizen)
    await page.goto("/besvar")
    await expect(page.get_by_role("heading", name="Vem gäller besöket?")).to_be_visible()
    await page.get_by_label(re.compile(r"^Alva, (1|2) månad")).check()
    await page.get_by_role("button", name="Fortsätt").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Vad gäller besöket för Alva?")
    await expect(page.locator("label", has_text="Feber hos barn")).to_be_visible()

    await choose_reason(page, "cough_fever", "hosta")
    legends = await page.locator("legend").all_inner_texts()
    assert legends and not [text for text in legends if ADULT_WORDS.search(text)], legends
    await group_with(page, "feber").first.get_by_label("Ja", exact=True).check()
    await page.screenshot(path="/tmp/infant-fever-questions.png", full_page=True)
    await page.get_by_role("button", name="Fortsätt").click()
    await helpers.answer_questions(page)

    await page.wait_for_url("**/besvar/rad")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Åk till en akutmottagning nu")
    await expect(page.locator("main")).to_contain_text("yngre än 3 månader")
    await page.screenshot(path="/tmp/infant-fever-advice.png", full_page=True)


async def test_a_parent_triages_and_books_for_their_child(phone, citizen, helpers, triage_service):
    page = phone
    child = helpers.born(4 * 365 + 30, 753)
    await helpers.tell_custody(triage_service, citizen, child, "Vidar")
    await helpers.log_in(page, citizen)
    await page.goto("/besvar/vem")
    await page.get_by_label(re.compile(r"^Vidar, 4 år")).check()
    await page.get_by_role("button", name="Fortsätt").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Vad gäller besöket för Vidar?")

    title = await helpers.describe_bookable_problem(page)
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Barnet (bör|kan) träffa en "))
    await helpers.choose_unit(page)
    await helpers.pick_slot(page, hours_ahead=26)
    await page.get_by_role("button", name="Fortsätt").click()
    await page.get_by_role("button", name="Bekräfta bokningen").click()
    await expect(page.locator(".success-banner")).to_have_text("Din tid är bokad")
    await page.get_by_role("link", name="Mina tider").first.click()
    await expect(page.locator(".cards").first).to_contain_text("För Vidar")
    await page.screenshot(path="/tmp/child-booked.png", full_page=True)
    assert title
