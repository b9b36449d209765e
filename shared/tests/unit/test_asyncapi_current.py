"""The committed AsyncAPI document is the one the code generates, and it covers the contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from nara.shared import topics
from nara.shared.events import EVENT_MODELS

COMMITTED = Path(__file__).resolve().parents[2] / "asyncapi.yaml"
REGENERATE = "uv run faststream docs gen nara.shared.events.asyncapi:app --yaml --out shared/asyncapi.yaml"


def test_the_committed_asyncapi_document_is_current(tmp_path):
    fresh = tmp_path / "asyncapi.yaml"
    # FastStream's own generator, in a separate process: the output cannot depend on this test process.
    faststream = Path(sys.executable).parent / "faststream"
    subprocess.run(  # noqa: S603 -- our own generator and module path, no input
        [str(faststream), "docs", "gen", "nara.shared.events.asyncapi:app", "--yaml", "--out", str(fresh)],
        check=True,
        capture_output=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert COMMITTED.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
        f"shared/asyncapi.yaml is stale; regenerate it with: {REGENERATE}"
    )


def test_the_document_covers_every_topic_and_every_event_type():
    document = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    expected_channels = {spec.name for spec in topics.CONTRACT_TOPICS}
    assert {channel["address"] for channel in document["channels"].values()} == expected_channels

    schemas = document["components"]["schemas"]
    documented_types = {
        schema["properties"]["type"]["const"]
        for schema in schemas.values()
        if "const" in schema.get("properties", {}).get("type", {})
    }
    assert documented_types == set(EVENT_MODELS)
