"""The Grafana dashboards load as provisioned: valid dashboard JSON on the provisioned Prometheus, PromQL that
parses, and only metrics the services export or the recording rules record.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
GRAFANA = REPO / "deploy" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
# Grafana fills these in before a query reaches Prometheus; promtool needs a plain duration.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}
NEEDED = {
    "booking flow": "nara-booking-flow",
    "triage flow": "nara-triage-flow",
    "guarantee compliance": "nara-guarantee-compliance",
    "Kafka and outbox health": "nara-kafka-outbox",
}


def provisioned_datasource() -> dict:
    return yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())["datasources"][0]


def dashboards() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in DASHBOARDS}


def queries() -> list[tuple[str, str, str]]:
    """(dashboard file, panel title, PromQL) for every query of every panel."""
    return [
        (name, panel["title"], target["expr"])
        for name, board in dashboards().items()
        for panel in board["panels"]
        for target in panel.get("targets", [])
    ]


def for_prometheus(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def test_the_four_dashboards_exist_as_valid_dashboard_json_with_unique_uids():
    boards = dashboards()
    uids = [board["uid"] for board in boards.values()]

    assert set(NEEDED.values()) <= set(uids), f"missing dashboards: {set(NEEDED.values()) - set(uids)}"
    assert len(uids) == len(set(uids))
    for name, board in boards.items():
        assert isinstance(board["schemaVersion"], int) and board["schemaVersion"] >= 36, name
        assert board["title"] and board["panels"], name
        panel_ids = [panel["id"] for panel in board["panels"]]
        assert len(panel_ids) == len(set(panel_ids)), f"{name}: panel ids repeat"
        for panel in board["panels"]:
            assert {"h", "w", "x", "y"} <= set(panel["gridPos"]) and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24


def test_every_query_uses_the_provisioned_prometheus():
    datasource = provisioned_datasource()

    assert datasource["type"] == "prometheus" and datasource["url"] == "http://prometheus:9090"
    for name, board in dashboards().items():
        for panel in board["panels"]:
            if panel["type"] in ("text", "row"):
                continue
            assert panel["datasource"] == {"type": "prometheus", "uid": datasource["uid"]}, (name, panel["title"])
            assert panel["targets"], (name, panel["title"])
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == datasource["uid"] and target["refId"] and target["expr"]


def test_grafana_loads_the_dashboards_from_where_docker_compose_mounts_them():
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "nara.yml").read_text())["providers"][0]
    grafana = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]["grafana"]
    mounts = {volume.split(":")[0].removeprefix("./"): volume.split(":")[1] for volume in grafana["volumes"]}

    assert mounts["deploy/grafana/dashboards"] == provider["options"]["path"]
    assert mounts["deploy/grafana/provisioning"] == "/etc/grafana/provisioning"


def test_every_metric_a_panel_reads_is_exported_by_the_services_or_recorded(
    code_metric_names, recorded_metric_names, names_in
):
    unknown = {
        f"{name} / {title}: {metric}"
        for name, title, expr in queries()
        for metric in names_in(for_prometheus(expr))
        if metric not in code_metric_names | recorded_metric_names
    }

    assert unknown == set(), "panels read metrics nothing exports (a renamed metric, or a typo)"


def test_every_panel_query_is_valid_promql(promtool, tmp_path):
    # promtool has no query check of its own; as recording rules, the queries are parsed like any rule.
    found = queries()
    rules = [
        {"record": f"dashboard:query_{index}", "expr": for_prometheus(expr)} for index, (_, _, expr) in enumerate(found)
    ]
    (tmp_path / "queries.yml").write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))

    checked = subprocess.run(
        [promtool, "check", "rules", str(tmp_path / "queries.yml")], capture_output=True, text=True, timeout=60
    )

    failing = {
        f"{found[int(index)][0]} / {found[int(index)][1]}"
        for index in re.findall(r"dashboard:query_(\d+)", checked.stdout + checked.stderr)
    }
    assert checked.returncode == 0, f"{failing or ''}\n{checked.stdout}{checked.stderr}"
