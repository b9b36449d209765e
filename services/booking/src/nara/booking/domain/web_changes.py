"""What a citizen may change on the web once a time is booked, and until when: shown before booking, and the
same rule that refuses a late change (rules.ensure_citizen_may_change) afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .schedule import TimeType


@dataclass(frozen=True)
class WebChangeTerms:
    """The last moment the time can be cancelled and rebooked on the web; None where the time type never allows it."""

    cancel_until: datetime | None
    rebook_until: datetime | None

    def may_cancel(self, now: datetime) -> bool:
        return self.cancel_until is not None and now <= self.cancel_until

    def may_rebook(self, now: datetime) -> bool:
        return self.rebook_until is not None and now <= self.rebook_until

    def any_change(self, now: datetime) -> bool:
        """Whether the citizen can do anything with the time on the web now; else they must ring the unit."""
        return self.may_cancel(now) or self.may_rebook(now)


def change_terms(
    start_at: datetime,
    *,
    cancel_allowed: bool,
    cancel_notice: timedelta,
    rebook_allowed: bool,
    rebook_notice: timedelta,
) -> WebChangeTerms:
    """A change needs at least the notice before the start (rules.ensure_citizen_may_change: start - now >= notice)."""
    return WebChangeTerms(
        start_at - cancel_notice if cancel_allowed else None,
        start_at - rebook_notice if rebook_allowed else None,
    )


def terms_of(time_type: TimeType, start_at: datetime) -> WebChangeTerms:
    return change_terms(
        start_at,
        cancel_allowed=time_type.web_cancel_allowed,
        cancel_notice=time_type.cancel_notice,
        rebook_allowed=time_type.web_rebook_allowed,
        rebook_notice=time_type.rebook_notice,
    )
