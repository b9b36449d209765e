"""Issue 17: the reasons are grouped as 1177 groups them, and the search finds a reason from the words a person
uses, small words and all ("det svider när jag kissar")."""

from __future__ import annotations

import re

import pytest

from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER, load_guidelines
from nara.triage.domain.conditions import Sex
from nara.triage.domain.reason_groups import GROUP_ORDER, GROUP_TITLES
from nara.triage.domain.reason_search import search_reasons

pytestmark = pytest.mark.unit
GUIDELINES = load_guidelines(SHIPPED_GUIDELINES_FOLDER)


def test_every_reason_but_nothing_fits_is_in_a_group_with_a_swedish_title():
    ungrouped = [code for code, reason in GUIDELINES.reasons.items() if reason.group is None]
    assert ungrouped == ["other"]
    assert set(GROUP_TITLES) == set(GROUP_ORDER)
    used = {reason.group for reason in GUIDELINES.reasons.values()} - {None}
    assert used == set(GROUP_ORDER), "every group listed has a reason"


@pytest.mark.parametrize(
    "typed", ["sveda när jag kissar", "det svider när jag kissar", "Sveda nar jag kissar", "urinvägsinfektion"]
)
def test_burning_when_passing_water_finds_the_urinary_reason_first(typed):
    found = search_reasons(GUIDELINES, typed, age=34, sex=Sex.FEMALE)
    assert found and found[0].code == "urinary", [r.code for r in found]
    assert found[0].group == "urinary_tract"


def test_small_words_alone_are_still_searched_rather_than_matching_everything():
    assert len(search_reasons(GUIDELINES, "jag", age=34, sex=Sex.FEMALE)) < len(GUIDELINES.reasons)


def test_a_word_that_says_something_must_still_match():
    assert search_reasons(GUIDELINES, "jag har zqxv", age=34, sex=Sex.FEMALE) == []


def test_no_question_asks_the_patients_sex_which_the_personnummer_gives():
    asking = re.compile(r"\b(kön|man eller kvinna|kvinna eller man|pojke eller flicka|flicka eller pojke)\b", re.I)
    questions = [*GUIDELINES.shared_questions, *(q for r in GUIDELINES.reasons.values() for q in r.questions)]
    texts = [f"{q.id}: {q.text}" for q in questions if asking.search(q.text)]
    assert texts == []
