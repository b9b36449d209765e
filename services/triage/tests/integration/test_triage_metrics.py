"""The triage service's /metrics: decisions by urgency and care level, and requests by route template."""

import re

from booking_support import personnummer

from nara.shared.identity import issue_dev_token

UNIT = "SE2321000115-E00000000011"
STREP = {
    "airway": False,
    "abscess_signs": False,
    "sepsis_signs": False,
    "fever": True,
    "non_blanching_rash": False,
    "new_confusion": False,
    "stiff_neck": False,
    "immunosuppressed": False,
    "cannot_drink": False,
    "cough": False,
    "tender_glands": True,
    "tonsil_coating": True,
    "days": 2,
}


def sample(metrics: str, name: str, **labels) -> float:
    """One sample's value from the exposition text, whatever order the labels are written in."""
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and dict(re.findall(r'(\w+)="([^"]*)"', match.group(1))) == labels:
            return float(match.group(2))
    return 0.0


async def test_previews_and_recorded_triages_are_counted_and_requests_appear_by_route_not_by_contact(triage):
    pnr = personnummer(41, 1990)
    preview_labels = dict(
        kind="preview", urgency="green", care_level="within_3_days", channel="web", overridden="false"
    )
    route = dict(service="triage", method="POST", route="/api/v1/contacts/{contact_id}/triage", status="200")
    staff = {"Authorization": f"Bearer {issue_dev_token('reception', 'SE2321000115-P000000778', units=[UNIT])}"}
    citizen = {"Authorization": f"Bearer {issue_dev_token('citizen', pnr)}"}
    before = (await triage.get("/metrics")).text

    preview = await triage.post(
        "/api/v1/triage/evaluate",
        headers=citizen,
        json={"reason_code": "sore_throat", "answers": STREP, "age": 35, "channel": "web"},
    )
    contact = (
        await triage.post(
            "/api/v1/contacts",
            headers=staff,
            json={"patient": pnr, "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"},
        )
    ).json()
    triaged = await triage.post(
        f"/api/v1/contacts/{contact['id']}/triage",
        headers=staff,
        json={"answers": STREP, "override": {"reason": "Patienten har svårt att svälja", "care_level": "same_day"}},
    )
    after = (await triage.get("/metrics")).text

    assert preview.status_code == 200 and triaged.status_code == 200, (preview.text, triaged.text)
    assert preview.json()["urgency"] == preview_labels["urgency"]
    assert preview.json()["care_level"] == preview_labels["care_level"]
    assert (
        sample(after, "nara_triage_decisions_total", **preview_labels)
        == sample(before, "nara_triage_decisions_total", **preview_labels) + 1
    )
    recorded = dict(
        kind="contact",
        urgency=triaged.json()["decision"]["urgency"],
        care_level="same_day",
        channel="phone_unit",
        overridden="true",
    )
    assert (
        sample(after, "nara_triage_decisions_total", **recorded)
        == sample(before, "nara_triage_decisions_total", **recorded) + 1
    )
    assert (
        sample(after, "nara_http_request_duration_seconds_count", **route)
        == sample(before, "nara_http_request_duration_seconds_count", **route) + 1
    )
    assert contact["id"] not in after and pnr not in after and pnr.replace("-", "") not in after
