"""Which booking actions a staff role may take, in one place for the API and the staff pages."""

from __future__ import annotations

from nara.shared.identity import Caller, Role

from ..service.requester import Requester

# Staff who book, change and read appointments for patients (ops reads no patient's times).
ROLES_THAT_BOOK_FOR_PATIENTS = frozenset({Role.RECEPTION, Role.CLINICIAN, Role.SCHEDULER, Role.ADMIN})
# Staff who set up a unit's schedule (practitioners, time types, templates, closures) at their own units.
ROLES_THAT_PLAN_SCHEDULES = frozenset({Role.SCHEDULER, Role.ADMIN})


def staff_requester(caller: Caller) -> Requester | None:
    """The staff member as the use cases see them, or None for a role that has no business with bookings."""
    if caller.role not in ROLES_THAT_BOOK_FOR_PATIENTS:
        return None
    return Requester.staff(
        caller.subject,
        tuple(caller.units),
        plans_schedule=caller.role in ROLES_THAT_PLAN_SCHEDULES,
        region_admin=caller.role is Role.ADMIN,
    )
