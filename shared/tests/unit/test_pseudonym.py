import base64
import hashlib
import hmac
import logging
import re
from urllib.parse import quote

import pytest

from nara.shared.personnummer import InvalidPersonnummer
from nara.shared.pseudonym import (
    DEVELOPMENT_KEY,
    PseudonymConfigurationError,
    Pseudonymiser,
    pseudonymiser_from_environment,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_every_written_form_of_one_person_gives_the_same_pseudonym():
    pseudonymiser = Pseudonymiser(KEY)
    forms = ["19121212-1212", "191212121212", "19121212+1212", "121212+1212", " 19121212-1212 "]

    assert len({pseudonymiser.pseudonym(form) for form in forms}) == 1


def test_a_pseudonym_is_short_url_safe_prefixed_and_reveals_nothing_of_the_number():
    pseudonym = Pseudonymiser(KEY).pseudonym("19121212-1212")

    assert re.fullmatch(r"p_[a-z2-7]{32}", pseudonym)  # 32 base32 characters carry 160 bits
    assert quote(pseudonym, safe="") == pseudonym
    assert "121212" not in pseudonym


def test_the_pseudonym_is_hmac_sha256_of_the_twelve_digits_so_any_service_can_compute_it():
    # Pinned, because changing it would give every patient a new pseudonym in every topic.
    digest = hmac.new(KEY, b"191212121212", hashlib.sha256).digest()[:20]
    expected = "p_" + base64.b32encode(digest).decode().lower()

    assert Pseudonymiser(KEY).pseudonym("121212+1212") == expected


def test_different_people_get_different_pseudonyms():
    pseudonymiser = Pseudonymiser(KEY)

    assert pseudonymiser.pseudonym("19121212-1212") != pseudonymiser.pseudonym("20121212-1212")
    assert pseudonymiser.pseudonym("19121212-1212") != pseudonymiser.pseudonym("701063-2391")


def test_a_different_key_gives_a_different_pseudonym_for_the_same_person():
    assert Pseudonymiser(KEY).pseudonym("19121212-1212") != Pseudonymiser(OTHER_KEY).pseudonym("19121212-1212")


@pytest.mark.parametrize("key", [b"", b"short", bytes(31), "a string key of more than 32 chars"])
def test_keys_shorter_than_32_bytes_or_not_bytes_are_refused(key):
    with pytest.raises(ValueError, match="at least 32"):
        Pseudonymiser(key)


def test_an_invalid_number_gets_no_pseudonym():
    with pytest.raises(InvalidPersonnummer):
        Pseudonymiser(KEY).pseudonym("19121212-1213")


def test_the_key_does_not_show_in_the_pseudonymisers_repr():
    assert KEY.hex() not in repr(Pseudonymiser(KEY)) and str(KEY) not in repr(Pseudonymiser(KEY))


@pytest.fixture
def environment(monkeypatch):
    monkeypatch.delenv("NARA_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("NARA_ENVIRONMENT", raising=False)
    return monkeypatch


def test_the_key_is_read_from_the_environment_as_hex(environment):
    environment.setenv("NARA_PSEUDONYM_KEY", OTHER_KEY.hex())
    environment.setenv("NARA_ENVIRONMENT", "production")

    from_environment = pseudonymiser_from_environment()

    assert from_environment.pseudonym("19121212-1212") == Pseudonymiser(OTHER_KEY).pseudonym("19121212-1212")


@pytest.mark.parametrize("environment_name", [None, "development", "test"])
def test_outside_production_an_unset_key_falls_back_to_the_development_key_with_a_warning(
    environment, environment_name, caplog
):
    if environment_name:
        environment.setenv("NARA_ENVIRONMENT", environment_name)

    with caplog.at_level(logging.WARNING):
        from_environment = pseudonymiser_from_environment()

    assert from_environment.pseudonym("19121212-1212") == Pseudonymiser(DEVELOPMENT_KEY).pseudonym("19121212-1212")
    assert "development key" in caplog.text


@pytest.mark.parametrize("unset_key", [None, "", "   "])
@pytest.mark.parametrize("production", ["production", " Production "])
def test_in_production_a_missing_key_is_refused_with_a_message_that_says_what_to_set(
    environment, unset_key, production
):
    environment.setenv("NARA_ENVIRONMENT", production)
    if unset_key is not None:
        environment.setenv("NARA_PSEUDONYM_KEY", unset_key)

    with pytest.raises(PseudonymConfigurationError, match=r"NARA_PSEUDONYM_KEY.*hex"):
        pseudonymiser_from_environment()


@pytest.mark.parametrize(
    ("written_key", "complaint"),
    [
        ("not-hex-at-all", "hex digits"),
        (base64.b64encode(KEY).decode(), "hex digits"),
        (bytes(16).hex(), "16 bytes"),
    ],
)
def test_an_unusable_key_is_refused_in_every_environment(environment, written_key, complaint):
    environment.setenv("NARA_PSEUDONYM_KEY", written_key)

    with pytest.raises(PseudonymConfigurationError, match=complaint):
        pseudonymiser_from_environment()
