"""The questions a contact reason asks, whom each is asked of, and in whose words.

A question may be limited to ages (`age`), to one sex (`sex`), or to contacts where an earlier
answer makes it relevant (`asked_if`, e.g. the pregnancy week only when pregnant). A question that
a guardian answers for a young child reads `text_child` ("Har barnet ..."), never the adult wording.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from .conditions import AgeRange, AnswerCheck, AnswerCondition, FrozenModel, Sex, compile_answer_check
from .patient import PatientFacts

CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
# Words that speak to the reader as the patient; a guardian answering for a child must not read them.
SECOND_PERSON = re.compile(r"\b(du|dig|din|ditt|dina|dej)\b", re.IGNORECASE)


class Option(FrozenModel):
    value: str = Field(pattern=CODE_PATTERN)
    text: str = Field(min_length=1)
    text_child: str | None = Field(None, min_length=1)

    def text_for(self, patient: PatientFacts | None) -> str:
        return self.text_child if self.text_child and patient and patient.answered_by_guardian else self.text


class _QuestionBase(FrozenModel):
    id: str = Field(pattern=CODE_PATTERN)
    text: str = Field(min_length=1)
    text_child: str | None = Field(None, min_length=1, description="The wording when a guardian answers.")
    age: AgeRange | None = None
    sex: Sex | None = None
    asked_if: dict[str, AnswerCondition] | None = Field(None, min_length=1)
    # Shared questions only: "always" is a screen every reason asks (within its ages), "when_listed" is
    # asked by the reasons that list it among their risk factors or use it in a condition, and at the
    # ages in `always_at` by every reason too (fever in children under 5, whatever the reason).
    ask: Literal["always", "when_listed"] | None = None
    always_at: AgeRange | None = None
    asked_with: tuple[str, ...] = ()  # shared only: asked wherever these are asked, whatever their answer

    _asked_if_checks: tuple[tuple[str, AnswerCheck], ...] = PrivateAttr(default=())

    def model_post_init(self, _context: Any) -> None:
        self._asked_if_checks = tuple((q, compile_answer_check(spec)) for q, spec in (self.asked_if or {}).items())

    def applies_to(self, age: int) -> bool:
        """Whether the question is asked at this age."""
        return self.age is None or self.age.contains(age)

    def asked_of(self, patient: PatientFacts) -> bool:
        """Whether this patient is asked it at all: age, and sex when known (unknown sex: asked)."""
        return self.applies_to(patient.age) and (self.sex is None or patient.sex in (None, self.sex))

    def ruled_out_by(self, answers: dict[str, Any]) -> bool:
        """An earlier answer shows the question does not arise (an unanswered condition does not rule it out)."""
        return any(q in answers and not check(answers[q]) for q, check in self._asked_if_checks)

    def waits_for(self, answers: dict[str, Any]) -> bool:
        """It depends on an answer not given yet, so it is shown once that answer is known."""
        return any(q not in answers for q, _ in self._asked_if_checks)

    def text_for(self, patient: PatientFacts | None) -> str:
        """The wording for whoever answers: a guardian reads the child wording when there is one."""
        return self.text_child if self.text_child and patient and patient.answered_by_guardian else self.text


class YesNoQuestion(_QuestionBase):
    kind: Literal["yes_no"]


class ChoiceQuestion(_QuestionBase):
    kind: Literal["choice"]
    options: tuple[Option, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _unique_values(self) -> ChoiceQuestion:
        values = [option.value for option in self.options]
        if len(set(values)) != len(values):
            raise ValueError(f"option values repeat: {values}")
        return self

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)


class NumberQuestion(_QuestionBase):
    kind: Literal["number"]
    unit: str = Field(min_length=1)
    min: float
    max: float
    integer: bool = False

    @model_validator(mode="after")
    def _range(self) -> NumberQuestion:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min:g}) must be below max ({self.max:g})")
        return self


AnyQuestion = YesNoQuestion | ChoiceQuestion | NumberQuestion
Question = Annotated[AnyQuestion, Field(discriminator="kind")]
