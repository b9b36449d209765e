"""What the triage knows about the patient without asking: age in years and months, and sex.

Both come from the personnummer (birth date; the second-last digit is odd for men, even for women),
so no page asks for them. A caller that does not know them leaves them out, and every condition on
an unknown fact is read cautiously (see conditions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .conditions import MAX_AGE, Sex

# Below this age a guardian answers for the child, so questions are worded about "barnet".
GUARDIAN_ANSWERS_BELOW_AGE = 13


class Respondent(StrEnum):
    """Who answers the questions: the patient, or a guardian (vårdnadshavare) for their child."""

    SELF = "self"
    GUARDIAN = "guardian"


@dataclass(frozen=True, slots=True)
class PatientFacts:
    age: int  # whole years
    age_months: int | None = None  # whole months, when the birth date is known
    sex: Sex | None = None
    respondent: Respondent | None = None

    @property
    def answered_by_guardian(self) -> bool:
        if self.respondent is not None:
            return self.respondent is Respondent.GUARDIAN
        return self.age < GUARDIAN_ANSWERS_BELOW_AGE

    @classmethod
    def born(
        cls, birth_date: date, on: date, sex: Sex | None = None, respondent: Respondent | None = None
    ) -> PatientFacts:
        """The facts of a person born on `birth_date`, on the local date `on`."""
        months = (on.year - birth_date.year) * 12 + on.month - birth_date.month - (on.day < birth_date.day)
        months = max(0, months)
        return cls(min(months // 12, MAX_AGE), months, sex, respondent)


def sex_of_personnummer(normalised: str) -> Sex:
    """From a 12-digit personnummer: the second-last digit is odd for men and even for women."""
    return Sex.MALE if int(normalised[-2]) % 2 else Sex.FEMALE


def birth_date_of_personnummer(normalised: str) -> date:
    """From a 12-digit personnummer or samordningsnummer (day + 60)."""
    day = int(normalised[6:8])
    return date(int(normalised[:4]), int(normalised[4:6]), day - 60 if day > 60 else day)
