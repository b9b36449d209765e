"""How the launcher builds Mailpit with the machine's Go, once per version, and starts it on loopback (no servers)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nara.devstack.errors import StackError
from nara.devstack.layout import StackLayout
from nara.devstack.mailpit import MODULE, VERSION, _bundle_web_inbox, fetch_mailpit, mailpit_command


def fake_tools(folder: Path, *, go_build_fails: bool = False) -> Path:
    """A `go`, `npm` and `node` that record their calls and do what the build needs of each: `go mod download`
    names a module source, `node` bundles the web inbox into server/ui/dist, `go build -o DIR` writes a binary."""
    bin_dir, source = folder / "bin", folder / "module-source"
    (source / "server" / "ui").mkdir(parents=True)
    (source / "package.json").write_text(
        json.dumps(
            {
                "dependencies": {"rapidoc": "^12.0.0", "vue": "^3"},
                "devDependencies": {"esbuild": "^0.28", "eslint": "^10"},
            }
        )
    )
    (source / "package-lock.json").write_text("{}")
    bin_dir.mkdir()
    build = 'echo "build failed" >&2; exit 1' if go_build_fails else 'printf "#!/bin/sh\\n" > "$5/mailpit"'
    scripts = {
        "go": f"""case "$1" in
  mod) echo '{{"Dir": "{source}"}}' ;;
  build) shift; {build} ;;
esac""",
        "npm": "true",
        "node": "mkdir -p server/ui/dist && echo bundle > server/ui/dist/app.js",
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(f'#!/bin/sh\necho "{name} $@" >> "{folder}/calls"\n{body}\n')
        (bin_dir / name).chmod(0o755)
    return bin_dir


@pytest.fixture
def layout(tmp_path: Path) -> StackLayout:
    layout = StackLayout(tmp_path / "stack", tmp_path / "cache")
    layout.ensure()
    return layout


def test_mailpit_is_built_once_per_version_with_its_web_inbox_into_the_shared_cache(
    layout: StackLayout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", f"{fake_tools(tmp_path)}{os.pathsep}{os.environ['PATH']}")

    first, second = fetch_mailpit(layout), fetch_mailpit(layout)

    assert first == second == layout.cache_dir / f"mailpit-{VERSION}" / "mailpit"
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls[0] == f"go mod download -json {MODULE}@{VERSION}"
    assert [call.split()[0] for call in calls] == ["go", "npm", "node", "go"]  # once: the second found the cache
    assert f"-X {MODULE}/config.Version={VERSION}" in calls[3]
    assert [path.name for path in layout.cache_dir.iterdir()] == [f"mailpit-{VERSION}"]
    assert [path.name for path in first.parent.iterdir()] == ["mailpit"]  # no source or node_modules kept


def test_the_inbox_is_bundled_with_versions_the_registry_serves_and_only_the_build_tools(tmp_path: Path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "package.json").write_text(
        json.dumps({"dependencies": {"rapidoc": "^12.0.0"}, "devDependencies": {"esbuild": "^0.28", "eslint": "^10"}})
    )
    (source / "package-lock.json").write_text("{}")
    (source / "esbuild.config.mjs").write_text("")
    fake_node = tmp_path / "bin"
    fake_node.mkdir()
    for name, body in {"npm": "true", "node": "mkdir -p server/ui/dist && touch server/ui/dist/app.js"}.items():
        (fake_node / name).write_text(f"#!/bin/sh\n{body}\n")
        (fake_node / name).chmod(0o755)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", f"{fake_node}{os.pathsep}{os.environ['PATH']}")
        _bundle_web_inbox(str(fake_node / "npm"), source)

    package = json.loads((source / "package.json").read_text())
    assert package["dependencies"]["rapidoc"] == "9.3.8" and package["overrides"]["sass-embedded"] == "1.105.0"
    assert package["devDependencies"] == {"esbuild": "^0.28"}
    assert not (source / "package-lock.json").exists()


def test_a_failed_build_says_why_and_leaves_nothing_behind(
    layout: StackLayout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", f"{fake_tools(tmp_path, go_build_fails=True)}{os.pathsep}{os.environ['PATH']}")

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
