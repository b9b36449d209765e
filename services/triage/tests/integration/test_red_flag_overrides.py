"""Overrides that cannot hide a red flag (issue finding 11), and a parent triaging for their child.

The cases use the cross-cutting red flags and the shared questions in guidelines.yaml, which hold for every
reason: a toddler who cannot be woken is call_112 whatever reason staff chose.
"""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
from booking_support import personnummer, read_events_until

from nara.shared.identity import issue_dev_token
from nara.triage.demo import personnummer_for

UNIT = "SE2321000115-E00000000011"
CLINICIAN_HSA = "SE2321000115-P000000555"
UNRESPONSIVE = {"child_responsiveness": "unresponsive"}


def as_staff(role="reception", hsa="SE2321000115-P000000777"):
    return {"Authorization": f"Bearer {issue_dev_token(role, hsa, units=[UNIT])}"}


def as_citizen(pnr):
    return {"Authorization": f"Bearer {issue_dev_token('citizen', pnr)}"}


def toddler(serial: int, today: date) -> str:
    born = personnummer_for(date(today.year - 2, today.month, 1), serial)
    return f"{born[:8]}-{born[8:]}"


def infant(serial: int, today: date) -> str:
    born = personnummer_for(today - timedelta(days=45), serial)
    return f"{born[:8]}-{born[8:]}"


async def register(triage, pnr, reason="other", headers=None, channel="phone_unit"):
    body = {"patient": pnr, "unit": UNIT, "channel": channel, "reason_code": reason, "listed_unit": UNIT}
    response = await triage.post("/api/v1/contacts", headers=headers or as_staff(), json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_reception_cannot_lower_a_red_flag_and_a_clinician_must_confirm(triage, kafka_bootstrap):
    today = triage.clock.now().date()
    contact = await register(triage, toddler(611, today))
    path = f"/api/v1/contacts/{contact['id']}/triage"
    answers = {**await calm_answers(triage, "other", 2), **UNRESPONSIVE}
    guideline = await triage.post(path, headers=as_staff(), json={"answers": answers})
    lower = {"reason": "Barnet är piggt när jag ser det", "care_level": "within_3_days"}

    by_reception = await triage.post(path, headers=as_staff(), json={"answers": answers, "override": lower})
    unconfirmed = await triage.post(
        path, headers=as_staff("clinician", CLINICIAN_HSA), json={"answers": answers, "override": lower}
    )
    confirmed = await triage.post(
        path,
        headers=as_staff("clinician", CLINICIAN_HSA),
        json={"answers": answers, "override": {**lower, "confirm_lowering_red_flag": True}},
    )
    opened = await triage.get(f"/api/v1/contacts/{contact['id']}", headers=as_staff())
    events, _ = await read_events_until(
        kafka_bootstrap,
        "nara.contacts.v1",
        lambda seen: len([e for e in seen if getattr(e.data, "contact_id", None) == contact["id"]]) >= 3,
    )

    first = guideline.json()["decision"]
    assert (first["care_level"], first["deciding_rule"]) == ("call_112", "common.rf_child_unresponsive")
    assert by_reception.status_code == 403 and "clinician" in by_reception.json()["detail"]
    assert unconfirmed.status_code == 422 and unconfirmed.json()["code"] == "needs_confirmation"
    assert confirmed.status_code == 200, confirmed.text
    final = confirmed.json()["decision"]
    assert (final["care_level"], final["urgency"], final["deciding_rule"]) == ("within_3_days", "green", "override")
    assert "112" not in final["advice"] and final["where_to_turn"]["heading"] == "Barnet behöver en tid inom 3 dagar"
    assert final["guarantee_applies"] is True
    assert confirmed.json()["lowered_red_flags"] == ["common.rf_child_unresponsive"]
    assert opened.json()["red_flag_overridden"] is True
    assert opened.json()["triage_history"][-1]["lowered_red_flags"] == ["common.rf_child_unresponsive"]
    assert len(opened.json()["triage_history"]) == 2, "refused overrides leave no trace in the decisions"
    triaged = [
        e
        for e in events
        if getattr(e.data, "contact_id", None) == contact["id"] and e.type == "se.nara.contact.triaged.v1"
    ]
    assert [e.data.red_flag_overridden for e in triaged] == [False, True]
    assert [r.rule_id for r in triaged[-1].data.rules_fired if r.deciding] == ["override"]


async def calm_answers(triage, reason: str, age: int) -> dict:
    """No to every yes/no question, the calmest option, the smallest number: no red flag fires or stays open."""
    questions = (
        await triage.get(f"/api/v1/guidelines/reasons/{reason}", headers=as_staff(), params={"age": age})
    ).json()["questions"]
    answers = {}
    for question in questions:
        if question["kind"] == "yes_no":
            answers[question["id"]] = False
        elif question["kind"] == "choice":
            values = [o["value"] for o in question["options"]]
            answers[question["id"]] = next((v for v in values if v in ("no", "normal", "none")), values[-1])
        else:
            answers[question["id"]] = question["min"]
    return answers


async def test_any_override_recomputes_advice_profession_and_the_guarantee(triage):
    contact = await register(triage, personnummer(612, 1980))
    path = f"/api/v1/contacts/{contact['id']}/triage"
    calm = await calm_answers(triage, "other", 46)
    guideline = await triage.post(path, headers=as_staff(), json={"answers": calm})
    assert guideline.json()["decision"]["unanswered_red_flags"] == []

    to_self_care = await triage.post(
        path,
        headers=as_staff("clinician", CLINICIAN_HSA),
        json={"answers": calm, "override": {"reason": "Råd givet i telefon", "care_level": "self_care"}},
    )
    up_to_emergency = await triage.post(
        path,
        headers=as_staff(),
        json={
            "answers": calm,
            "override": {"reason": "Låter mycket påverkad i telefon", "care_level": "emergency_now"},
        },
    )
    wrong_colour = await triage.post(
        path,
        headers=as_staff(),
        json={"answers": calm, "override": {"reason": "Test", "care_level": "planned", "urgency": "red"}},
    )

    low = to_self_care.json()["decision"]
    high = up_to_emergency.json()["decision"]
    assert low["care_level"] == "self_care" and low["urgency"] == "blue" and low["guarantee_applies"] is False
    assert low["where_to_turn"]["heading"] == "Du kan behandla dina besvär själv"
    assert high["care_level"] == "emergency_now" and high["profession"] == "doctor"
    assert high["guarantee_applies"] is True and "akutmottagning" in high["advice"]
    assert wrong_colour.status_code == 422 and wrong_colour.json()["code"] == "colour_does_not_fit"


async def test_a_parent_triages_their_infant_and_no_one_else_can(triage):
    today = triage.clock.now().date()
    parent, stranger, baby = personnummer(613, 1990), personnummer(614, 1990), infant(623, today)
    admin = as_staff("admin")
    told = await triage.post(
        "/api/v1/guardianships", headers=admin, json={"guardian": parent, "child": baby, "child_name": "Alva"}
    )
    children = await triage.get("/api/v1/guardianships/mine", headers=as_citizen(parent))
    by_stranger = await triage.post(
        "/api/v1/contacts",
        headers=as_citizen(stranger),
        json={"patient": baby, "unit": UNIT, "channel": "web", "reason_code": "cough_fever"},
    )
    contact = await register(triage, baby, reason="cough_fever", headers=as_citizen(parent), channel="web")
    triaged = await triage.post(
        f"/api/v1/contacts/{contact['id']}/triage", headers=as_citizen(parent), json={"answers": {"fever": True}}
    )
    stranger_reads = await triage.get(f"/api/v1/contacts/{contact['id']}", headers=as_citizen(stranger))
    ended = await triage.post("/api/v1/guardianships/end", headers=admin, json={"guardian": parent, "child": baby})
    parent_reads_after = await triage.get(f"/api/v1/contacts/{contact['id']}", headers=as_citizen(parent))

    assert told.status_code == 201
    [child] = children.json()["children"]
    assert (child["name"], child["age"], child["age_months"]) == ("Alva", 0, 1)
    assert by_stranger.status_code == 403
    decision = triaged.json()["decision"]
    assert decision["care_level"] == "emergency_now", decision["rules_fired"]
    assert decision["deciding_rule"] == "common.rf_infant_fever"
    assert triaged.json()["contact"]["registered_by_guardian"] is True
    assert stranger_reads.status_code == 404
    assert ended.status_code == 200 and parent_reads_after.status_code == 404


async def test_the_contact_is_stored_for_the_child_not_the_parent(triage):
    today = triage.clock.now().date()
    parent, child = personnummer(615, 1990), toddler(631, today)
    await triage.post("/api/v1/guardianships", headers=as_staff("admin"), json={"guardian": parent, "child": child})
    contact = await register(triage, child, headers=as_citizen(parent), channel="web")
    async with asyncpg.create_pool(triage.database_url, min_size=1, max_size=1) as pool:
        stored = await pool.fetchrow(
            "SELECT p.personnummer, c.registered_by FROM contacts c JOIN patients p "
            "ON p.pseudonym = c.patient WHERE c.id = $1::uuid",
            contact["id"],
        )
    assert stored["personnummer"] == child.replace("-", "") and stored["registered_by"] == "guardian"
