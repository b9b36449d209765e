"""Who the care is for, as the triage needs to know it: age (in months for infants) and sex from the
personnummer, and whether a guardian answers for them. Nobody is asked for these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class PatientFacts:
    age: int
    age_months: int
    sex: str  # "female" or "male"
    by_guardian: bool

    @classmethod
    def of(cls, personnummer: str, today: date, *, by_guardian: bool) -> PatientFacts:
        """From a 12-digit personnummer (a samordningsnummer has 60 added to the day)."""
        day = int(personnummer[6:8])
        born = date(int(personnummer[:4]), int(personnummer[4:6]), day - 60 if day > 60 else day)
        months = max(0, (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day))
        return cls(months // 12, months, "male" if int(personnummer[-2]) % 2 else "female", by_guardian)

    def as_params(self) -> dict[str, Any]:
        return {
            "age": self.age,
            "age_months": self.age_months,
            "sex": self.sex,
            "respondent": "guardian" if self.by_guardian else "self",
        }
