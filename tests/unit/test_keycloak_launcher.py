"""How the launcher finds a JDK for Keycloak and lays out a stack's own Keycloak home (no servers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nara.devstack.errors import StackError
from nara.devstack.java import find_java_home, require_java_home
from nara.devstack.keycloak import BUILD_TEMPLATE, BUILT_MARKER, keycloak_command, prepare_home
from nara.devstack.layout import KEYCLOAK_REALM


def fake_jdk(folder: Path, version: str) -> Path:
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "java").write_text("#!/bin/sh\n")
    (folder / "release").write_text(f'IMPLEMENTOR="Test"\nJAVA_VERSION="{version}"\n')
    return folder


def test_java_home_is_used_when_it_is_new_enough(tmp_path: Path):
    home = fake_jdk(tmp_path / "home25", "25.0.3")
    fake_jdk(tmp_path / "jvm" / "jdk-21", "21.0.9")

    assert find_java_home(21, java_home=str(home), jvm_folder=tmp_path / "jvm") == home


def test_an_old_java_home_gives_way_to_the_newest_installed_jdk(tmp_path: Path):
    """The machine's default is Java 17 (Kafka's); Keycloak needs 21, which sits beside it under /usr/lib/jvm."""
    old = fake_jdk(tmp_path / "jvm" / "java-17-openjdk-amd64", "17.0.16")
    fake_jdk(tmp_path / "jvm" / "jdk-21", "21.0.9")
    newest = fake_jdk(tmp_path / "jvm" / "temurin-25-jdk-amd64", "25.0.3")
    (tmp_path / "jvm" / "not-a-jdk").mkdir()

    assert find_java_home(21, java_home=str(old), jvm_folder=tmp_path / "jvm") == newest


def test_no_new_enough_jdk_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    fake_jdk(tmp_path / "jvm" / "java-17-openjdk-amd64", "17.0.16")
    monkeypatch.setattr("nara.devstack.java.JVM_FOLDER", tmp_path / "jvm")
    monkeypatch.delenv("JAVA_HOME", raising=False)

    with pytest.raises(StackError) as refusal:
        require_java_home(21, needed_by="Keycloak")

    assert "Keycloak needs Java 21 or newer" in str(refusal.value)
    assert "openjdk-21-jdk-headless" in str(refusal.value) and "--no-idp" in str(refusal.value)


def fake_distribution(folder: Path) -> Path:
    for part in ("bin", "conf", "lib/quarkus", "lib/lib/main", "lib/app", "themes", "providers"):
        (folder / part).mkdir(parents=True)
    (folder / "bin" / "kc.sh").write_text("#!/bin/bash\n")
    (folder / "lib" / "quarkus" / "generated-bytecode.jar").write_text("as shipped")
    (folder / "lib" / "quarkus-run.jar").write_text("manifest")
    (folder / "version.txt").write_text("Keycloak - Version 26.7.3\n")
    return folder


def test_a_stack_home_owns_what_keycloak_writes_and_shares_the_jars(tmp_path: Path):
    distribution = fake_distribution(tmp_path / "cache" / "keycloak-26.7.3")

    home = prepare_home(distribution, tmp_path / "stack" / "keycloak")

    for written in ("bin", "conf", "lib/quarkus", "lib/quarkus-run.jar"):
        assert not (home / written).is_symlink() and (home / written).exists()
    for shared in ("lib/lib", "lib/app", "themes", "providers", "version.txt"):
        assert (home / shared).resolve() == (distribution / shared).resolve()
    assert not (home / BUILT_MARKER).exists()  # nothing built yet: the first start is a cold one


def test_a_new_stack_home_starts_from_an_earlier_build(tmp_path: Path):
    distribution = fake_distribution(tmp_path / "cache" / "keycloak-26.7.3")
    (distribution.parent / BUILD_TEMPLATE).mkdir()
    (distribution.parent / BUILD_TEMPLATE / "generated-bytecode.jar").write_text("built for start-dev")

    home = prepare_home(distribution, tmp_path / "stack" / "keycloak")

    assert (home / "lib" / "quarkus" / "generated-bytecode.jar").read_text() == "built for start-dev"
    assert (home / BUILT_MARKER).exists()


def test_keycloak_listens_on_loopback_and_imports_the_realm_in_memory():
    command = keycloak_command(Path("/home"), 18080)

    assert {"start-dev", "--http-host=127.0.0.1", "--http-port=18080", "--import-realm", "--db=dev-mem"} <= set(command)


def test_the_realm_file_names_the_realm_and_both_clients_with_pkce():
    realm = json.loads(KEYCLOAK_REALM.read_text())
    clients = {client["clientId"]: client for client in realm["clients"]}

    assert realm["realm"] == "nara"
    assert set(clients) == {"nara-citizen", "nara-staff"}
    for client in clients.values():
        assert client["publicClient"] is False and client["standardFlowEnabled"] is True
        assert client["attributes"]["pkce.code.challenge.method"] == "S256"
        assert client["implicitFlowEnabled"] is False
