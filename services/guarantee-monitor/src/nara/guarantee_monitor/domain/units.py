"""The care units the monitor reports on, as configured: name, region code and ownership (offentlig/privat)."""

from __future__ import annotations

import json
from dataclasses import dataclass

OWNERSHIPS = ("offentlig", "privat")


@dataclass(frozen=True)
class UnitInfo:
    hsa_id: str
    name: str
    region_code: str  # SKR's two-digit county code, e.g. 13 for Region Halland
    ownership: str  # offentlig or privat


HALLAND = "13"
DEMO_UNITS = {
    unit.hsa_id: unit
    for unit in (
        UnitInfo("SE2321000115-E00000000011", "Vårdcentralen Falkenberg", HALLAND, "offentlig"),
        UnitInfo("SE2321000115-E00000000012", "Vårdcentralen Oskarström", HALLAND, "offentlig"),
        UnitInfo("SE2321000115-E00000000013", "Vårdcentralen Fyllinge", HALLAND, "offentlig"),
    )
}


class UnitsError(ValueError):
    """The units setting cannot be used; the message says what to change."""


def units_from_json(text: str) -> dict[str, UnitInfo]:
    """E.g. {"SE2321000115-E00000000011": {"name": "Vårdcentralen Falkenberg", "region_code": "13",
    "ownership": "offentlig"}}; empty means the three demo units of Region Halland."""
    if not text or not text.strip():
        return dict(DEMO_UNITS)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnitsError(f"the units setting is not JSON: {error}") from None
    if not isinstance(raw, dict) or not raw:
        raise UnitsError("the units setting maps each unit's HSA-id to its name, region_code and ownership")
    units = {}
    for hsa_id, fields in raw.items():
        if not isinstance(fields, dict) or not isinstance(fields.get("name"), str) or not fields["name"].strip():
            raise UnitsError(f"{hsa_id}: give the unit's name")
        region = str(fields.get("region_code", ""))
        if not (region.isdigit() and len(region) == 2):
            raise UnitsError(f'{hsa_id}: region_code is SKR\'s two-digit county code, e.g. "13", not {region!r}')
        if fields.get("ownership") not in OWNERSHIPS:
            raise UnitsError(f"{hsa_id}: ownership is one of {', '.join(OWNERSHIPS)}")
        units[hsa_id] = UnitInfo(hsa_id, fields["name"].strip(), region, fields["ownership"])
    return units


def unit_info(units: dict[str, UnitInfo], hsa_id: str) -> UnitInfo:
    """A unit missing from the configuration still reports, under its HSA-id, with region and ownership blank."""
    return units.get(hsa_id) or UnitInfo(hsa_id, hsa_id, "", "")
