"""Steps through the citizens' pages that several browser tests share, done the way a person does them."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import UTC, datetime, timedelta

from playwright.async_api import Locator, Page, expect

from nara.devstack.browser import axe_results, serious

MAX_REASONS_TRIED = 12
PAGES_SECRET = "browser-tests-pages-secret"  # noqa: S105 - a test process's own key, BOOKING_PAGES_SECRET there


ADMIN_HSA_ID = "SE2321000115-P000000001"


def born(days_ago: int, serial: int) -> str:
    """A child's personnummer, born `days_ago` days before today."""
    from datetime import date

    from nara.triage.demo import personnummer_for

    normalised = personnummer_for(date.today() - timedelta(days=days_ago), serial)
    return f"{normalised[:8]}-{normalised[8:]}"


async def tell_custody(triage_url: str, parent: str, child: str, name: str) -> None:
    """Tell the triage service, as an admin, that `parent` is guardian of `child` (the population register)."""
    import httpx

    from nara.shared.identity import issue_dev_token

    token = issue_dev_token("admin", ADMIN_HSA_ID, units=["SE2321000115-E00000000011"])
    async with httpx.AsyncClient(base_url=triage_url) as client:
        response = await client.post(
            "/api/v1/guardianships",
            headers={"Authorization": f"Bearer {token}"},
            json={"guardian": parent, "child": child, "child_name": name},
        )
        assert response.status_code in (200, 201), response.text


def new_personnummer() -> str:
    """A valid personnummer, random enough that no other test in the run uses it."""
    year, month, day = 1950 + random.randrange(50), random.randrange(1, 13), random.randrange(1, 29)
    body = f"{year % 100:02d}{month:02d}{day:02d}{random.randrange(1, 1000):03d}"
    digits = [int(d) * (2 - i % 2) for i, d in enumerate(body)]
    check = (10 - sum(d // 10 + d % 10 for d in digits) % 10) % 10
    return f"{year}{body[2:6]}-{body[6:]}{check}"


async def set_flow(page: Page, personnummer: str, flow: dict) -> None:
    """Put the booking flow's state in the browser as the pages would, signed with the test process's secret."""
    from nara.booking.entrypoints.pages.session import FLOW_COOKIE, sign
    from nara.shared.pseudonym import pseudonymiser_from_environment

    who = pseudonymiser_from_environment().pseudonym(personnummer)
    value = sign(PAGES_SECRET.encode(), "flow", {**flow, "who": who})
    await page.context.add_cookies([{"name": FLOW_COOKIE, "value": value, "url": page.url}])


async def log_in(page: Page, personnummer: str) -> None:
    await page.goto("/logga-in")
    await page.get_by_label("Personnummer").fill(personnummer)
    await page.get_by_role("button", name="Logga in").click()
    await expect(page.get_by_role("button", name="Logga ut")).to_be_visible()


async def answer_page(page: Page, *, yes: bool = False) -> None:
    """Answer every question on the page: yes or no, the first option, or a number in the middle of the range."""
    for group in await page.locator("fieldset").all():
        choice = group.get_by_label("Ja" if yes else "Nej", exact=True)
        if await choice.count():
            await choice.check()
        else:
            await group.locator("input[type=radio]").first.check()
    for field in await page.locator("form[action='/besvar/fragor'] input.input").all():
        hint = await page.locator(f"#{await field.get_attribute('id')}-hint").inner_text()
        low, high = (float(n) for n in re.findall(r"-?\d+(?:[.,]\d+)?", hint.replace(",", "."))[:2])
        integer = await field.get_attribute("inputmode") == "numeric"
        middle = (low + high) / 2
        await field.fill(str(int(middle)) if integer else f"{middle:.1f}".replace(".", ","))
    await page.get_by_role("button", name="Fortsätt").click()


async def answer_questions(page: Page, *, yes: bool = False) -> None:
    """Answer page after page (red flags come first) until the advice."""
    for _ in range(8):
        await page.wait_for_load_state()
        if not page.url.split("?")[0].endswith("/besvar/fragor"):
            return
        await answer_page(page, yes=yes)
    raise AssertionError("the questions never ended")


def _folded(text: str) -> str:
    """As the triage's search orders titles: case and å, ä, ö folded."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


async def check_reason(radio: Locator) -> None:
    """Check a reason on the grouped list: its group is folded until opened (a click on its summary, as a person
    does; works without JavaScript)."""
    group = radio.locator("xpath=ancestor::details[1]")
    if await group.count() and await group.get_attribute("open") is None:
        await group.locator("summary").click()
    await radio.check()


async def find_advice(page: Page, wanted: re.Pattern, *, yes: bool = False, lead: re.Pattern | None = None) -> str:
    """Try the contact reasons in turn until the advice heading (and `lead`, if given) match; the reason's title."""
    await page.goto("/besvar")
    codes = await page.locator("input[name=orsak]").evaluate_all(
        "radios => radios.map(r => [document.querySelector(`label[for='${r.id}']`).textContent.trim(), r.value])"
    )
    # Alphabetically, as the list was before it was grouped (issue 17), so the same reasons are tried first.
    codes.sort(key=lambda pair: _folded(pair[0]))
    for title, code in codes[: MAX_REASONS_TRIED * (3 if lead else 1)]:
        await page.goto("/besvar")
        await check_reason(page.locator(f"input[name=orsak][value='{code}']"))
        await page.get_by_role("button", name="Fortsätt").click()
        await page.wait_for_url("**/besvar/fragor")
        await answer_questions(page, yes=yes)
        await page.wait_for_url("**/besvar/rad")
        heading = await page.locator("h1").first.inner_text()
        if wanted.search(heading) and (lead is None or lead.search(await page.locator(".lead").inner_text())):
            return title
    raise AssertionError(f"no contact reason led to advice matching {wanted.pattern!r}")


async def describe_bookable_problem(page: Page, *, not_today: bool = True) -> str:
    """A problem whose advice is to book a time; not_today (the default), one not needed today, so that a time
    tomorrow fits whatever the hour the tests run at (a same-day time offers only today's times)."""
    lead = re.compile(r"^Boka en tid (inom 3 dagar|som passar)") if not_today else None
    return await find_advice(page, re.compile(r"^(Du|Barnet) (bör|kan) träffa en "), lead=lead)


async def choose_unit(page: Page, name: str = "Vårdcentralen Falkenberg") -> None:
    await page.get_by_role("button", name="Välj vårdcentral").click()
    await page.get_by_label(name).check()
    await page.get_by_role("button", name="Fortsätt").click()
    await expect(page.get_by_role("heading", name="Välj en tid")).to_be_visible(timeout=30_000)


async def pick_slot(
    page: Page,
    *,
    hours_ahead: float = 0,
    exclude: frozenset[str] = frozenset(),
    clinic_only: bool = True,
    other_than: str | None = None,
) -> tuple[str, str]:
    """Check a free time that starts at least `hours_ahead` from now, paging on if needed; (slot id, label).

    `other_than` skips times whose label starts as that one does (another practitioner at the same minute)."""
    earliest = datetime.now(UTC) + timedelta(hours=hours_ahead)
    while True:
        for radio in await page.locator("input[name=tid]").all():
            value, radio_id = await radio.get_attribute("value"), await radio.get_attribute("id")
            start = datetime.fromisoformat(await radio.get_attribute("data-value"))
            hint = await page.locator(f"#{radio_id}-hint").inner_text()
            if value in exclude or start < earliest or (clinic_only and "Besök på vårdcentralen" not in hint):
                continue
            label = (await page.locator(f"label[for='{radio_id}']").inner_text()).split("\n")[0]
            if other_than is not None and time_label(label) == other_than:
                continue
            await radio.check()
            return value, label
        more = page.get_by_role("link", name="Fler tider")
        if not await more.count():
            raise AssertionError("no free time fits the test's needs")
        await more.click()


def time_label(label: str) -> str:
    """The date and start of a slot label: 'tisdag 24 november kl. 08:00' from '... kl. 08:00–08:20 Inom ...'."""
    found = re.match(r"^(\w+ \d+ \w+ kl\. \d\d:\d\d)", label)
    assert found, label
    return found.group(1)


async def serious_accessibility_problems(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings on the page that are serious or critical."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in serious(await axe_results(page))
    ]


async def fits_and_is_accessible(page: Page, name: str, width: int = 390) -> None:
    """axe finds nothing serious or critical, and the page is no wider than the screen (a 390 px phone)."""
    assert await serious_accessibility_problems(page) == [], name
    scroll_width = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name} is {scroll_width} px wide on a {width} px screen"
