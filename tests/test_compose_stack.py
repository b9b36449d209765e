"""docker-compose.yml gives the same stack where a Docker engine exists; no engine runs here, so check its shape."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SERVICES = {"booking": 8001, "triage": 8002, "guarantee-monitor": 8003}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_kafka_kraft_postgres_16_and_the_three_services_with_health_checks():
    services = compose()["services"]

    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert services["postgres"]["image"] == "postgres:16"
    for name, port in SERVICES.items():
        service = services[name]
        assert service["build"]["dockerfile"] == f"services/{name}/Dockerfile"
        assert {"kafka", "postgres"} <= set(service["depends_on"])
        assert service["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:29092"
        database_url = service["environment"][f"{name.upper().replace('-', '_')}_DATABASE_URL"]
        assert database_url.endswith("/" + name.replace("-", "_"))
    assert all("healthcheck" in services[name] for name in ("kafka", "postgres"))
    # The citizens' pages call triage, and the console calls booking, by their compose host names.
    assert services["booking"]["environment"]["BOOKING_TRIAGE_URL"] == "http://triage:8002"
    assert services["triage"]["environment"]["TRIAGE_BOOKING_URL"] == "http://booking:8001"


def test_each_service_image_runs_as_a_non_root_user_and_checks_its_readiness():
    for name, port in SERVICES.items():
        dockerfile = (ROOT / "services" / name / "Dockerfile").read_text()
        assert "USER nara" in dockerfile
        assert f"127.0.0.1:{port}/readyz" in dockerfile
        assert f'CMD ["nara-{name}", "serve"]' in dockerfile


def test_compose_creates_the_database_each_service_connects_to():
    init_sql = (ROOT / "deploy" / "compose" / "postgres-init.sql").read_text()
    for name in SERVICES:
        database = name.replace("-", "_")
        assert f"CREATE DATABASE {database} OWNER {database}" in init_sql
