"""The one claim mapping: which of a person's several roles becomes the Caller's, and what is refused."""

import pytest

from nara.shared.identity import Caller, ClaimMapping, InvalidClaims, NoNaraRole, Role

NURSE = "SE2321000131-P000000000001"
UNIT = "SE2321000131-E000000000001"


def staff(*roles: str, **claims: object) -> dict:
    return {"hsa_id": NURSE, "units": [UNIT], "roles": list(roles), **claims}


@pytest.mark.parametrize(
    ("roles", "chosen"),
    [
        (("scheduler", "admin"), Role.ADMIN),  # the realm's admin: an admin may do all a scheduler may
        (("clinician", "scheduler"), Role.CLINICIAN),
        (("ops", "reception", "scheduler"), Role.SCHEDULER),
        (("ops", "reception"), Role.RECEPTION),
        (("citizen", "ops"), Role.OPS),  # a staff role wins over citizen
        (("offline_access", "scheduler", "default-roles-nara"), Role.SCHEDULER),
    ],
)
def test_the_broadest_role_comes_first(roles, chosen):
    assert ClaimMapping().role(staff(*roles)) is chosen


def test_the_client_a_token_was_issued_to_chooses_its_own_precedence():
    mapping = ClaimMapping(client_precedence={"nara-console": (Role.CLINICIAN, Role.RECEPTION)})

    caller = mapping.caller(staff("clinician", "ops", "admin", azp="nara-console"))
    assert caller == Caller(Role.CLINICIAN, NURSE, (UNIT,))
    assert mapping.role(staff("clinician", "ops", "admin", azp="nara-staff")) is Role.ADMIN


def test_a_clients_precedence_limits_the_roles_it_may_give():
    mapping = ClaimMapping(client_precedence={"nara-ops": (Role.OPS,)})

    with pytest.raises(NoNaraRole):
        mapping.role(staff("clinician", azp="nara-ops"))


def test_a_global_precedence_can_be_configured():
    mapping = ClaimMapping(precedence=(Role.CLINICIAN, Role.ADMIN))

    assert mapping.role(staff("clinician", "admin")) is Role.CLINICIAN
    with pytest.raises(NoNaraRole):  # a role left out of the precedence is not given
        mapping.role(staff("reception"))


def test_a_single_role_or_unit_may_come_as_a_string():
    assert ClaimMapping().caller({"hsa_id": NURSE, "roles": "ops", "units": UNIT}) == Caller(Role.OPS, NURSE, (UNIT,))


def test_a_citizen_is_named_by_the_personnummer_claim_not_by_sub():
    claims = {"sub": "f3b1c2d4-uuid-of-the-provider", "personnummer": "191212121212", "roles": ["citizen"]}

    assert ClaimMapping().caller(claims) == Caller(Role.CITIZEN, "191212121212")


@pytest.mark.parametrize("roles", [None, [], {"admin": True}])
def test_roles_that_are_missing_or_not_a_list_of_names_are_refused(roles):
    with pytest.raises((NoNaraRole, InvalidClaims)):
        ClaimMapping().caller({"hsa_id": NURSE, "units": [UNIT], "roles": roles})


def test_a_token_of_the_citizens_client_is_a_citizens_whatever_roles_it_carries():
    claims = {"azp": "nara-citizen", "personnummer": "19121212-1212", "roles": ["admin"], "hsa_id": NURSE}

    assert ClaimMapping().caller(claims) == Caller(Role.CITIZEN, "191212121212")
    with pytest.raises(InvalidClaims, match="personnumret"):
        ClaimMapping().caller({"azp": "nara-citizen", "hsa_id": NURSE})
    with pytest.raises(NoNaraRole):  # the same person through a staff client needs a role
        ClaimMapping().caller({**claims, "azp": "nara-staff", "roles": []})
