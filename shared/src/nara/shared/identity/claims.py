"""The one mapping from an identity provider's claims to a Caller; claim names differ between providers.

A token issued to a citizens' client (`azp`) is a citizen's, by the personnummer claim: a citizens' login
(BankID, Freja eID) proves who someone is, not a role. Any other token needs a Nära role in its roles claim,
which may list several, and roles Nära does not know (a provider adds its own, such as Keycloak's
offline_access); those are ignored. A Caller has one role: the first of the token's Nära roles in the precedence
of its client when the mapping names that client, else in the global precedence. A staff role wins over
citizen; a token with no Nära role is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .caller import STAFF_ROLES, Caller, InvalidClaims, Role

# The broadest role first: an admin may do what a scheduler may and more, a scheduler books like reception and
# plans too, and ops (reports, no patient data) is the narrowest. A clinician who is also an admin acts as admin
# unless their app's client asks for clinician first (client_precedence).
DEFAULT_PRECEDENCE = (Role.ADMIN, Role.CLINICIAN, Role.SCHEDULER, Role.RECEPTION, Role.OPS, Role.CITIZEN)
DEFAULT_CITIZEN_CLIENTS = frozenset({"nara-citizen"})


class NoNaraRole(ValueError):
    """A valid token of a person who has no role in Nära."""


@dataclass(frozen=True)
class ClaimMapping:
    """Which claim holds what; a name with dots reaches into an object (Keycloak's `realm_access.roles`)."""

    personnummer: str = "personnummer"
    hsa_id: str = "hsa_id"
    roles: str = "roles"
    units: str = "units"
    precedence: tuple[Role, ...] = DEFAULT_PRECEDENCE
    client_precedence: Mapping[str, tuple[Role, ...]] = field(default_factory=dict)
    citizen_clients: frozenset[str] = DEFAULT_CITIZEN_CLIENTS

    def caller(self, claims: Mapping[str, Any]) -> Caller:
        """The caller the claims describe; NoNaraRole, or InvalidClaims (in Swedish) saying which claim is wrong."""
        role = self.role(claims)
        if role is Role.CITIZEN:
            return self._caller(role, self._text(claims, self.personnummer, "personnumret"), ())
        return self._caller(role, self._text(claims, self.hsa_id, "HSA-id"), self._values(claims, self.units))

    def role(self, claims: Mapping[str, Any]) -> Role:
        client = claims.get("azp") if isinstance(claims.get("azp"), str) else None
        if client in self.citizen_clients:
            return Role.CITIZEN  # whatever roles the person holds elsewhere: in the citizens' app they are a patient
        named = set(self._values(claims, self.roles))
        order = self.client_precedence.get(client, self.precedence) if client else self.precedence
        held = [role for role in order if role.value in named]
        staff = [role for role in held if role in STAFF_ROLES]
        if staff:
            return staff[0]
        if held:
            return held[0]
        raise NoNaraRole(f"token ger ingen roll i Nära ('{self.roles}')")

    @staticmethod
    def _caller(role: Role, subject: str, units: tuple[str, ...]) -> Caller:
        try:
            return Caller.of(role, subject, units)
        except InvalidClaims:
            if role is Role.CITIZEN:
                raise InvalidClaims(
                    "personnumret i token är inte ett giltigt person- eller samordningsnummer"
                ) from None
            raise InvalidClaims(f"token för rollen {role} måste ange HSA-id och minst en enhet") from None

    def _text(self, claims: Mapping[str, Any], name: str, what: str) -> str:
        value = _claim(claims, name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidClaims(f"token saknar {what} ('{name}')")
        return value

    def _values(self, claims: Mapping[str, Any], name: str) -> tuple[str, ...]:
        value = _claim(claims, name)
        if value is None:
            return ()
        if isinstance(value, str):  # a provider sends a single-valued attribute as a string
            return (value,)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise InvalidClaims(f"'{name}' i token ska vara en lista av texter")


def _claim(claims: Mapping[str, Any], name: str) -> Any:
    """The claim of that name; a dot reaches into an object ("realm_access.roles") unless the whole name is itself
    a claim, as the URI-style names of the Swedish eID profile are ("https://id.oidc.se/claim/personalIdentityNumber")."""
    if name in claims:
        return claims[name]
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value
