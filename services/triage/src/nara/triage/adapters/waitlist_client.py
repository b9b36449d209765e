"""Booking's waitlist API (/api/v1/waitlist), as the console reads, joins and leaves a contact's entry on the staff
member's own token: booking checks that the contact is at one of their units, and access-logs each read and write."""

from __future__ import annotations

from typing import Any

from .booking_client import BookingClient, BookingRefused


class WaitlistClient(BookingClient):
    async def entry(self, contact_id: str) -> dict[str, Any] | None:
        """The contact's entry, waiting or ended (with its offers, newest first, where booking gives them);
        None when the contact has never been on the waitlist."""
        try:
            found: dict[str, Any] = await self._call("GET", f"/api/v1/waitlist/{contact_id}")
        except BookingRefused as refused:
            if refused.status == 404:
                return None
            raise
        return found

    async def join(self, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """Put the contact on the waitlist, or change its entry; answers {changed, entry}."""
        joined: dict[str, Any] = await self._call(
            "POST", "/api/v1/waitlist", json=body, headers={"Idempotency-Key": idempotency_key}
        )
        return joined

    async def leave(self, contact_id: str, idempotency_key: str) -> dict[str, Any]:
        left: dict[str, Any] = await self._call(
            "POST", f"/api/v1/waitlist/{contact_id}/leave", headers={"Idempotency-Key": idempotency_key}
        )
        return left
