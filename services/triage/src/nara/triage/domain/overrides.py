"""Staff departing from the guidelines' decision (avvikelse), and what it may never hide.

Any override needs a written reason and recomputes what follows from the new level: where to turn,
the advice, the profession and whether the care guarantee applies. Lowering a level that a red flag
raised (or would raise, while one of its questions is unanswered) needs a licensed clinician, a reason
and a second, explicit confirmation; the decision and the contact are marked so it is never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from nara.shared.events.vocabulary import CareLevel, Profession, Urgency

from .content_checks import LEVELS_OF_COLOUR
from .engine import CARE_LEVEL_RANK, RED_FLAG_KINDS, URGENCY_RANK, Decision, FiredRule, WhereToTurnView
from .guidelines import OfficeHours
from .routing import where_to_turn

# The colour a care level takes when staff change only the level.
COLOUR_OF_LEVEL = {
    CareLevel.CALL_112: Urgency.RED,
    CareLevel.EMERGENCY_NOW: Urgency.ORANGE,
    CareLevel.WITHIN_HOURS: Urgency.ORANGE,
    CareLevel.SAME_DAY: Urgency.YELLOW,
    CareLevel.WITHIN_3_DAYS: Urgency.GREEN,
    CareLevel.PLANNED: Urgency.BLUE,
    CareLevel.SELF_CARE: Urgency.BLUE,
}
OUTSIDE_THE_GUARANTEE = {CareLevel.SELF_CARE, CareLevel.PLANNED}
COLOUR_WORDS = {
    Urgency.RED: "röd",
    Urgency.ORANGE: "orange",
    Urgency.YELLOW: "gul",
    Urgency.GREEN: "grön",
    Urgency.BLUE: "blå",
}
LEVEL_WORDS = {
    CareLevel.CALL_112: "ring 112",
    CareLevel.EMERGENCY_NOW: "akutmottagning nu",
    CareLevel.WITHIN_HOURS: "inom några timmar",
    CareLevel.SAME_DAY: "i dag",
    CareLevel.WITHIN_3_DAYS: "inom 3 dagar",
    CareLevel.PLANNED: "planerad vård",
    CareLevel.SELF_CARE: "egenvård",
}
EMERGENCY_LEVELS = {CareLevel.CALL_112, CareLevel.EMERGENCY_NOW}


class OverrideProblem(StrEnum):
    NO_REASON = "no_reason"
    NOTHING_CHANGED = "nothing_changed"
    COLOUR_DOES_NOT_FIT = "colour_does_not_fit"
    NEEDS_CLINICIAN = "needs_clinician"
    NEEDS_CONFIRMATION = "needs_confirmation"


class OverrideRefused(ValueError):
    """Why the override cannot be made as asked; `message` is Swedish, for the person overriding."""

    def __init__(self, problem: OverrideProblem, message: str, flags: tuple[FiredRule, ...] = ()) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message
        self.flags = flags


@dataclass(frozen=True)
class Override:
    reason: str
    urgency: Urgency | None = None
    care_level: CareLevel | None = None
    profession: Profession | None = None
    confirm_lowering_red_flag: bool = False


@dataclass(frozen=True)
class Overridden:
    decision: Decision
    lowered_red_flags: tuple[str, ...]  # the red flags (rule ids) whose level the override went below


def lowered_flags(decision: Decision, level: CareLevel, urgency: Urgency) -> tuple[FiredRule, ...]:
    """The red flags of the decision that the given level or colour would go below."""
    return tuple(
        f
        for f in decision.rules_fired
        if f.kind in RED_FLAG_KINDS
        and (CARE_LEVEL_RANK[level] > CARE_LEVEL_RANK[f.care_level] or URGENCY_RANK[urgency] > URGENCY_RANK[f.urgency])
    )


def apply_override(
    decision: Decision, override: Override, *, by_clinician: bool, at: datetime, office_hours: OfficeHours
) -> Overridden:
    """The decision as staff changed it, with everything that follows from the new level recomputed."""
    reason = override.reason.strip()
    if not reason:
        raise OverrideRefused(
            OverrideProblem.NO_REASON, "En avvikelse från riktlinjerna måste ha en skriven motivering."
        )
    if override.care_level is None and override.urgency is None and override.profession is None:
        raise OverrideRefused(
            OverrideProblem.NOTHING_CHANGED, "Ange vad du ändrar: vårdnivå, brådska eller yrkesgrupp."
        )
    level = CareLevel(override.care_level or decision.care_level)
    urgency = (
        Urgency(override.urgency)
        if override.urgency
        else (decision.urgency if level in LEVELS_OF_COLOUR[decision.urgency] else COLOUR_OF_LEVEL[level])
    )
    if level not in LEVELS_OF_COLOUR[urgency]:
        raise OverrideRefused(
            OverrideProblem.COLOUR_DOES_NOT_FIT,
            f"Brådskan {COLOUR_WORDS[urgency]} passar inte vårdnivån {LEVEL_WORDS[level]}. "
            "Ändra båda så att de hör ihop, eller låt brådskan följa vårdnivån.",
        )
    below = lowered_flags(decision, level, urgency)
    if below and not by_clinician:
        raise OverrideRefused(
            OverrideProblem.NEEDS_CLINICIAN,
            "Ett varningstecken har höjt beslutet. Bara legitimerad vårdpersonal (rollen clinician) kan sänka det.",
            below,
        )
    if below and not override.confirm_lowering_red_flag:
        raise OverrideRefused(
            OverrideProblem.NEEDS_CONFIRMATION,
            "Du sänker ett beslut som ett varningstecken "
            "har höjt. Bekräfta att du har bedömt varningstecknet och tar ansvar för beslutet.",
            below,
        )
    if override.profession:
        profession = Profession(override.profession)
    elif level in EMERGENCY_LEVELS and level != decision.care_level:
        profession = Profession.DOCTOR  # sent to emergency care by staff: a doctor meets the patient there
    else:
        profession = decision.profession
    same_level = level == decision.care_level
    turn = where_to_turn(
        level,
        decision.channel,
        datetime.fromisoformat(decision.assumed_time),
        office_hours,
        about_child=decision.patient.answered_by_guardian,
    )
    care_advice = decision.care_advice if same_level else ""
    marker = FiredRule(
        rule_id="override",
        kind="override",
        deciding=True,
        urgency=urgency,
        care_level=level,
        text="Personalen avvek från riktlinjerna"
        + (" och sänkte ett beslut som ett varningstecken hade höjt." if below else "."),
    )
    return Overridden(
        decision.model_copy(
            update={
                "urgency": urgency,
                "care_level": level,
                "profession": profession,
                "alternatives": decision.alternatives if same_level and profession == decision.profession else (),
                "guarantee_applies": decision.guarantee_applies if same_level else level not in OUTSIDE_THE_GUARANTEE,
                "rules_fired": (*(f.model_copy(update={"deciding": False}) for f in decision.rules_fired), marker),
                "deciding_rule": "override",
                "where_to_turn": WhereToTurnView(heading=turn.heading, text=turn.text, phone=turn.phone),
                "care_advice": care_advice,
                "advice": f"{turn.text} {care_advice}".strip(),
                "retts_colour": urgency if decision.retts_colour is not None else None,
            }
        ),
        tuple(f.rule_id for f in below),
    )
