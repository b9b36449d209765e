"""Issue 17: the advice page's words follow from the triage decision without mixed messages, and "Ditt nästa
steg" appears only where it cannot be stale or contradict the page, never linking to the page it is on."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from nara.booking.entrypoints.pages import next_step as steps
from nara.booking.entrypoints.pages.advice_text import bookable_advice
from nara.shared.events.vocabulary import CareLevel

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CLOSED_TEXT = (
    "Vårdcentralen är stängd nu. Sök en jourmottagning (närakut) i dag, eller kontakta vårdcentralen så snart den "
    "öppnar om besvären inte blir värre. Ring 1177 om du är osäker på vart du ska vända dig."
)


def advice(level: str, alternatives: list[str] | None = None, **kwargs: Any):
    options = {"guarantee_applies": True, "is_child": False, **kwargs}
    return bookable_advice(level, "doctor", alternatives or [], **options)


def test_a_time_today_is_not_put_beside_an_assessment_within_3_days():
    words = advice(CareLevel.SAME_DAY)
    assert "i dag" in words.lead
    assert "3 dagar" not in words.heading + words.lead


def test_within_3_days_says_so_once_with_the_care_guarantee():
    words = advice(CareLevel.WITHIN_3_DAYS)
    assert words.lead.startswith("Boka en tid inom 3 dagar.")
    assert "Vårdgarantin gäller" in words.lead
    assert "i dag" not in words.heading + words.lead


def test_the_heading_names_every_profession_that_may_be_booked():
    assert advice(CareLevel.PLANNED, ["nurse"]).heading == "Du kan träffa en läkare eller sjuksköterska"
    assert advice(CareLevel.PLANNED).heading == "Du bör träffa en läkare"
    assert advice(CareLevel.PLANNED, ["nurse"], is_child=True).heading.startswith("Barnet kan träffa en läkare")


@pytest.mark.parametrize("level", [CareLevel.SAME_DAY, CareLevel.WITHIN_3_DAYS, CareLevel.PLANNED])
def test_a_bookable_level_never_says_to_call_the_unit_beside_the_booking_button(level):
    words = advice(level, turn_text="Boka en tid i dag, eller ring vårdcentralen i dag.")
    assert "ring" not in (words.heading + words.lead + words.notice).lower()


def test_the_triage_s_warning_that_the_unit_is_closed_is_kept():
    words = advice(CareLevel.SAME_DAY, turn_text=CLOSED_TEXT)
    assert words.notice == CLOSED_TEXT


def _request(path: str, upcoming: Any = None) -> Any:
    return SimpleNamespace(url=SimpleNamespace(path=path), upcoming=upcoming)


@pytest.fixture
def no_bookings(monkeypatch):
    async def none(request, pseudonym, now):
        return None

    monkeypatch.setattr(steps, "upcoming_appointment", none)
    monkeypatch.setattr(steps, "next_planned_activity", none)


BOOKABLE = {"reason": "urinary", "decision": {"care_level": "within_3_days", "profession": "doctor"}}
URGENT = {"reason": "chest_pain", "decision": {"care_level": "call_112", "heading": "Ring 112 nu"}}


@pytest.mark.parametrize("template", ["advice.html", "reasons.html", "units.html", "questions.html", "who.html"])
async def test_the_box_is_not_on_the_pages_that_are_themselves_the_next_step(template, no_bookings):
    assert await steps.step_for_page(_request("/besvar"), "p", BOOKABLE, NOW, template) is None


@pytest.mark.parametrize("template", ["advice.html", "reasons.html", "start.html", "my_times.html", "units.html"])
async def test_urgent_advice_is_on_every_page(template, no_bookings):
    step = await steps.step_for_page(_request("/besvar/rad"), "p", URGENT, NOW, template)
    assert step is not None and step.urgent and step.text == "Ring 112 nu."


async def test_the_start_page_shows_where_the_begun_problem_goes_on(no_bookings):
    step = await steps.step_for_page(_request("/"), "p", BOOKABLE, NOW, "start.html")
    assert step is not None and step.link == ("/vardcentral", "Välj vårdcentral")


async def test_a_link_never_points_at_the_page_it_is_on(no_bookings):
    on_start = await steps.step_for_page(_request("/"), "p", {}, NOW, "start.html")
    assert on_start is not None and on_start.link == ("/besvar", "Beskriv dina besvär")
    on_reasons = await steps.step_for_page(_request("/besvar"), "p", {"reason": "x"}, NOW, "my_times.html")
    assert on_reasons is not None and on_reasons.link == ("/besvar/fragor", "Fortsätt svara")
    mine = await steps.step_for_page(_request("/besvar/fragor"), "p", {"reason": "x"}, NOW, "my_times.html")
    assert mine is not None and mine.link is None


@pytest.mark.parametrize(
    ("number", "sex", "age"),
    [("198507099805", "female", 41), ("191212121212", "male", 113), ("199001612385", "female", 36)],
)
def test_sex_and_age_come_from_the_personnummer_and_a_samordningsnummer_alike(number, sex, age):
    from datetime import date

    from nara.booking.domain.patient import PatientFacts

    facts = PatientFacts.of(number, date(2026, 12, 7), by_guardian=False)
    assert (facts.sex, facts.age) == (sex, age)


def test_the_reasons_come_in_1177_s_groups_and_a_child_s_own_first_and_open():
    from nara.booking.adapters.triage_client import ContactReason
    from nara.booking.entrypoints.pages.triage_steps import CHILDREN_GROUP, grouped

    reasons = [
        ContactReason("urinary", "Urinvägsbesvär", group_title="Njurar och urinvägar"),
        ContactReason("fever_child", "Feber hos barn", 0, 17, group_title="Feber och infektioner"),
        ContactReason("common_cold", "Förkylning", group_title="Feber och infektioner"),
    ]
    order = ["Feber och infektioner", "Njurar och urinvägar"]
    adult = grouped(reasons, order, by_guardian=False, chosen="urinary")
    assert [(g.title, [o.value for o in g.options], g.open) for g in adult] == [
        ("Feber och infektioner", ["fever_child", "common_cold"], False),
        ("Njurar och urinvägar", ["urinary"], True),
    ]
    child = grouped(reasons, order, by_guardian=True, chosen=None)
    assert (child[0].title, [o.value for o in child[0].options], child[0].open) == (
        CHILDREN_GROUP,
        ["fever_child"],
        True,
    )
    assert [o.value for o in child[1].options] == ["common_cold"]


async def test_with_no_booked_time_the_start_page_names_the_next_activity_of_the_plan_as_min_vard_does(monkeypatch):
    from datetime import date

    from nara.booking.domain.patient_contract import PlanItem, PlanTiming

    planned = PlanItem.of("Lämna blodprov", "Maria Svensson", PlanTiming.ON_DAY, date(2026, 11, 30))

    async def no_time(request, pseudonym, now):
        return None

    async def the_plan(request, pseudonym, now):
        return planned

    monkeypatch.setattr(steps, "upcoming_appointment", no_time)
    monkeypatch.setattr(steps, "next_planned_activity", the_plan)

    step = await steps.step_for_page(_request("/"), "p", {}, NOW, "start.html")

    assert step is not None and step.link == ("/min-vard#plan", "Se din plan i Min vård")
    assert step.text == "Lämna blodprov (Maria Svensson): måndag 30 november."


def test_a_booked_time_that_cannot_be_changed_on_the_web_gives_the_units_phone_number():
    import uuid

    from nara.booking.domain.web_changes import WebChangeTerms

    record = SimpleNamespace(
        start_at=datetime(2026, 11, 23, 13, 0, tzinfo=UTC),
        practitioner_name="Maria Svensson",
        unit_name="Vårdcentralen Falkenberg",
        unit_address="Storgatan 1",
        contact_form="clinic",
        id=uuid.uuid4(),
    )

    text = steps.appointment_step_text(record, WebChangeTerms(None, None), "0346-85 00 00", NOW)

    assert "Kom till Vårdcentralen Falkenberg, Storgatan 1" in text
    assert "Ring vårdcentralen på 0346-85 00 00" in text
