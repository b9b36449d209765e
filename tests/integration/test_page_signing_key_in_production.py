"""A production booking process with the identity provider and no BOOKING_PAGES_SECRET stops at start-up, and its
log names the variable: with a random key per process, one replica would refuse the login cookie and the CSRF
tokens another replica signed."""

from __future__ import annotations

import pytest

from nara.devstack.processes import free_port
from nara.devstack.testing import IdentityProvider, scratch_schema, service_process


async def test_production_booking_without_its_pages_key_stops_at_start_naming_it(
    infrastructure, identity_provider: IdentityProvider, tmp_path
):
    env = {
        "NARA_ENVIRONMENT": "production",
        "NARA_OIDC_ISSUER": identity_provider.issuer,
        "NARA_CITIZEN_OIDC_CLIENT_ID": "nara-citizen",
        "NARA_CITIZEN_OIDC_CLIENT_SECRET": "nara-citizen-dev-secret",
        "BOOKING_PAGES_SECRET": "",  # unset, whatever the shell holds
        "BOOKING_TRIAGE_URL": f"http://127.0.0.1:{free_port()}",
    }
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="nokey") as url:
        with (
            pytest.raises(RuntimeError, match="exited at start"),
            service_process("booking", infrastructure, url, env, tmp_path),
        ):
            pass

    log = (tmp_path / "booking.log").read_text()
    assert "BOOKING_PAGES_SECRET is not set" in log
