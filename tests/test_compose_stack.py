"""docker-compose.yml gives the full stack where a Docker engine exists; no engine runs here, so check its shape."""

import posixpath
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from nara.devstack.tools import find_tool

ROOT = Path(__file__).resolve().parents[1]
SERVICES = {"booking": 8001, "triage": 8002, "guarantee-monitor": 8003}
# What a person opens in the browser: the README's Docker section names each of these.
TOOL_UIS = {"jaeger": 16686, "prometheus": 9090, "grafana": 3000, "mailpit": 8025}
# Containers Docker cannot probe, and why; nothing may wait for them to be healthy.
UNPROBED = {"otel-collector": "the image is a lone binary with no shell or HTTP client to run a check with"}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def collector_config() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "compose" / "otel-collector.yaml").read_text())


def bind_mounts(service: dict) -> dict[str, Path]:
    """Container path -> repository path, for the volumes that mount a file or folder of the repository."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("./"):
            mounts[target] = ROOT / source
    return mounts


def final_stage(dockerfile: str) -> str:
    return re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[-1]


def test_docker_compose_accepts_the_file():
    docker_compose = find_tool("docker-compose")
    if docker_compose is None:
        pytest.skip("docker-compose is not installed ('./nara test' installs it with apt-get when it runs as root)")
    checked = subprocess.run(  # noqa: S603 -- the docker-compose found on PATH, our own arguments
        [docker_compose, "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    resolved = subprocess.run(  # noqa: S603 -- the docker-compose found on PATH, our own arguments
        [docker_compose, "-f", "docker-compose.yml", "config", "--services"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert set(resolved.stdout.split()) == set(compose()["services"])


def test_the_project_is_named_nara_for_every_compose_version():
    # A top-level 'name:' is Compose v2 only; .env names the containers and volumes nara_* for both.
    assert "name" not in compose()
    assert "COMPOSE_PROJECT_NAME=nara" in (ROOT / ".env").read_text().splitlines()


def test_compose_runs_kafka_kraft_postgres_16_and_the_three_services_once_both_are_healthy():
    services = compose()["services"]

    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert services["postgres"]["image"] == "postgres:16"
    for name, port in SERVICES.items():
        service = services[name]
        assert service["build"]["dockerfile"] == f"services/{name}/Dockerfile"
        assert "image" not in service
        for dependency in ("kafka", "postgres"):
            assert service["depends_on"][dependency] == {"condition": "service_healthy"}, (name, dependency)
        assert service["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:29092"
        database_url = service["environment"][f"{name.upper().replace('-', '_')}_DATABASE_URL"]
        assert database_url.endswith("/" + name.replace("-", "_"))
        assert service["ports"] == [f"{port}:{port}"]
    # The citizens' pages call triage, and the console calls booking, by their compose host names.
    assert services["booking"]["environment"]["BOOKING_TRIAGE_URL"] == "http://triage:8002"
    assert services["triage"]["environment"]["TRIAGE_BOOKING_URL"] == "http://booking:8001"


def test_every_container_has_a_health_check_or_a_stated_reason_why_not():
    services = compose()["services"]
    assert {"otel-collector", "jaeger", "prometheus", "grafana"} <= set(services)
    for name, service in services.items():
        if name in UNPROBED:
            assert "healthcheck" not in service
            continue
        if "build" in service:
            dockerfile = (ROOT / service["build"]["dockerfile"]).read_text()
            assert "HEALTHCHECK" in final_stage(dockerfile) or "healthcheck" in service, name
        else:
            assert service["healthcheck"]["test"], name
        assert not service.get("healthcheck", {}).get("disable"), name
    # A container that is never 'healthy' would hold up whatever waits for it forever.
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            if dependency in UNPROBED:
                assert condition == {"condition": "service_started"}, (name, dependency)


def test_each_service_image_runs_as_a_non_root_user_and_checks_its_readiness():
    services = compose()["services"]
    for name, port in SERVICES.items():
        stage = final_stage((ROOT / "services" / name / "Dockerfile").read_text())
        users = re.findall(r"^USER\s+(\S+)", stage, flags=re.MULTILINE)
        assert users and users[-1] not in {"root", "0", "0:0"}, name
        assert users[-1] == "nara"
        assert "useradd --system" in stage
        assert "user" not in services[name], "compose must not override the image's non-root user"
        assert f"127.0.0.1:{port}/readyz" in stage
        assert f'CMD ["nara-{name}", "serve"]' in stage


def test_compose_creates_the_database_each_service_connects_to():
    init_sql = (ROOT / "deploy" / "compose" / "postgres-init.sql").read_text()
    for name in SERVICES:
        database = name.replace("-", "_")
        assert f"CREATE DATABASE {database} OWNER {database}" in init_sql


def test_every_file_and_folder_compose_mounts_is_in_the_repository():
    # Docker would mount a missing source as an empty folder, and the tool would start without its config.
    services = compose()["services"]
    expected = {
        "postgres": {"/docker-entrypoint-initdb.d/10-service-databases.sql": "deploy/compose/postgres-init.sql"},
        "otel-collector": {"/etc/otelcol-contrib/config.yaml": "deploy/compose/otel-collector.yaml"},
        "prometheus": {
            "/etc/prometheus/prometheus.yml": "deploy/prometheus/prometheus.yml",
            "/etc/prometheus/rules": "deploy/prometheus/rules",
        },
        "grafana": {
            "/etc/grafana/provisioning": "deploy/grafana/provisioning",
            "/var/lib/grafana/dashboards": "deploy/grafana/dashboards",
        },
    }
    for name, mounts in expected.items():
        assert bind_mounts(services[name]) == {target: ROOT / source for target, source in mounts.items()}, name
    for name, service in services.items():
        for volume in service.get("volumes", []):
            if volume.startswith("./"):
                assert volume.endswith(":ro"), f"{name} may not write into the repository: {volume}"
        for target, source in bind_mounts(service).items():
            assert source.exists(), f"{name} mounts {source.relative_to(ROOT)}, which is not in the repository"
            # A file mounted where the image expects a file, a folder where it expects a folder.
            assert source.is_file() == bool(Path(target).suffix), (name, target)


def test_prometheus_reads_its_rules_from_the_folder_compose_mounts():
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    assert config.get("rule_files"), "prometheus.yml names no rule files"
    for pattern in config["rule_files"]:
        # Prometheus reads a relative rule path from the config file's folder, where compose mounts it.
        in_container = posixpath.normpath(posixpath.join("/etc/prometheus", pattern))
        assert in_container.startswith("/etc/prometheus/rules/"), pattern
    assert list((ROOT / "deploy" / "prometheus" / "rules").glob("*.yml")), "no rule files to load"


def test_the_collector_receives_otlp_from_the_services_and_exports_traces_to_jaeger():
    services = compose()["services"]
    config = collector_config()
    pipeline = config["service"]["pipelines"]["traces"]

    assert "otlp" in pipeline["receivers"]
    protocols = config["receivers"]["otlp"]["protocols"]
    # The collector's default is localhost, which other containers cannot reach.
    assert protocols["http"]["endpoint"] == "0.0.0.0:4318"
    assert protocols["grpc"]["endpoint"] == "0.0.0.0:4317"
    assert "batch" in pipeline["processors"]
    assert set(pipeline["processors"]) <= set(config["processors"])

    [exporter] = pipeline["exporters"]
    assert exporter.split("/")[0] in {"otlp_grpc", "otlp"}
    endpoint = config["exporters"][exporter]["endpoint"]
    assert endpoint == "jaeger:4317"
    assert "jaeger" in services and services["jaeger"]["image"].startswith("jaegertracing/")
    assert services["otel-collector"]["depends_on"]["jaeger"] == {"condition": "service_healthy"}
    assert set(config["service"]["extensions"]) <= set(config["extensions"])

    for name in SERVICES:
        environment = services[name]["environment"]
        assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318", name
        assert "otel-collector" in services[name]["depends_on"]


def test_the_ops_page_links_each_alert_to_its_trace_in_jaeger(monkeypatch):
    from nara.guarantee_monitor.settings import GuaranteeMonitorSettings

    services = compose()["services"]
    environment = services["guarantee-monitor"]["environment"]
    for key, value in environment.items():
        monkeypatch.setenv(key, str(value))
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"

    link = GuaranteeMonitorSettings().trace_url_template.format(trace_id=trace_id)

    url = urlsplit(link)
    assert url.path == f"/trace/{trace_id}"
    # The link opens in the operator's browser, so it must name the port Jaeger's UI is published on.
    assert url.hostname in {"localhost", "127.0.0.1"}
    assert f"{url.port}:16686" in services["jaeger"]["ports"]


def test_grafana_keeps_its_admin_password_out_of_the_repository_and_lets_viewers_in():
    grafana = compose()["services"]["grafana"]["environment"]
    assert grafana["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:-")
    assert grafana["GF_AUTH_ANONYMOUS_ENABLED"] == "true"
    assert grafana["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"


def test_every_image_is_pinned_to_a_version():
    for name, service in compose()["services"].items():
        if "image" in service:
            repository, _, tag = service["image"].rpartition(":")
            assert repository and tag and tag != "latest" and "/" not in tag, f"{name}: {service['image']}"
            assert re.search(r"\d", tag), f"{name}: {service['image']}"
    for name in SERVICES:
        for base in re.findall(r"^FROM\s+(\S+)", (ROOT / "services" / name / "Dockerfile").read_text(), re.MULTILINE):
            assert ":" in base and not base.endswith(":latest"), f"{name}: FROM {base}"


def test_the_readme_docker_section_names_every_address_compose_publishes():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## With Docker", 1)[1].split("\n## ", 1)[0]
    services = compose()["services"]
    for name, port in {**SERVICES, **TOOL_UIS}.items():
        assert f"{port}:{port}" in services[name]["ports"], name
        assert f"http://localhost:{port}" in section, name
    assert "docker compose down" in section


def test_compose_runs_keycloak_with_the_realm_of_the_local_stack_and_the_services_trust_it():
    from nara.devstack.layout import KEYCLOAK_REALM

    services = compose()["services"]
    keycloak = services["keycloak"]

    assert "--import-realm" in keycloak["command"]
    assert bind_mounts(keycloak) == {f"/opt/keycloak/data/import/{KEYCLOAK_REALM.name}": KEYCLOAK_REALM}
    assert "8080:8080" in keycloak["ports"]
    # The browser's issuer on the host; the services' back channel inside the network (see the next test).
    assert keycloak["environment"]["KC_HOSTNAME_BACKCHANNEL_DYNAMIC"] == "true"
    issuer = f"{keycloak['environment']['KC_HOSTNAME']}/realms/nara"
    for name in SERVICES:
        environment = services[name]["environment"]
        assert environment["NARA_OIDC_ISSUER"] == issuer, name
        assert environment["NARA_OIDC_DISCOVERY_URL"] == (
            "http://keycloak:8080/realms/nara/.well-known/openid-configuration"
        ), name
        assert services[name]["depends_on"]["keycloak"] == {"condition": "service_healthy"}, name


# The clients each service's pages log in with (login.py's client_prefix), and where each app's callback is.
PAGE_CLIENTS = {
    "booking": {"NARA_CITIZEN_OIDC": ["/logga-in/klar"], "NARA_STAFF_OIDC": ["/personal/schema/logga-in/klar"]},
    "triage": {"NARA_STAFF_OIDC": ["/console/logga-in/klar"]},
    "guarantee-monitor": {"NARA_STAFF_OIDC": ["/ops/logga-in/klar"]},
}


def redirect_allowed(patterns: list[str], address: str) -> bool:
    """Keycloak's rule for a registered redirect URI: a trailing '*' matches any rest; on a loopback host any port."""
    parts = urlsplit(address)
    loopback = f"{parts.scheme}://{parts.hostname}{parts.path}"
    return any(
        candidate.startswith(pattern[:-1]) if pattern.endswith("*") else candidate == pattern
        for pattern in patterns
        for candidate in (address, loopback)
    )


def test_compose_gives_every_app_a_page_login_through_keycloak_with_the_realms_clients():
    import json

    from nara.devstack.layout import KEYCLOAK_REALM

    realm = {client["clientId"]: client for client in json.loads(KEYCLOAK_REALM.read_text())["clients"]}
    services = compose()["services"]
    for name, clients in PAGE_CLIENTS.items():
        environment = services[name]["environment"]
        for prefix, callbacks in clients.items():
            client = realm[environment[f"{prefix}_CLIENT_ID"]]
            assert environment[f"{prefix}_CLIENT_SECRET"] == client["secret"], (name, prefix)
            for callback in callbacks:
                address = f"http://localhost:{SERVICES[name]}{callback}"
                assert redirect_allowed(client["redirectUris"], address), address


def test_compose_runs_the_mailpit_that_nara_run_builds_and_the_services_send_their_mail_to_it():
    from nara.devstack.mailpit import VERSION

    services = compose()["services"]
    assert services["mailpit"]["image"] == f"axllent/mailpit:{VERSION}"
    assert "1025:1025" in services["mailpit"]["ports"]
    for name in SERVICES:
        environment = services[name]["environment"]
        assert environment["NARA_SMTP_HOST"] == "mailpit", name
        assert str(environment["NARA_SMTP_PORT"]) == "1025", name
