"""How a plan's activities are said on the citizen's pages: 'Vecka 50 (7–13 december)', 'När det passar dig'."""

from __future__ import annotations

from datetime import date, timedelta

from nara.shared.web.swedish import MONTHS, WEEKDAYS

from ...domain.patient_contract import PlanItem, PlanTiming


def day_text(day: date) -> str:
    """'måndag 7 december'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def plan_when(item: PlanItem) -> str:
    """'måndag 7 december', 'vecka 50 (7–13 december)' or 'när det passar dig'."""
    if item.timing is PlanTiming.WHEN_SUITS or item.day is None:
        return "När det passar dig"
    if item.timing is PlanTiming.IN_WEEK:
        sunday = item.day + timedelta(days=6)
        first = f"{item.day.day}" if item.day.month == sunday.month else f"{item.day.day} {MONTHS[item.day.month - 1]}"
        return f"Vecka {item.day.isocalendar().week} ({first}–{sunday.day} {MONTHS[sunday.month - 1]})"
    return day_text(item.day)[:1].upper() + day_text(item.day)[1:]


def activity_sentence(item: PlanItem) -> str:
    """'Fysioterapi, träningsprogram (Johan Berg): vecka 50 (7–13 december).'"""
    who = f" ({item.who})" if item.who else ""
    return f"{item.what}{who}: {plan_when(item).lower()}."
