"""An admin imports the regional listing system's export: all rows or none, with every bad row named in Swedish."""

from __future__ import annotations

import asyncpg
from booking_support import personnummer

from nara.shared.identity import issue_dev_token

UNIT = "SE2321000115-E00000000011"
OTHER_UNIT = "SE2321000115-E00000000013"
YEAR = 1974  # this module's patients


def as_staff(role="admin", units=(UNIT,)):
    return {"Authorization": f"Bearer {issue_dev_token(role, 'SE2321000115-P000000872', units=list(units))}"}


async def send(
    triage, text: str, *, role="admin", content_type="text/csv; charset=utf-8", encoding="utf-8-sig", key=None
):
    headers = {**as_staff(role), "Content-Type": content_type, **({"Idempotency-Key": key} if key else {})}
    return await triage.post("/api/v1/listings/import", headers=headers, content=text.encode(encoding))


async def listing(triage, pnr):
    return await triage.get("/api/v1/listings", params={"patient": pnr}, headers=as_staff())


async def count_listings(triage) -> int:
    connection = await asyncpg.connect(triage.database_url)
    try:
        return await connection.fetchval("SELECT count(*) FROM listings")
    finally:
        await connection.close()


async def test_an_export_with_a_swedish_header_and_semicolons_is_imported(triage):
    first, second, third = personnummer(201, YEAR), personnummer(202, YEAR), personnummer(203, YEAR)
    export = (
        "Personnummer;Vårdenhet HSA-id;Listad från\r\n"
        f"{first};{UNIT};2019-01-15\r\n{second.replace('-', '')};{OTHER_UNIT};20200301\r\n"
        f"{third};{UNIT.lower()};2024-11-30\r\n\r\n"
    )

    imported = await send(triage, export)
    read = await listing(triage, second)
    again = await send(triage, export)

    assert imported.status_code == 200, imported.text
    assert imported.json() == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "kept_newer": 0,
        "contacts_resolved": 0,
    }
    assert read.json()["unit"] == OTHER_UNIT and read.json()["listed_from"] == "2020-03-01"
    assert read.json()["source"] == "import"
    assert again.json()["unchanged"] == 3 and again.json()["created"] == 0


async def test_a_file_with_bad_rows_imports_nothing_and_names_each_row_in_swedish(triage):
    good, checksum_wrong = personnummer(204, YEAR), personnummer(205, YEAR)[:-1] + "0"
    if checksum_wrong == personnummer(205, YEAR):
        checksum_wrong = personnummer(205, YEAR)[:-1] + "1"
    before = await count_listings(triage)
    export = (
        "personnummer,enhet,listad_fran\n"
        f"{good},{UNIT},2020-01-01\n"
        f"{checksum_wrong},{UNIT},2020-01-01\n"
        f"{personnummer(206, YEAR)},Vårdcentralen Falkenberg,2020-01-01\n"
        f"{personnummer(207, YEAR)},{UNIT},1 mars 2020\n"
        f"{personnummer(208, YEAR)},{UNIT},2099-01-01\n"
        f"{good},{OTHER_UNIT},2021-01-01\n"
    )

    refused = await send(triage, export)

    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "invalid_listing_file" and problem["status"] == 422
    assert "5 rader har fel" in problem["detail"] and "Ingenting är sparat" in problem["detail"]
    by_row = {e["row"]: e for e in problem["errors"]}
    assert sorted(by_row) == [3, 4, 5, 6, 7]
    assert by_row[3]["column"] == "personnummer" and "kontrollsiffra" in by_row[3]["message"]
    assert by_row[4]["column"] == "unit" and "HSA-id" in by_row[4]["message"]
    assert by_row[5]["column"] == "listed_from" and "ÅÅÅÅ-MM-DD" in by_row[5]["message"]
    assert by_row[6]["column"] == "listed_from" and "framtiden" in by_row[6]["message"]
    assert "rad 2" in by_row[7]["message"]
    assert all(e["message"].startswith(f"Rad {e['row']}:") for e in problem["errors"])
    assert all(checksum_wrong.replace("-", "") not in e["message"] for e in problem["errors"])
    assert await count_listings(triage) == before
    assert (await listing(triage, good)).json()["known"] is False  # the good row was not stored either


async def test_a_file_without_the_columns_or_rows_is_refused_with_what_to_send(triage):
    no_header = await send(triage, f"{personnummer(209, YEAR)};{UNIT};2020-01-01\n")
    empty = await send(triage, "")
    header_only = await send(triage, "personnummer;enhet;listad från\n")

    assert no_header.status_code == 422 and "Rubrikraden saknar" in no_header.json()["detail"]
    assert empty.status_code == 422 and "tom" in empty.json()["detail"]
    assert header_only.status_code == 422 and "inga listningar" in header_only.json()["detail"]


async def test_only_an_admin_imports_and_only_csv(triage):
    export = f"personnummer;enhet;listad från\n{personnummer(210, YEAR)};{UNIT};2020-01-01\n"

    by_reception = await send(triage, export, role="reception")
    as_json = await send(triage, export, content_type="application/json")
    windows = await send(triage, export, encoding="cp1252")  # "från" as a Swedish spreadsheet saves it

    assert by_reception.status_code == 403 and by_reception.json()["detail"]
    assert as_json.status_code == 415
    assert windows.status_code == 200 and windows.json()["created"] == 1


async def test_an_import_resolves_waiting_contacts_and_keeps_a_newer_listing(triage):
    waiting, recorded_by_staff = personnummer(211, YEAR), personnummer(212, YEAR)
    staff = {"Authorization": f"Bearer {issue_dev_token('reception', 'SE2321000115-P000000873', units=[UNIT])}"}
    contact = (
        await triage.post(
            "/api/v1/contacts",
            headers=staff,
            json={"patient": waiting, "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"},
        )
    ).json()
    await triage.put(
        "/api/v1/listings",
        headers=staff,
        json={"patient": recorded_by_staff, "unit": UNIT, "listed_from": "2025-06-01"},
    )
    assert contact["listing"] == "unknown"

    imported = await send(
        triage,
        "personnummer;enhet;listad från\n"
        f"{waiting};{OTHER_UNIT};2018-01-01\n{recorded_by_staff};{OTHER_UNIT};2017-01-01\n",
    )
    opened = await triage.get(f"/api/v1/contacts/{contact['id']}", headers=staff)

    assert imported.json()["contacts_resolved"] == 1 and imported.json()["kept_newer"] == 1
    assert opened.json()["listing"] == "elsewhere" and opened.json()["guarantee_covered"] is False
    assert (await listing(triage, recorded_by_staff)).json()["unit"] == UNIT


async def test_a_retried_import_with_the_same_key_answers_the_same(triage):
    export = f"personnummer;enhet;listad från\n{personnummer(213, YEAR)};{UNIT};2020-01-01\n"

    first = await send(triage, export, key="import-2026-11")
    retry = await send(triage, export, key="import-2026-11")
    other_file = await send(triage, export.replace("2020-01-01", "2020-02-01"), key="import-2026-11")

    assert first.json()["created"] == 1 and retry.json() == first.json()
    assert other_file.status_code == 422 and other_file.json()["code"] == "idempotency_key_reused"
