"""The citizen pages sign with the key the staff pages check for: BOOKING_PAGES_SECRET also as a mounted file."""

from types import SimpleNamespace

import pytest

from nara.booking.entrypoints.pages.session import pages_key

pytestmark = pytest.mark.unit


def request_with(settings: object) -> SimpleNamespace:
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(settings=settings)))


def test_a_key_given_only_as_a_file_in_the_settings_folder_signs_the_citizen_pages(tmp_path, monkeypatch):
    (tmp_path / "BOOKING_PAGES_SECRET").write_text("shared-by-every-replica\n")
    monkeypatch.delenv("BOOKING_PAGES_SECRET", raising=False)
    monkeypatch.setenv("NARA_SETTINGS_DIR", str(tmp_path))

    replicas = [request_with(SimpleNamespace(pages_secret=None)) for _ in range(2)]

    assert pages_key(replicas[0]) == pages_key(replicas[1]) == b"shared-by-every-replica"
