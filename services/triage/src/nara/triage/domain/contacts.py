"""A contact's rules: who may register, triage, override, assess and close it, and what each needs."""

from __future__ import annotations

from datetime import datetime, timedelta

from nara.shared.events.vocabulary import CareLevel, Profession, Urgency
from nara.shared.free_text import PersonnummerInText, no_personnummer
from nara.shared.web.fields import LONG_TEXT, no_control_characters

from .overrides import Override


class ContactRefused(Exception):
    """`message` is for people (Swedish); `status` for HTTP; `code` names the problem for pages that react to it."""

    def __init__(self, status: int, message: str, code: str | None = None, errors: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.errors = errors  # one entry per problem where there are many (a file's rows), for the problem details


CITIZEN_CHANNELS = {"web", "e_service"}
STAFF_CHANNELS = {"phone_1177", "phone_unit", "reception", "walk_in", "e_service", "emergency_department", "web"}
CLOSE_REASONS = {"self_care", "withdrawn", "emergency_department", "duplicate"}
# Licensed professions that make a medical assessment (domain.md, "What counts as a medical assessment").
ASSESSING_PROFESSIONS = {
    "doctor",
    "nurse",
    "district_nurse",
    "physiotherapist",
    "occupational_therapist",
    "psychologist",
    "counsellor",
    "midwife",
}
CONTACT_FORMS = {"clinic", "home", "phone", "video", "chat_letter"}
OVERRIDABLE = {"urgency", "care_level", "profession"}
OVERRIDE_FIELDS = OVERRIDABLE | {"reason", "confirm_lowering_red_flag"}


def check_channel(channel: str, by_citizen: bool) -> None:
    allowed = CITIZEN_CHANNELS if by_citizen else STAFF_CHANNELS
    if channel not in allowed:
        raise ContactRefused(
            422, f"Kanalen '{channel}' går inte att använda här. Välj en av: {', '.join(sorted(allowed))}."
        )


def check_sought_at(sought_at: datetime, now: datetime) -> None:
    if sought_at.tzinfo is None:
        raise ContactRefused(422, "Ange tiden med tidszon, till exempel 2026-11-23T09:15:00+01:00.")
    if sought_at > now + timedelta(minutes=5):
        raise ContactRefused(422, "Kontakten kan inte ha sökts i framtiden. Kontrollera datum och tid.")
    if sought_at < now - timedelta(days=30):
        raise ContactRefused(422, "Kontakten söktes för mer än 30 dagar sedan. Registrera den som en ny kontakt.")


def check_override(override: dict | None) -> Override | None:
    """An override as staff sent it: a written reason and at least one known value to change."""
    if not override:
        return None
    unknown = set(override) - OVERRIDE_FIELDS
    if unknown:
        raise ContactRefused(
            422, f"Det går bara att ändra {', '.join(sorted(OVERRIDABLE))}, inte {', '.join(sorted(unknown))}."
        )
    reason = (override.get("reason") or "").strip()
    if not reason:
        raise ContactRefused(422, "En avvikelse från riktlinjerna måste ha en skriven motivering.")
    check_reason_text(reason)
    values = {}
    for field, vocabulary in (("urgency", Urgency), ("care_level", CareLevel), ("profession", Profession)):
        given = override.get(field)
        if given and given not in set(vocabulary):
            raise ContactRefused(
                422, f"'{given}' går inte att välja som {field}. Välj en av: {', '.join(v.value for v in vocabulary)}."
            )
        values[field] = vocabulary(given) if given else None
    if not any(values.values()):
        raise ContactRefused(422, "Ange vad du ändrar: brådskandegrad, vårdnivå eller yrkesgrupp.")
    return Override(reason=reason, confirm_lowering_red_flag=bool(override.get("confirm_lowering_red_flag")), **values)


REASON_PROBLEMS = ("invalid_override_reason", "personnummer_in_text")  # the codes of check_reason_text


def check_reason_text(reason: str) -> None:
    """The override reason is saved, shown and sent in contact.triaged.v1: short, plain, and never a personnummer."""
    if len(reason) > LONG_TEXT:
        raise ContactRefused(
            422, f"Motiveringen är för lång: högst {LONG_TEXT} tecken. Skriv det viktigaste.", "invalid_override_reason"
        )
    try:
        no_personnummer(no_control_characters(reason))
    except PersonnummerInText as found:
        raise ContactRefused(422, str(found), "personnummer_in_text") from None
    except ValueError as wrong:
        raise ContactRefused(422, str(wrong), "invalid_override_reason") from None


def check_assessment(
    profession: str, contact_form: str, assessed_at: datetime, sought_at: datetime, now: datetime
) -> None:
    if profession not in ASSESSING_PROFESSIONS:
        raise ContactRefused(422, f"Yrkesgruppen '{profession}' kan inte göra en medicinsk bedömning.")
    if contact_form not in CONTACT_FORMS:
        raise ContactRefused(
            422, f"Kontaktformen '{contact_form}' finns inte. Välj en av: {', '.join(sorted(CONTACT_FORMS))}."
        )
    if assessed_at.tzinfo is None:
        raise ContactRefused(422, "Ange bedömningens tid med tidszon.")
    if assessed_at > now + timedelta(minutes=5):
        raise ContactRefused(422, "Bedömningen kan inte vara gjord i framtiden.")
    # People give the time to the minute, so an assessment in the very minute of the contact is fine.
    if assessed_at < sought_at.replace(second=0, microsecond=0):
        raise ContactRefused(422, "Bedömningen kan inte vara gjord innan kontakten söktes.")


def check_close_reason(reason: str, by_citizen: bool) -> None:
    if reason not in CLOSE_REASONS:
        raise ContactRefused(422, f"Skälet '{reason}' finns inte. Välj ett av: {', '.join(sorted(CLOSE_REASONS))}.")
    if by_citizen and reason != "withdrawn":
        raise ContactRefused(403, "Du kan bara återkalla din egen kontakt.")
