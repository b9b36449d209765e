"""The CapabilityStatement at /fhir/R4/metadata: exactly what this server answers, and nothing more."""

from __future__ import annotations

from typing import Any

IHE_OPERATIONS = "http://profiles.ihe.net/ITI/Scheduling/OperationDefinition"


def _search(name: str, kind: str, documentation: str) -> dict[str, str]:
    return {"name": name, "type": kind, "documentation": documentation}


def capability_statement(base: str, date: str) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "publisher": "Nära",
        "kind": "instance",
        "software": {"name": "Nära booking"},
        "implementation": {"description": "Nära: tidbokning i primärvården (FHIR R4)", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "OAuth 2.0 bearer token: a citizen's (their own and their children's times) "
                    "or staff's (their units' times, every read access-logged)."
                },
                "resource": [
                    {
                        "type": "Schedule",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            _search("actor", "reference", "An HSA-id: a care unit's (Location) or a practitioner's.")
                        ],
                    },
                    {
                        "type": "Slot",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [
                            _search(
                                "schedule",
                                "reference",
                                "Required: Schedule/<unit HSA-id> or Schedule/<unit HSA-id>.<practitioner HSA-id>.",
                            ),
                            _search("start", "date", "ge/gt and lt/le; default from now, 14 days."),
                            _search("service-type", "token", "A time type code (urn:nara:booking:time-type)."),
                            _search("practitioner", "token", "The practitioner's HSA-id (Nära's own parameter)."),
                            _search("_count", "number", "1 to 100, default 20."),
                            _search(
                                "contact",
                                "token",
                                "A triaged contact's id (Nära's own): its hidden time types too.",
                            ),
                        ],
                    },
                    {
                        "type": "Appointment",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            _search(
                                "patient:identifier",
                                "token",
                                "A citizen's child: http://electronichealth.se/identifier/personnummer|<pnr>.",
                            )
                        ],
                        "operation": [
                            {"name": "find", "definition": f"{IHE_OPERATIONS}/appointment-find"},
                            {"name": "hold", "definition": f"{IHE_OPERATIONS}/appointment-hold"},
                            {"name": "book", "definition": f"{IHE_OPERATIONS}/appointment-book"},
                        ],
                    },
                ],
            }
        ],
    }
