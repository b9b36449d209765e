"""Prometheus's configuration and rules load, every alert fires and stays quiet in its promtool tests, every
metric a rule reads is one the services really export, and every alert leads to its section of the runbook.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from nara.devstack.services import SERVICES

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
RULE_FILES = sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.yml"))
RUNBOOK = REPO / "deploy" / "RUNBOOK.md"
SERVICE_JOBS = {spec.name for spec in SERVICES}


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def rules(kind: str) -> list[dict]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if kind in rule
    ]


def scrape_targets(config: Path) -> dict[str, list[str]]:
    scrape = yaml.safe_load(config.read_text())["scrape_configs"]
    return {job["job_name"]: [t for static in job["static_configs"] for t in static["targets"]] for job in scrape}


def runbook_anchors() -> set[str]:
    """GitHub's anchors for the runbook's headings, and any explicit <a id> or <a name>."""
    text = RUNBOOK.read_text(encoding="utf-8")
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, flags=re.MULTILINE)
    slugs = {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}
    return slugs | set(re.findall(r'<a\s+(?:id|name)="([^"]+)"', text))


def test_both_configurations_load_with_their_rule_files(promtool):
    for config in ("prometheus.yml", "prometheus-local.yml"):
        checked = run(promtool, "check", "config", str(PROMETHEUS_DIR / config))

        assert checked.returncode == 0, checked.stdout + checked.stderr
        # rule_files is relative to the configuration, so this proves the folder is found from it.
        for rule_file in RULE_FILES:
            assert f"Checking {PROMETHEUS_DIR / 'rules' / rule_file.name}" in checked.stdout + checked.stderr, (
                f"{config} did not load {rule_file.name}:\n{checked.stdout}{checked.stderr}"
            )


def test_the_rule_files_are_valid(promtool):
    checked = run(promtool, "check", "rules", *map(str, RULE_FILES))

    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_alert_fires_and_stays_quiet_as_its_promtool_tests_expect(promtool):
    tested = run(promtool, "test", "rules", *map(str, RULE_TESTS))

    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_each_alert_has_a_case_where_it_fires_and_one_where_it_does_not():
    fires, quiet = set(), set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (fires if check.get("exp_alerts") else quiet).add(check["alertname"])

    alerts = {rule["alert"] for rule in rules("alert")}
    assert alerts - fires == set(), "alerts no promtool test makes fire"
    assert alerts - quiet == set(), "alerts no promtool test shows quiet"


def test_every_metric_the_rules_read_is_exported_by_the_services_or_recorded(
    code_metric_names, recorded_metric_names, names_in
):
    unknown = {
        f"{rule.get('alert') or rule['record']}: {name}"
        for rule in rules("expr")
        for name in names_in(str(rule["expr"]))
        if name not in code_metric_names | recorded_metric_names
    }

    assert unknown == set(), "rules read metrics nothing exports (a renamed metric, or a typo)"


def test_every_alert_has_a_severity_swedish_text_and_a_runbook_section_that_exists():
    anchors = runbook_anchors()
    for alert in rules("alert"):
        name, annotations = alert["alert"], alert.get("annotations", {})
        assert alert.get("labels", {}).get("severity") in {"critical", "warning"}, name
        assert annotations.get("summary") and annotations.get("description"), name
        target = annotations.get("runbook_url", "")
        assert target.startswith("deploy/RUNBOOK.md#"), f"{name}: {target!r}"
        assert target.partition("#")[2] in anchors, f"{name}: deploy/RUNBOOK.md has no section {target!r}"


def test_the_compose_configuration_scrapes_each_service_where_docker_compose_runs_it():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    targets = scrape_targets(PROMETHEUS_DIR / "prometheus.yml")

    assert set(targets) >= SERVICE_JOBS
    for job in SERVICE_JOBS:
        host, port = targets[job][0].split(":")
        published = {str(mapping).split(":")[-1] for mapping in compose[host].get("ports", [])}
        assert host == job and port in published, f"{job} scrapes {targets[job]}, compose runs {compose[host]}"


def test_the_local_configuration_scrapes_the_ports_the_launcher_prefers():
    targets = scrape_targets(PROMETHEUS_DIR / "prometheus-local.yml")

    assert targets == {spec.name: [f"127.0.0.1:{spec.default_port}"] for spec in SERVICES}


def test_metric_names_are_read_from_promql_without_functions_keywords_labels_or_durations(names_in):
    expr = (
        'sum by (service, le) (rate(nara_http_request_duration_seconds_bucket{route=~"/a|b",status="5xx"}[5m]))'
        " / on (job) group_left (topic) job:nara_outbox_pending:max offset 1h > bool 0.5e3"
        ' unless up{job="x"} or vector(0) and (process_start_time_seconds > time() - 3600)'
    )

    assert names_in(expr) == {
        "nara_http_request_duration_seconds_bucket",
        "job:nara_outbox_pending:max",
        "up",
        "process_start_time_seconds",
    }
