"""A unit moving from another system reads its practitioners from a CSV file: all or nothing, every bad line
named, and the same file read again changes nothing."""

from booking_support import UNIT_FALKENBERG, UNIT_FYLLINGE, UNIT_OSKARSTROM, staff

SCHEDULER = staff([UNIT_OSKARSTROM], role="scheduler")
IMPORT = f"/api/v1/care-units/{UNIT_OSKARSTROM}/practitioners/import"
CSV = {"Content-Type": "text/csv; charset=utf-8"}


async def import_csv(booking, text: str | bytes, headers: dict | None = None):
    body = text.encode() if isinstance(text, str) else text
    return await booking.client.post(IMPORT, content=body, headers={**SCHEDULER, **CSV, **(headers or {})})


async def practitioners(booking, *hsa_ids: str) -> dict[str, dict]:
    rows = await booking.fetch(
        "SELECT hsa_id, name, profession, unit, active_from, active_to FROM practitioners WHERE hsa_id = ANY($1)",
        list(hsa_ids),
    )
    return {row["hsa_id"]: dict(row) for row in rows}


async def test_a_file_adds_the_practitioners_and_read_again_changes_nothing(booking):
    text = (
        "hsa_id,namn,yrke,aktiv_fran,aktiv_till\n"
        "SE2321000115-P000000601,Alva Ek,doctor,2027-01-01,\n"
        "SE2321000115-P000000602,Bo Al,Fysioterapeut,2027-01-01,2027-12-31\n"
    )

    first = await import_csv(booking, text)
    second = await import_csv(booking, text)

    assert first.status_code == 200, first.text
    assert first.json() == {"added": 2, "updated": 0}
    assert second.json() == {"added": 0, "updated": 2}
    found = await practitioners(booking, "SE2321000115-P000000601", "SE2321000115-P000000602")
    assert found["SE2321000115-P000000602"]["profession"] == "physiotherapist"
    assert str(found["SE2321000115-P000000602"]["active_to"]) == "2027-12-31"
    assert {p["unit"] for p in found.values()} == {UNIT_OSKARSTROM}


async def test_swedish_excel_with_semicolons_and_a_byte_order_mark_is_read_and_updates_what_is_there(booking):
    await import_csv(booking, "hsa_id,namn,yrke,aktiv_fran\nSE2321000115-P000000611,Gamla Namnet,Läkare,\n")
    excel = (
        "\ufeffHSA_ID;Namn;Yrke;Aktiv_från;Aktiv_till\r\n"
        "SE2321000115-P000000611;Åsa Öberg;distriktssköterska;2027-02-01;\r\n"
    )

    read = await import_csv(booking, excel.encode("utf-8"))

    assert read.status_code == 200, read.text
    assert read.json() == {"added": 0, "updated": 1}
    found = (await practitioners(booking, "SE2321000115-P000000611"))["SE2321000115-P000000611"]
    assert (found["name"], found["profession"], str(found["active_from"])) == (
        "Åsa Öberg",
        "district_nurse",
        "2027-02-01",
    )


async def test_bad_lines_are_all_named_and_nothing_is_saved(booking):
    text = (
        "hsa_id;namn;yrke;aktiv_fran;aktiv_till\n"
        "SE2321000115-P000000621;Rätt Rad;Sjuksköterska;;\n"
        "P000000622;Fel Id;Läkare;;\n"
        "\n"
        "SE2321000115-P000000623;;Läkare;;\n"
        "SE2321000115-P000000624;Fel Yrke;Kirurg;;\n"
        "SE2321000115-P000000625;Fel Datum;Läkare;1 januari;\n"
        "SE2321000115-P000000626;Baklänges;Läkare;2027-02-01;2027-01-01\n"
        "SE2321000115-P000000621;Dubblett;Läkare;;\n"
    )

    refused = await import_csv(booking, text)

    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "invalid_rows"
    assert [e["field"] for e in problem["errors"]] == ["rad 3", "rad 5", "rad 6", "rad 7", "rad 8", "rad 9"]
    assert "Kirurg" in problem["errors"][2]["message"] and "rad 2" in problem["errors"][5]["message"]
    assert "Inget sparades" in problem["detail"]
    assert await practitioners(booking, "SE2321000115-P000000621") == {}


async def test_a_practitioner_of_another_unit_is_a_bad_line(booking):
    [other] = await booking.fetch("SELECT hsa_id FROM practitioners WHERE unit = $1 LIMIT 1", UNIT_FYLLINGE)
    text = f"hsa_id,namn,yrke,aktiv_fran\nSE2321000115-P000000631,Ny Här,Kurator,\n{other['hsa_id']},Flyttad,Läkare,\n"

    refused = await import_csv(booking, text)

    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "rad 3", "message": "HSA-id:t finns redan på en annan enhet."}]
    assert await practitioners(booking, "SE2321000115-P000000631") == {}
    assert (await practitioners(booking, other["hsa_id"]))[other["hsa_id"]]["unit"] == UNIT_FYLLINGE


async def test_a_file_that_cannot_be_read_is_refused_in_swedish(booking):
    latin1 = await import_csv(
        booking, "hsa_id,namn,yrke,aktiv_fran\nSE2321000115-P000000641,Åsa,Läkare,\n".encode("latin-1")
    )
    no_header = await import_csv(booking, "SE2321000115-P000000642,Åsa,Läkare,\n")
    empty = await import_csv(booking, "")
    as_json = await import_csv(booking, '{"a": 1}', headers={"Content-Type": "application/json"})
    by_other_unit = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/practitioners/import",
        content=b"hsa_id,namn,yrke,aktiv_fran\n",
        headers={**SCHEDULER, **CSV},
    )

    assert latin1.status_code == 422 and "UTF-8" in latin1.json()["detail"]
    assert no_header.status_code == 422 and "Rubrikraden" in no_header.json()["detail"]
    assert empty.status_code == 422
    assert as_json.status_code == 415
    assert by_other_unit.status_code == 403
