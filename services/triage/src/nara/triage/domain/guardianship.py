"""Who may act for whom: a citizen for themselves, and a guardian (vårdnadshavare) for their child under 18."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .patient import PatientFacts, Respondent, birth_date_of_personnummer, sex_of_personnummer

MAJORITY_AGE = 18


class NotYourChild(PermissionError):
    """The citizen asked to act for someone who is not their child under 18."""


@dataclass(frozen=True)
class Ward:
    """A child the citizen is guardian of, as the population register says."""

    personnummer: str
    name: str | None

    @property
    def birth_date(self) -> date:
        return birth_date_of_personnummer(self.personnummer)

    def facts(self, today: date) -> PatientFacts:
        return PatientFacts.born(self.birth_date, today, sex_of_personnummer(self.personnummer), Respondent.GUARDIAN)

    def is_minor(self, today: date) -> bool:
        return self.facts(today).age < MAJORITY_AGE


def minors(wards: list[Ward], today: date) -> list[Ward]:
    """The children a guardian may still act for: custody ends at 18."""
    return [ward for ward in wards if ward.is_minor(today)]


def ensure_may_act_for(citizen: str, patient: str, wards: list[Ward], today: date) -> Respondent:
    """The citizen acts for themselves, or as guardian of the patient; NotYourChild otherwise."""
    if patient == citizen:
        return Respondent.SELF
    if any(ward.personnummer == patient for ward in minors(wards, today)):
        return Respondent.GUARDIAN
    raise NotYourChild("Du kan bara söka vård för dig själv eller för ditt barn under 18 år.")
