"""A contact's rules: who may register, triage, override, assess and close it, and what each needs."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from nara.shared.events.vocabulary import CareLevel, Channel, ContactCloseReason, ContactForm, Profession, Urgency
from nara.shared.free_text import PersonnummerInText, no_personnummer

from .overrides import Override
from .refusals import ContactRefused, InvalidRequest, NotPermitted

__all__ = ["ContactRefused"]  # also here: the console's pages catch it from this module

CITIZEN_CHANNELS = frozenset({Channel.WEB, Channel.E_SERVICE})
STAFF_CHANNELS = frozenset(Channel)
# Every licensed profession of the vocabulary makes a medical assessment (domain.md, "What counts as a medical
# assessment").
ASSESSING_PROFESSIONS = frozenset(Profession)
OVERRIDABLE = {"urgency", "care_level", "profession"}
OVERRIDE_FIELDS = OVERRIDABLE | {"reason", "confirm_lowering_red_flag"}
# The codes of a refused override reason: a personnummer (here), or its length or characters (the entrypoints).
REASON_PROBLEMS = ("invalid_override_reason", "personnummer_in_text")

_Vocabulary = TypeVar("_Vocabulary", bound=StrEnum)


def check_channel(channel: str, by_citizen: bool) -> Channel:
    allowed = CITIZEN_CHANNELS if by_citizen else STAFF_CHANNELS
    if channel not in allowed:
        raise InvalidRequest(f"Kanalen '{channel}' går inte att använda här. Välj en av: {', '.join(sorted(allowed))}.")
    return Channel(channel)


def check_sought_at(sought_at: datetime, now: datetime) -> None:
    if sought_at.tzinfo is None:
        raise InvalidRequest("Ange tiden med tidszon, till exempel 2026-11-23T09:15:00+01:00.")
    if sought_at > now + timedelta(minutes=5):
        raise InvalidRequest("Kontakten kan inte ha sökts i framtiden. Kontrollera datum och tid.")
    if sought_at < now - timedelta(days=30):
        raise InvalidRequest("Kontakten söktes för mer än 30 dagar sedan. Registrera den som en ny kontakt.")


def check_override(override: dict[str, Any] | None) -> Override | None:
    """An override as staff sent it: a written reason and at least one known value to change."""
    if not override:
        return None
    unknown = set(override) - OVERRIDE_FIELDS
    if unknown:
        raise InvalidRequest(
            f"Det går bara att ändra {', '.join(sorted(OVERRIDABLE))}, inte {', '.join(sorted(unknown))}."
        )
    reason = (override.get("reason") or "").strip()
    if not reason:
        raise InvalidRequest("En avvikelse från riktlinjerna måste ha en skriven motivering.")
    check_reason_text(reason)
    urgency = _chosen(override, "urgency", Urgency)
    care_level = _chosen(override, "care_level", CareLevel)
    profession = _chosen(override, "profession", Profession)
    if urgency is None and care_level is None and profession is None:
        raise InvalidRequest("Ange vad du ändrar: brådskandegrad, vårdnivå eller yrkesgrupp.")
    return Override(
        reason=reason,
        urgency=urgency,
        care_level=care_level,
        profession=profession,
        confirm_lowering_red_flag=bool(override.get("confirm_lowering_red_flag")),
    )


def _chosen(override: dict[str, Any], field: str, vocabulary: type[_Vocabulary]) -> _Vocabulary | None:
    given = override.get(field)
    if given and given not in set(vocabulary):
        raise InvalidRequest(
            f"'{given}' går inte att välja som {field}. Välj en av: {', '.join(v.value for v in vocabulary)}."
        )
    return vocabulary(given) if given else None


def check_reason_text(reason: str) -> None:
    """The override reason is saved, shown and sent in contact.triaged.v1, so never a personnummer (its length
    and characters are the entrypoints' to check, as for any text a form or a request carries)."""
    try:
        no_personnummer(reason)
    except PersonnummerInText as found:
        raise InvalidRequest(str(found), "personnummer_in_text") from None


def check_assessment(
    profession: str, contact_form: str, assessed_at: datetime, sought_at: datetime, now: datetime
) -> tuple[Profession, ContactForm]:
    """The profession and contact form of a medical assessment, checked, and its time against the contact's."""
    if profession not in ASSESSING_PROFESSIONS:
        raise InvalidRequest(f"Yrkesgruppen '{profession}' kan inte göra en medicinsk bedömning.")
    if contact_form not in set(ContactForm):
        raise InvalidRequest(
            f"Kontaktformen '{contact_form}' finns inte. Välj en av: {', '.join(sorted(ContactForm))}."
        )
    if assessed_at.tzinfo is None:
        raise InvalidRequest("Ange bedömningens tid med tidszon.")
    if assessed_at > now + timedelta(minutes=5):
        raise InvalidRequest("Bedömningen kan inte vara gjord i framtiden.")
    # People give the time to the minute, so an assessment in the very minute of the contact is fine.
    if assessed_at < sought_at.replace(second=0, microsecond=0):
        raise InvalidRequest("Bedömningen kan inte vara gjord innan kontakten söktes.")
    return Profession(profession), ContactForm(contact_form)


def check_close_reason(reason: str, by_citizen: bool) -> ContactCloseReason:
    if reason not in set(ContactCloseReason):
        raise InvalidRequest(f"Skälet '{reason}' finns inte. Välj ett av: {', '.join(sorted(ContactCloseReason))}.")
    if by_citizen and reason != ContactCloseReason.WITHDRAWN:
        raise NotPermitted("Du kan bara återkalla din egen kontakt.")
    return ContactCloseReason(reason)
