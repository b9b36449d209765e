"""The booking service's public API (contract.md), as the console needs it to book on a patient's behalf.

Every call forwards the staff member's own bearer token, so booking applies its own access rules.
A booking service that does not answer, or answers with a server error, raises BookingUnavailable;
a refusal (4xx) raises BookingRefused with booking's own Swedish sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)


class BookingUnavailable(Exception):
    """The booking service could not be reached or failed; try again later."""


class BookingRefused(Exception):
    """Booking refused the request; `status`, `code` and `detail` (Swedish) say how."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class BookingClient:
    base_url: str
    token: str
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    transport: httpx.AsyncBaseTransport | None = None  # tests may inject one

    async def free_slots(
        self, *, unit: str, profession: str | None, contact_id: str | None, page_size: int = 6
    ) -> list[dict[str, Any]]:
        """The earliest free slots at a unit, within the guarantee first."""
        params = {"unit": unit, "page_size": str(page_size)}
        if profession:
            params["profession"] = profession
        if contact_id:
            params["contact_id"] = contact_id
        slots: list[dict[str, Any]] = (await self._call("GET", "/api/v1/slots", params=params))["slots"]
        return slots

    async def book(
        self, *, slot_id: str, contact_id: str, patient: str, reason: str | None, idempotency_key: str
    ) -> dict[str, Any]:
        """Book a slot for the patient (personnummer); a repeated key gets the first answer back."""
        body = {"slot_id": slot_id, "contact_id": contact_id, "patient": patient, "reason": reason or None}
        booked: dict[str, Any] = await self._call(
            "POST", "/api/v1/appointments", json=body, headers={"Idempotency-Key": idempotency_key}
        )
        return booked

    async def appointment(self, appointment_id: str) -> dict[str, Any]:
        appointment: dict[str, Any] = await self._call("GET", f"/api/v1/appointments/{appointment_id}")
        return appointment

    async def future_appointments_of_contact(self, contact_id: str, now: datetime) -> list[dict[str, Any]]:
        """The contact's booked times still ahead, earliest first (a second booking needs a confirmation)."""
        found = await self._call("GET", "/api/v1/appointments", params={"contact_id": contact_id})
        if not isinstance(found, list):
            raise BookingUnavailable("GET /api/v1/appointments: not a list")
        # Filtered here too: a booking service that lists every appointment at the units gives the same answer.
        ahead = [
            (start, a)
            for a in found
            if isinstance(a, dict)
            and a.get("contact_id") == contact_id
            and a.get("status") == "booked"
            and (start := _start(a)) is not None
            and start > now
        ]
        return [a for _, a in sorted(ahead, key=lambda pair: pair[0])]

    async def _call(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        try:
            async with httpx.AsyncClient(
                base_url=self.base_url, timeout=self.timeout, transport=self.transport
            ) as client:
                response = await client.request(
                    method, path, headers={"Authorization": f"Bearer {self.token}", **(headers or {})}, **kwargs
                )
        except httpx.HTTPError as failure:
            raise BookingUnavailable(f"{method} {path}: {failure!r}") from failure
        if response.status_code >= 500:
            raise BookingUnavailable(f"{method} {path}: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise BookingUnavailable(f"{method} {path}: not JSON (HTTP {response.status_code})") from None
        if response.status_code >= 400:
            raise BookingRefused(response.status_code, *_refusal(body))
        return body


def _start(appointment: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(appointment["start"])
    except (KeyError, TypeError, ValueError):
        return None


def _refusal(body: Any) -> tuple[str, str]:
    """Booking answers {code, detail}; FastAPI's own errors answer {detail: str | list}."""
    if not isinstance(body, dict):
        return "refused", "Bokningen tog inte emot begäran."
    detail = body.get("detail")
    if isinstance(detail, list):  # a validation error: the fields are ours, so the person cannot fix it
        detail = "Bokningen kunde inte läsa begäran. Försök igen, och hör av dig till support om det inte går."
    return str(body.get("code", "refused")), str(detail or "Bokningen tog inte emot begäran.")
