"""Who is calling: a citizen (by personnummer) or staff (by HSA-id, at their units)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from nara.shared.personnummer import InvalidPersonnummer, normalise


class Role(StrEnum):
    CITIZEN = "citizen"
    RECEPTION = "reception"
    CLINICIAN = "clinician"
    SCHEDULER = "scheduler"  # runs a unit's schedule: practitioners, time types, templates, closures
    OPS = "ops"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.RECEPTION, Role.CLINICIAN, Role.SCHEDULER, Role.OPS, Role.ADMIN})


class InvalidClaims(ValueError):
    """The token's claims do not describe a caller Nära knows; the message says which claim and why."""


@dataclass(frozen=True)
class Caller:
    role: Role
    subject: str  # a citizen's normalised personnummer, or a staff member's HSA-id
    units: tuple[str, ...] = ()

    @property
    def is_citizen(self) -> bool:
        return self.role is Role.CITIZEN

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def works_at(self, unit: str) -> bool:
        return self.is_staff and unit in self.units

    @classmethod
    def of(cls, role: Role | str, subject: str, units: Iterable[str] = ()) -> Caller:
        """A caller whose claims fit the contract; raises InvalidClaims otherwise."""
        role = parse_role(role)
        if not isinstance(subject, str) or not subject.strip():
            raise InvalidClaims("the token has no subject ('sub')")
        units = _units(units)
        if role is Role.CITIZEN:
            if units:
                raise InvalidClaims("a citizen's token carries no units")
            try:
                return cls(role, normalise(subject))
            except InvalidPersonnummer as error:
                raise InvalidClaims(
                    f"a citizen's subject must be a valid personnummer or samordningsnummer ({error})"
                ) from error
        if not units:
            raise InvalidClaims(f"a {role} token must list the units the person works at ('units')")
        return cls(role, subject.strip(), units)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Caller:
        if "role" not in claims:
            raise InvalidClaims("the token has no role ('role')")
        units = claims.get("units", ())
        if isinstance(units, str) or not isinstance(units, list | tuple):
            raise InvalidClaims("'units' must be a list of unit HSA-ids")
        return cls.of(claims["role"], claims.get("sub", ""), units)

    def claims(self) -> dict[str, Any]:
        """The identity claims a token for this caller carries."""
        claims: dict[str, Any] = {"role": str(self.role), "sub": self.subject}
        if self.is_staff:
            claims["units"] = list(self.units)
        return claims


def parse_role(value: Role | str) -> Role:
    """The Role named by `value`; InvalidClaims listing the roles otherwise."""
    try:
        return Role(value)
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise InvalidClaims(f"unknown role {value!r}; the roles are: {known}") from None


def _units(units: Iterable[str]) -> tuple[str, ...]:
    cleaned: list[str] = []
    for unit in units:
        if not isinstance(unit, str) or not unit.strip():
            raise InvalidClaims("each unit must be a non-empty HSA-id")
        if unit.strip() not in cleaned:
            cleaned.append(unit.strip())
    return tuple(cleaned)
