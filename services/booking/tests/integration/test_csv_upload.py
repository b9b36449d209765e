"""Both imports (practitioners, weekly templates) read a CSV body the same way: a JSON body is a 415, a file over
1 MB a 413, a file that is not UTF-8 a 422, each a problem in Swedish, and nothing is imported."""

import pytest
from booking_support import UNIT_FALKENBERG, in_process_booking, staff

SCHEDULER = staff([UNIT_FALKENBERG], role="scheduler", hsa_id="SE2321000115-P000000950")
IMPORTS = [f"/api/v1/care-units/{UNIT_FALKENBERG}/{kind}/import" for kind in ("practitioners", "templates")]
CSV = {"Content-Type": "text/csv; charset=utf-8"}


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, prefix="csvupload") as booking:
        yield booking


@pytest.mark.parametrize("path", IMPORTS)
@pytest.mark.parametrize(
    ("body", "headers", "status", "words"),
    [
        (b'{"rows": []}', {"Content-Type": "application/json"}, 415, "text/csv"),
        (b"x" * 1_000_001, CSV, 413, "för stor"),
        ("hsa_id;namn;yrke\nSE2321000115-P000000960;Åsa;Läkare\n".encode("latin-1"), CSV, 422, "UTF-8"),
    ],
)
async def test_a_file_that_cannot_be_read_is_a_problem_and_imports_nothing(booking, path, body, headers, status, words):
    before = await booking.fetch(
        "SELECT (SELECT count(*) FROM practitioners) + (SELECT count(*) FROM weekly_templates) AS n"
    )

    answer = await booking.client.post(path, content=body, headers={**SCHEDULER, **headers})

    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert words in answer.json()["detail"]
    after = await booking.fetch(
        "SELECT (SELECT count(*) FROM practitioners) + (SELECT count(*) FROM weekly_templates) AS n"
    )
    assert after == before
