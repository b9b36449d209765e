"""Booking's Min vård API (GET /api/v1/patient-contract and its staff PUTs), as the console writes a patient's
contract on the staff member's own token: booking checks who may read and write, and access-logs it."""

from __future__ import annotations

from typing import Any

from .booking_client import BookingClient


class PatientContractClient(BookingClient):
    async def contract(self, patient: str) -> dict[str, Any]:
        """The patient's (personnummer) contract as booking shows it to staff of the patient's units."""
        found: dict[str, Any] = await self._call("GET", "/api/v1/patient-contract", params={"patient": patient})
        return found

    async def write(self, part: str, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """PUT one part (agreement, fixed-contacts or plan); answers {changed, contract}."""
        written: dict[str, Any] = await self._call(
            "PUT", f"/api/v1/patient-contract/{part}", json=body, headers={"Idempotency-Key": idempotency_key}
        )
        return written

    async def practitioners(self, unit: str) -> list[dict[str, Any]]:
        """The unit's practitioners (hsa_id, name, profession), to choose fixed care contacts among."""
        found: list[dict[str, Any]] = await self._call("GET", f"/api/v1/care-units/{unit}/practitioners")
        return found
