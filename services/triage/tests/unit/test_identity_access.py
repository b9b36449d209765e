"""Who may learn which person a pseudonym stands for (domain/identity_access.py)."""

import pytest

from nara.triage.domain.identity_access import may_ask_for_identities, may_see_identity


@pytest.mark.parametrize("role", ["reception", "clinician", "scheduler", "admin"])
def test_care_staff_see_a_patient_listed_at_or_with_a_contact_at_their_units_only(role):
    assert may_see_identity(role, listed_at_own_unit=True, has_contact_at_own_unit=False)
    assert may_see_identity(role, listed_at_own_unit=False, has_contact_at_own_unit=True)
    assert not may_see_identity(role, listed_at_own_unit=False, has_contact_at_own_unit=False)


def test_operations_and_citizens_see_nobody():
    assert not may_see_identity("ops", listed_at_own_unit=True, has_contact_at_own_unit=True)
    assert not may_ask_for_identities("ops") and not may_ask_for_identities("citizen")
    assert may_ask_for_identities("reception") and may_ask_for_identities("admin")
