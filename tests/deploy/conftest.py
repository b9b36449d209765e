"""What the Prometheus rule and Grafana dashboard checks share: promtool, and the metric names that really exist."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from prometheus_client import ProcessCollector

from nara.devstack.tools import find_tool

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
RULE_FILES = sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))
CODE_DIRS = [REPO / "shared" / "src", *sorted((REPO / "services").glob("*/src"))]

METRIC_DEFINITION = re.compile(r"\b(Counter|Gauge|Histogram|Summary)\(\s*[\"']([a-zA-Z_:][a-zA-Z0-9_:]*)[\"']")
# What prometheus_client exposes for each kind of metric, from the name it was given.
EXPOSED_SUFFIXES = {
    "Gauge": ("",),
    "Histogram": ("_bucket", "_count", "_sum", "_created"),
    "Summary": ("", "_count", "_sum", "_created"),
}
PROMQL_WORDS = {
    "and",
    "or",
    "unless",
    "offset",
    "bool",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "inf",
    "nan",
}


@pytest.fixture(scope="session")
def promtool() -> str:
    found = find_tool("promtool")
    if found is None:
        pytest.skip("promtool is not installed ('./nara test' installs it, or: apt-get install prometheus)")
    return found


def exposed_names(kind: str, name: str) -> set[str]:
    if kind == "Counter":
        base = name.removesuffix("_total")
        return {base + "_total", base + "_created"}
    return {name + suffix for suffix in EXPOSED_SUFFIXES[kind]}


@pytest.fixture(scope="session")
def code_metric_names() -> set[str]:
    """Every series name the services' own metric definitions expose, plus what every process and Prometheus add."""
    names: set[str] = set()
    for directory in CODE_DIRS:
        for source in directory.rglob("*.py"):
            for kind, name in METRIC_DEFINITION.findall(source.read_text(encoding="utf-8")):
                names |= exposed_names(kind, name)
    assert {"nara_http_request_duration_seconds_bucket", "nara_outbox_published_total"} <= names, (
        "the scan of the metric definitions found too little; has the way metrics are defined changed?"
    )
    # prometheus_client's default registry exports the process metrics; Prometheus adds `up` to every target.
    library = {family.name for family in ProcessCollector(registry=None).collect()}
    return names | library | {"up"}


@pytest.fixture(scope="session")
def recorded_metric_names() -> set[str]:
    return {
        rule["record"]
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "record" in rule
    }


def metric_names_in(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (not its functions, keywords, labels or durations)."""
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", "{}", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "[]", text)  # ranges and subqueries
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)  # label lists
    words = re.findall(r"(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()", text)  # not a function's name
    return {word for word in words if word.lower() not in PROMQL_WORDS}


@pytest.fixture(scope="session")
def names_in() -> Callable[[str], set[str]]:
    return metric_names_in
