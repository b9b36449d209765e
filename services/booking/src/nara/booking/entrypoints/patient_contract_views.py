"""The patient contract as JSON: the four parts, the care unit and the one next step (UTC instants, with the
Stockholm wall-clock time people read)."""

from __future__ import annotations

from typing import Any

from ..domain.patient_contract import ContractNextStep, NextStepKind, PlanItem
from ..service.contract_records import ContractUnit, PatientContract
from .views import appointment_view, local


def plan_item_view(item: PlanItem) -> dict[str, Any]:
    return {
        "what": item.what,
        "who": item.who,
        "when": {"kind": item.timing.value, "day": item.day.isoformat() if item.day else None},
        "status": item.status.value,
    }


def unit_view(unit: ContractUnit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"hsa_id": unit.hsa_id, "name": unit.name, "address": unit.address, "phone": unit.phone}


def next_step_view(step: ContractNextStep, contract: PatientContract) -> dict[str, Any]:
    view: dict[str, Any] = {"kind": step.kind.value}
    if step.kind is NextStepKind.AGREED_TIME and step.time is not None:
        appointment = next(a for a in contract.agreed_times if a.start_at == step.time)
        view["appointment"] = {
            "id": str(appointment.id),
            "start": step.time.isoformat(),
            "start_local": local(step.time),
        }
    elif step.activity is not None:
        view["activity"] = plan_item_view(step.activity)
    else:
        view["unit"] = unit_view(contract.care_unit)
    return view


def patient_contract_view(contract: PatientContract) -> dict[str, Any]:
    agreement = contract.agreement
    return {
        "agreement": None
        if agreement is None
        else {
            "care_does": agreement.agreement.care_does,
            "patient_does": agreement.agreement.patient_does,
            "written_by": agreement.agreement.written_by,
            "written_by_name": agreement.author_name,
            "unit_name": agreement.unit_name,
            "written_at": agreement.agreement.written_at.isoformat(),
        },
        "fixed_care_contacts": [
            {
                "hsa_id": c.practitioner,
                "name": c.name,
                "profession": c.profession,
                "unit": c.unit,
                "unit_name": c.unit_name,
                "fixed_doctor": c.fixed_doctor,
            }
            for c in contract.fixed_contacts
        ],
        "agreed_times": [appointment_view(a) for a in contract.agreed_times],
        "plan": {
            "items": [plan_item_view(item) for item in contract.plan.items],
            "written_at": contract.plan.written_at.isoformat() if contract.plan.written_at else None,
        },
        "care_unit": unit_view(contract.care_unit),
        "next_step": next_step_view(contract.next_step, contract),
    }
