"""The monitor's policy: the one care guarantee every service asks (nara.shared.care_guarantee: the national
3 days and the region's limits per profession), and the monitor's own alert tiers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from nara.shared.care_guarantee import CareGuaranteePolicy, Measure, PolicyError
from nara.shared.events.vocabulary import AlertLevel

LEVEL_BY_TIER = {48: AlertLevel.INFO, 24: AlertLevel.WARNING, 8: AlertLevel.CRITICAL}
DEFAULT_TIERS = (48, 24, 8)


@dataclass(frozen=True)
class GuaranteePolicy:
    care: CareGuaranteePolicy = field(default_factory=CareGuaranteePolicy)
    alert_tiers_hours: tuple[int, ...] = DEFAULT_TIERS

    def measures(self, sought_at: datetime, profession: str | None) -> tuple[Measure, ...]:
        """The national measure, and the regional one beside it where the region has a limit for the profession."""
        return self.care.measures(sought_at, profession)

    def tiers(self) -> list[tuple[int, timedelta]]:
        """Tiers from the earliest (most hours left) to the last."""
        return self._tiers

    @cached_property
    def _tiers(self) -> list[tuple[int, timedelta]]:
        # Asked for several times per clock and event: worked out once per policy.
        return [(hours, timedelta(hours=hours)) for hours in sorted(self.alert_tiers_hours, reverse=True)]

    @staticmethod
    def tier_level(hours: int) -> AlertLevel:
        if hours in LEVEL_BY_TIER:
            return LEVEL_BY_TIER[hours]
        return AlertLevel.CRITICAL if hours <= 8 else AlertLevel.WARNING if hours <= 24 else AlertLevel.INFO

    @classmethod
    def from_json(cls, own: str, shared: str = "") -> GuaranteePolicy:
        """`own` is the monitor's setting (alert tiers; regional limits there are the older, monitor-only form of
        the shared policy), `shared` the region's policy every service reads. Regional limits set in both must
        agree: three services showing one deadline is the point of a shared policy."""
        own_raw, shared_raw = _object(own), _object(shared)
        older = CareGuaranteePolicy.from_json(own)  # validated either way, so a typo there stops the start too
        care = CareGuaranteePolicy.from_json(shared) if shared_raw else older
        if shared_raw and "days_by_profession" in own_raw and dict(older.regional_days) != dict(care.regional_days):
            raise PolicyError(
                "the monitor's GUARANTEE_MONITOR_POLICY_JSON sets regional limits that differ from "
                "NARA_CARE_GUARANTEE_POLICY; set them once, in NARA_CARE_GUARANTEE_POLICY"
            )
        tiers = own_raw.get("alert_tiers_hours", shared_raw.get("alert_tiers_hours", DEFAULT_TIERS))
        if (
            not isinstance(tiers, (list, tuple))
            or not tiers
            or any(type(hours) is not int or hours <= 0 for hours in tiers)
        ):
            raise PolicyError(f"alert_tiers_hours is a list of whole hours above 0, e.g. [48, 24, 8], not {tiers!r}")
        return cls(care, tuple(tiers))


def _object(text: str) -> dict[str, Any]:
    if not text or not text.strip():
        return {}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyError(f"the guarantee policy is not JSON: {error}") from None
    if not isinstance(raw, dict):
        raise PolicyError('the guarantee policy is a JSON object, e.g. {"days_by_profession": {...}}')
    return raw
