"""Guarantee policies as configuration: the national 3 days, regional limits per profession, and alert tiers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from datetime import timedelta

from nara.shared.care_guarantee import NATIONAL_DAYS

LEVEL_BY_TIER = {48: "info", 24: "warning", 8: "critical"}


@dataclass(frozen=True)
class GuaranteePolicy:
    days: int = NATIONAL_DAYS
    # Regional rules on top of the national one, e.g. {"physiotherapist": 7, "psychologist": 14} (Region Halland).
    days_by_profession: dict[str, int] = field(default_factory=dict)
    alert_tiers_hours: tuple[int, ...] = (48, 24, 8)

    def days_for(self, profession: str | None) -> int:
        return self.days_by_profession.get(profession or "", self.days)

    def tiers(self) -> list[tuple[int, timedelta]]:
        """Tiers from the earliest (most hours left) to the last."""
        return self._tiers

    @cached_property
    def _tiers(self) -> list[tuple[int, timedelta]]:
        # Asked for several times per clock and event: worked out once per policy.
        return [(hours, timedelta(hours=hours)) for hours in sorted(self.alert_tiers_hours, reverse=True)]

    @staticmethod
    def tier_level(hours: int) -> str:
        return LEVEL_BY_TIER.get(hours, "critical" if hours <= 8 else "warning" if hours <= 24 else "info")

    @classmethod
    def from_json(cls, text: str) -> GuaranteePolicy:
        """E.g. {"days": 3, "days_by_profession": {"physiotherapist": 7}, "alert_tiers_hours": [48, 24, 8]}."""
        raw = json.loads(text) if text else {}
        unknown = set(raw) - {"days", "days_by_profession", "alert_tiers_hours"}
        if unknown:
            raise ValueError(f"unknown guarantee policy settings: {', '.join(sorted(unknown))}")
        policy = cls(days=int(raw.get("days", NATIONAL_DAYS)),
                     days_by_profession={k: int(v) for k, v in raw.get("days_by_profession", {}).items()},
                     alert_tiers_hours=tuple(int(h) for h in raw.get("alert_tiers_hours", (48, 24, 8))))
        if policy.days < 0 or any(d < 0 for d in policy.days_by_profession.values()) or \
                any(h <= 0 for h in policy.alert_tiers_hours):
            raise ValueError("guarantee days must be 0 or more, and alert tiers more than 0 hours")
        return policy
