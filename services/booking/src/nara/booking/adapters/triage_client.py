"""The triage service's public API (contract.md), as the citizens' pages need it.

Every call forwards the citizen's own bearer token. A triage service that does not answer, or
answers with a server error, raises TriageUnavailable; a refusal (4xx) raises TriageRefused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from ..domain.patient import PatientFacts

DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
IDENTITIES_PER_CALL = 200  # the most the triage service answers at once


class TriageUnavailable(Exception):
    """The triage service could not be reached or failed; try again later."""


class TriageRefused(Exception):
    """The triage service refused the request (4xx); `status` and `detail` say how."""

    def __init__(self, status: int, detail: str):
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class ContactReason:
    code: str
    title: str
    min_age: int | None = None
    max_age: int | None = None
    title_child: str | None = None
    sex: str | None = None
    group_title: str | None = None  # as 1177 groups them, e.g. "Njurar och urinvägar"; None for "other"

    def applies_to(self, age: int, sex: str | None = None) -> bool:
        return (
            (self.min_age is None or age >= self.min_age)
            and (self.max_age is None or age <= self.max_age)
            and (self.sex is None or sex in (None, self.sex))
        )

    def title_for(self, by_guardian: bool) -> str:
        return self.title_child if by_guardian and self.title_child else self.title


@dataclass(frozen=True)
class Child:
    """A child under 18 the logged-in citizen is guardian of, as the triage service was told."""

    personnummer: str
    name: str | None
    age: int
    age_months: int | None
    sex: str | None


@dataclass(frozen=True)
class Guidelines:
    version: str
    reasons: list[ContactReason]
    group_titles: list[str] = field(default_factory=list)  # the groups' order on the page, as 1177 lists them


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    kind: str  # yes_no, choice or number
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, text)
    unit: str = ""
    min: float | None = None
    max: float | None = None
    integer: bool = False
    min_age: int | None = None
    max_age: int | None = None
    red_flag: bool = False
    asked_if: dict[str, Any] = field(default_factory=dict)  # shown once these earlier answers are given
    shared: bool = False  # a risk factor or screen every reason shares: answered once, kept across reasons

    def applies_to(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)

    def follows(self, answers: dict[str, Any], unknown: set[str]) -> bool | None:
        """For a follow-up: True if the earlier answers call for it, False if they rule it out, None if not yet
        answered. "Vet inte" (unknown) calls for it: the follow-up may settle the red flag."""
        verdict: bool | None = True
        for question_id, expected in self.asked_if.items():
            if question_id in unknown:
                continue
            if question_id not in answers:
                verdict = None
                continue
            if not _meets(answers[question_id], expected):
                return False
        return verdict


@dataclass(frozen=True)
class ReasonQuestions:
    code: str
    title: str
    questions: list[Question]


@dataclass(frozen=True)
class Decision:
    urgency: str
    care_level: str
    profession: str
    alternatives: list[str]
    guarantee_applies: bool
    guideline_version: str
    rules_fired: list[str]  # the texts a person reads
    advice: str
    deciding_kind: str = "rule"  # red_flag, unanswered_red_flag, rule or override
    deciding_text: str = ""
    heading: str = ""  # where to turn, for the page's heading
    turn_text: str = ""
    phone: str | None = None
    care_advice: str = ""
    unanswered_red_flags: list[str] = field(default_factory=list)
    assumed_time: str = ""

    @property
    def red_flag_decided(self) -> bool:
        return self.deciding_kind in ("red_flag", "unanswered_red_flag")

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


class TriageClient:
    """One short-lived HTTP connection per call, so the pages need no start-up or shutdown hooks."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ):
        self.base_url = base_url.rstrip("/")
        self._transport = transport
        self._timeout = timeout

    async def guidelines(
        self, token: str, *, query: str = "", age: int | None = None, sex: str | None = None
    ) -> Guidelines:
        """The reasons in force; with `query`, those whose title or synonyms match, best first."""
        params = {k: v for k, v in {"q": query.strip() or None, "age": age, "sex": sex}.items() if v is not None}
        body = await self._call("GET", f"/api/v1/guidelines{_query(params)}", token)
        reasons = body.get("reasons") or body.get("contact_reasons") or []
        if isinstance(reasons, dict):
            reasons = [{"code": code, **value} for code, value in reasons.items()]
        return Guidelines(
            str(body.get("version") or body.get("guideline_version") or ""),
            [_reason(item) for item in reasons if isinstance(item, dict) and item.get("code")],
            [str(g["title"]) for g in body.get("groups") or [] if isinstance(g, dict) and g.get("title")],
        )

    async def reason(self, token: str, code: str, patient: PatientFacts | None = None) -> ReasonQuestions:
        """The reason's questions; given the patient, only those asked of them, worded for whoever answers."""
        params = patient.as_params() if patient else {}
        body = await self._call("GET", f"/api/v1/guidelines/reasons/{quote(code, safe='')}{_query(params)}", token)
        body = body.get("reason", body) if isinstance(body.get("reason"), dict) else body
        return ReasonQuestions(
            str(body.get("code", code)),
            str(body.get("title") or code),
            [_question(item) for item in body.get("questions") or [] if isinstance(item, dict)],
        )

    async def evaluate(
        self, token: str, *, reason_code: str, answers: dict[str, Any], patient: PatientFacts, channel: str = "web"
    ) -> Decision:
        body = await self._call(
            "POST",
            "/api/v1/triage/evaluate",
            token,
            {"reason_code": reason_code, "answers": answers, "channel": channel, **patient.as_params()},
        )
        return _decision(body)

    async def children(self, token: str) -> list[Child]:
        """The citizen's children under 18 (custody is checked by the triage service on every call too)."""
        body = await self._call("GET", "/api/v1/guardianships/mine", token)
        return [
            Child(str(c["personnummer"]), c.get("name"), int(c["age"]), c.get("age_months"), c.get("sex"))
            for c in body.get("children") or []
            if isinstance(c, dict) and c.get("personnummer")
        ]

    async def register_contact(
        self,
        token: str,
        *,
        patient: str,
        unit: str,
        reason_code: str,  # patient: personnummer
        channel: str = "web",
    ) -> str:
        """Register the contact (the guarantee clock starts) and give its id."""
        # A unit's web booking serves the citizens listed there; a regional deployment would look the listing up.
        body = await self._call(
            "POST",
            "/api/v1/contacts",
            token,
            {"patient": patient, "unit": unit, "channel": channel, "reason_code": reason_code, "listed_unit": unit},
        )
        contact = _object_in(body, "contact")
        contact_id = contact.get("contact_id") or contact.get("id")
        if not contact_id:
            raise TriageUnavailable("the triage service registered a contact but gave no id")
        return str(contact_id)

    async def triage_contact(self, token: str, contact_id: str, answers: dict[str, Any]) -> Decision:
        body = await self._call("POST", f"/api/v1/contacts/{contact_id}/triage", token, {"answers": answers})
        return _decision(body)

    async def identities(self, token: str, pseudonyms: list[str], *, purpose: str) -> dict[str, str]:
        """The personnummer (12 digits) of each pseudonym the staff member may see; the triage service access-logs
        each one it answers, for `purpose` (what they are shown in). Unknown pseudonyms are absent."""
        found: dict[str, str] = {}
        for first in range(0, len(pseudonyms), IDENTITIES_PER_CALL):
            body = await self._call(
                "POST",
                "/api/v1/patients/identities",
                token,
                {"pseudonyms": pseudonyms[first : first + IDENTITIES_PER_CALL], "purpose": purpose},
            )
            found.update(
                (str(item["pseudonym"]), str(item["personnummer"]))
                for item in body.get("identities") or []
                if isinstance(item, dict) and item.get("pseudonym") and item.get("personnummer")
            )
        return found

    async def _call(self, method: str, path: str, token: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(
                base_url=self.base_url, transport=self._transport, timeout=self._timeout
            ) as client:
                response = await client.request(
                    method, path, json=payload, headers={"Authorization": f"Bearer {token}"}
                )
        except httpx.HTTPError as error:
            raise TriageUnavailable(f"{method} {path}: {type(error).__name__}") from error
        if response.status_code >= 500:
            raise TriageUnavailable(f"{method} {path}: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise TriageUnavailable(f"{method} {path}: the answer was not JSON") from None
        if response.status_code >= 400:
            detail = body.get("detail") if isinstance(body, dict) else None
            raise TriageRefused(response.status_code, detail if isinstance(detail, str) else str(detail or ""))
        if not isinstance(body, dict):
            raise TriageUnavailable(f"{method} {path}: the answer was not a JSON object")
        return body


def _age_range(item: dict[str, Any]) -> tuple[int | None, int | None]:
    age = item.get("age")
    if isinstance(age, dict):
        return age.get("min"), age.get("max")
    return item.get("min_age"), item.get("max_age")


def _reason(item: dict[str, Any]) -> ContactReason:
    low, high = _age_range(item)
    return ContactReason(
        str(item["code"]),
        str(item.get("title") or item.get("name") or item["code"]),
        low,
        high,
        item.get("title_child"),
        item.get("sex"),
        item.get("group_title"),
    )


def _question(item: dict[str, Any]) -> Question:
    options = [
        (str(o.get("value")), str(o.get("text") or o.get("label") or o.get("value")))
        for o in item.get("options") or []
        if isinstance(o, dict)
    ]
    low, high = _age_range(item)
    return Question(
        str(item["id"]),
        str(item.get("text") or item["id"]),
        str(item.get("kind") or "yes_no"),
        options,
        str(item.get("unit") or ""),
        item.get("min"),
        item.get("max"),
        bool(item.get("integer")),
        low,
        high,
        bool(item.get("red_flag")),
        dict(item.get("asked_if") or {}),
        bool(item.get("shared")),
    )


def _decision(body: dict[str, Any]) -> Decision:
    data = _object_in(body, "decision")
    fired = [r for r in data.get("rules_fired") or [] if isinstance(r, dict)]
    deciding = next((r for r in fired if r.get("deciding")), {})
    turn = _object_in(data, "where_to_turn", otherwise={})
    try:
        return Decision(
            urgency=str(data.get("urgency") or ""),
            care_level=str(data["care_level"]),
            profession=str(data["profession"]),
            alternatives=[str(p) for p in data.get("alternatives") or []],
            guarantee_applies=bool(data.get("guarantee_applies")),
            guideline_version=str(data.get("guideline_version") or ""),
            rules_fired=[str(r.get("text")) if isinstance(r, dict) else str(r) for r in data.get("rules_fired") or []],
            advice=str(data.get("advice") or ""),
            deciding_kind=str(deciding.get("kind") or "rule"),
            deciding_text=str(deciding.get("text") or ""),
            heading=str(turn.get("heading") or ""),
            turn_text=str(turn.get("text") or ""),
            phone=turn.get("phone"),
            care_advice=str(data.get("care_advice") or ""),
            unanswered_red_flags=[str(q) for q in data.get("unanswered_red_flags") or []],
            assumed_time=str(data.get("assumed_time") or ""),
        )
    except KeyError as missing:
        raise TriageUnavailable(f"the triage decision lacks {missing}") from None


def _object_in(body: dict[str, Any], name: str, otherwise: dict[str, Any] | None = None) -> dict[str, Any]:
    """The object under `name`, or `otherwise` (the body itself): the triage service's answers nest or not."""
    inner = body.get(name)
    return inner if isinstance(inner, dict) else body if otherwise is None else otherwise


def _query(params: dict[str, Any]) -> str:
    return f"?{urlencode(params)}" if params else ""


def _meets(answer: Any, expected: Any) -> bool:
    """An earlier answer against a follow-up's condition (the guideline's own condition language)."""
    if isinstance(expected, bool):
        return answer is expected
    if isinstance(expected, str):
        return bool(answer == expected)
    if isinstance(expected, list):
        return answer in expected
    if isinstance(expected, dict) and isinstance(answer, int | float) and not isinstance(answer, bool):
        low, below = expected.get("at_least"), expected.get("below")
        return (low is None or answer >= low) and (below is None or answer < below)
    return False
