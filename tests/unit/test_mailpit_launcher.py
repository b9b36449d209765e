"""How the launcher builds Mailpit with the machine's Go, once per version, and starts it on loopback (no servers)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nara.devstack.errors import StackError
from nara.devstack.layout import StackLayout
from nara.devstack.mailpit import MODULE, VERSION, fetch_mailpit, mailpit_command


def fake_go(folder: Path, *, fails: bool = False) -> Path:
    """A `go` that records its arguments and, like `go install`, puts a binary into GOBIN."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "go"
    body = 'echo "build failed" >&2; exit 1' if fails else 'printf "#!/bin/sh\\n" > "$GOBIN/mailpit"'
    script.write_text(f'#!/bin/sh\necho "$@" >> "{folder}/calls"\n{body}\n')
    script.chmod(0o755)
    return folder


@pytest.fixture
def layout(tmp_path: Path) -> StackLayout:
    layout = StackLayout(tmp_path / "stack", tmp_path / "cache")
    layout.ensure()
    return layout


def test_mailpit_is_built_once_per_version_into_the_shared_cache(
    layout: StackLayout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    go = fake_go(tmp_path / "go-bin")
    monkeypatch.setenv("PATH", f"{go}{os.pathsep}{os.environ['PATH']}")

    first, second = fetch_mailpit(layout), fetch_mailpit(layout)

    assert first == second == layout.cache_dir / f"mailpit-{VERSION}" / "mailpit"
    assert (go / "calls").read_text().splitlines() == [f"install {MODULE}@{VERSION}"]
    assert [path.name for path in layout.cache_dir.iterdir()] == [f"mailpit-{VERSION}"]


def test_a_failed_build_says_why_and_leaves_no_half_binary(
    layout: StackLayout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", f"{fake_go(tmp_path / 'go-bin', fails=True)}{os.pathsep}{os.environ['PATH']}")

    with pytest.raises(StackError, match="build failed"):
        fetch_mailpit(layout)

    assert list(layout.cache_dir.iterdir()) == []


def test_without_go_the_launcher_says_what_to_install_or_how_to_start_without_mail(
    layout: StackLayout, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("nara.devstack.mailpit.shutil.which", lambda _name: None)
    monkeypatch.setattr("nara.devstack.mailpit.Path.is_file", lambda _path: False)

    with pytest.raises(StackError, match="--no-mail") as refused:
        fetch_mailpit(layout)

    assert "Go" in str(refused.value)


def test_mailpit_listens_on_loopback_only_and_asks_no_network():
    command = mailpit_command(Path("/cache/mailpit"), smtp_port=1025, http_port=8025, database=Path("/s/mailpit.db"))

    assert {"--listen=127.0.0.1:8025", "--smtp=127.0.0.1:1025", "--disable-version-check"} <= set(command)
    assert "--database=/s/mailpit.db" in command
