"""Every overlay under deploy/k8s renders with `kustomize build`, and what it renders can run Nära safely.

The checks read the rendered YAML the way the cluster would: Kafka with three brokers and every contract
topic replicated, a database per service reached through the Secret CloudNativePG makes, probes and limits
on every pod, no secret in the repository, and network policies that let each service reach only what it
needs.
"""

from __future__ import annotations

import ipaddress
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from nara.devstack.tools import find_tool
from nara.shared.topics import APPOINTMENTS, CONTACTS, CONTRACT_TOPICS

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
OVERLAYS = sorted(path.parent for path in (K8S / "overlays").glob("*/kustomization.yaml"))

# guarantee_monitor/app.py subscribes its one consumer group to these two topics.
MONITOR_INPUT_TOPICS = (CONTACTS, APPOINTMENTS)
# The services that turn a personnummer into a pseudonym; they must share one key.
PSEUDONYMISING_SERVICES = ("booking", "triage")
# The key each service signs its pages' sessions and CSRF tokens with; unset, every pod picks its own
# and a citizen's form fails when the next request lands on another pod.
# The Secret holding each page client's secret (key client-secret), by the client's settings prefix.
PAGE_CLIENTS = {
    "booking": {"NARA_CITIZEN_OIDC": "nara-oidc-citizen-client", "NARA_STAFF_OIDC": "nara-oidc-staff-client"},
    "triage": {"NARA_STAFF_OIDC": "nara-oidc-staff-client"},
    "guarantee-monitor": {"NARA_STAFF_OIDC": "nara-oidc-staff-client"},
}
PAGE_SIGNING_KEYS = {
    "booking": "BOOKING_PAGES_SECRET",
    "triage": "TRIAGE_CONSOLE_SECRET",
    "guarantee-monitor": "GUARANTEE_MONITOR_OPS_SECRET",
}
SECRET_LIKE_NAME = re.compile(r"KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL|DATABASE_URL")
SECRET_LIKE_VALUE = re.compile(
    r"-----BEGIN"  # a PEM key
    r"|://[^/@\s:]+:[^/@\s]+@"  # a URL carrying a password
    r"|\b[0-9a-fA-F]{32,}\b"  # a hex key
    r"|[A-Za-z0-9+/_-]{40,}={0,2}"  # a base64 key or token
)


@dataclass
class Rendered:
    overlay: str
    documents: list[dict]

    def of_kind(self, kind: str) -> list[dict]:
        return [doc for doc in self.documents if doc.get("kind") == kind]

    def named(self, kind: str, name: str) -> dict:
        matches = [doc for doc in self.of_kind(kind) if doc["metadata"]["name"] == name]
        assert len(matches) == 1, f"{self.overlay}: expected one {kind} named {name}, found {len(matches)}"
        return matches[0]

    @property
    def deployments(self) -> list[dict]:
        return self.of_kind("Deployment")

    @property
    def kafka(self) -> dict:
        clusters = self.of_kind("Kafka")
        assert len(clusters) == 1, f"{self.overlay}: expected one Strimzi Kafka cluster, found {len(clusters)}"
        return clusters[0]

    def topic(self, name: str) -> dict:
        matches = [doc for doc in self.of_kind("KafkaTopic") if doc["spec"].get("topicName") == name]
        assert len(matches) == 1, f"{self.overlay}: expected one KafkaTopic for {name}, found {len(matches)}"
        return matches[0]

    def environment(self, deployment: dict) -> dict[str, dict]:
        """The service container's environment as the pod sees it: ConfigMap values, then its own env."""
        container = service_container(deployment)
        env: dict[str, dict] = {}
        for source in container.get("envFrom", []):
            config_map = self.named("ConfigMap", source["configMapRef"]["name"])
            env.update({name: {"value": value} for name, value in config_map.get("data", {}).items()})
        env.update({entry["name"]: entry for entry in container.get("env", [])})
        return env


@pytest.fixture(scope="module", params=OVERLAYS, ids=[overlay.name for overlay in OVERLAYS])
def rendered(request) -> Rendered:
    kustomize = find_tool("kustomize")
    if kustomize is None:
        pytest.skip("kustomize is not installed: './nara test' builds it into .state/cache/bin, or put it on PATH")
    result = subprocess.run([kustomize, "build", str(request.param)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"kustomize build {request.param} failed:\n{result.stderr}"
    return Rendered(request.param.name, [doc for doc in yaml.safe_load_all(result.stdout) if doc])


def service_container(deployment: dict) -> dict:
    name = deployment["metadata"]["name"]
    containers = deployment["spec"]["template"]["spec"]["containers"]
    return next((c for c in containers if c["name"] == name), containers[0])


def pod_labels(deployment: dict) -> dict[str, str]:
    return deployment["spec"]["template"]["metadata"]["labels"]


def selects(selector: dict | None, labels: dict[str, str]) -> bool:
    """Whether a Kubernetes label selector picks an object with these labels."""
    selector = selector or {}
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        if (
            (operator == "In" and labels.get(key) not in values)
            or (operator == "NotIn" and present and labels[key] in values)
            or (operator == "Exists" and not present)
            or (operator == "DoesNotExist" and present)
        ):
            return False
    return True


def secret_reference(entry: dict) -> tuple[str, str] | None:
    reference = entry.get("valueFrom", {}).get("secretKeyRef")
    return (reference["name"], reference["key"]) if reference else None


# --- Kafka ---------------------------------------------------------------------------------------------


def test_both_overlays_exist():
    assert {"staging", "production"} <= {overlay.name for overlay in OVERLAYS}


def test_kafka_runs_three_brokers_in_kraft_mode(rendered: Rendered):
    kafka = rendered.kafka
    name = kafka["metadata"]["name"]
    annotations = kafka["metadata"].get("annotations", {})
    assert annotations.get("strimzi.io/kraft") == "enabled"
    assert annotations.get("strimzi.io/node-pools") == "enabled"
    pools = [
        pool
        for pool in rendered.of_kind("KafkaNodePool")
        if pool["metadata"].get("labels", {}).get("strimzi.io/cluster") == name
    ]
    brokers = sum(pool["spec"]["replicas"] for pool in pools if "broker" in pool["spec"]["roles"])
    controllers = sum(pool["spec"]["replicas"] for pool in pools if "controller" in pool["spec"]["roles"])
    assert brokers == 3, f"{rendered.overlay}: {brokers} brokers"
    assert controllers >= 3 and controllers % 2 == 1, "the KRaft quorum needs an odd number, at least three"
    config = kafka["spec"]["kafka"]["config"]
    assert config["default.replication.factor"] == 3
    assert config["min.insync.replicas"] >= 2
    assert config["auto.create.topics.enable"] is False, "a misspelt topic must fail, not appear"


def test_every_contract_topic_and_its_dead_letter_topic_is_replicated(rendered: Rendered):
    declared = {topic["spec"].get("topicName") for topic in rendered.of_kind("KafkaTopic")}
    contract = {spec.name for spec in CONTRACT_TOPICS}
    assert declared == contract, f"missing {contract - declared}, not in the contract {declared - contract}"
    cluster = rendered.kafka["metadata"]["name"]
    for spec in CONTRACT_TOPICS:
        topic = rendered.topic(spec.name)
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == cluster, (
            f"{spec.name}: the topic operator only applies topics labelled with its cluster"
        )
        assert topic["spec"]["replicas"] == 3, spec.name
        assert int(topic["spec"]["config"]["min.insync.replicas"]) >= 2, spec.name
        assert topic["spec"]["partitions"] >= 1, spec.name


def test_the_topics_the_monitor_replays_keep_every_event(rendered: Rendered):
    # The monitor rebuilds its clocks from offset 0; deleted or compacted history rebuilds wrong clocks.
    for name in MONITOR_INPUT_TOPICS:
        config = rendered.topic(name)["spec"]["config"]
        assert config.get("cleanup.policy", "delete") == "delete", f"{name}: compaction keeps one event per patient"
        assert int(config["retention.ms"]) == -1, f"{name} must keep every event"


def test_the_monitor_never_has_more_pods_than_partitions(rendered: Rendered):
    partitions = min(rendered.topic(name)["spec"]["partitions"] for name in MONITOR_INPUT_TOPICS)
    autoscaler = rendered.named("HorizontalPodAutoscaler", "guarantee-monitor")
    deployment = rendered.named("Deployment", "guarantee-monitor")
    pods = autoscaler["spec"]["maxReplicas"], deployment["spec"].get("replicas", 1)
    assert max(pods) <= partitions, f"{rendered.overlay}: up to {max(pods)} monitor pods for {partitions} partitions"


def test_the_kafka_listener_admits_every_service(rendered: Rendered):
    listeners = rendered.kafka["spec"]["kafka"]["listeners"]
    for deployment in rendered.deployments:
        env = rendered.environment(deployment)
        host, port = env["KAFKA_BOOTSTRAP_SERVERS"]["value"].split(":")
        assert host.split(".")[0] == f"{rendered.kafka['metadata']['name']}-kafka-bootstrap"
        listener = next(listener for listener in listeners if listener["port"] == int(port))
        peers = listener.get("networkPolicyPeers", [])
        assert any(selects(peer.get("podSelector"), pod_labels(deployment)) for peer in peers), (
            f"{deployment['metadata']['name']} is not among the listener's network policy peers"
        )


# --- databases -----------------------------------------------------------------------------------------


def test_each_service_reads_its_own_database_from_the_secret_cloudnativepg_makes(rendered: Rendered):
    clusters = {cluster["metadata"]["name"]: cluster for cluster in rendered.of_kind("Cluster")}
    used = []
    for deployment in rendered.deployments:
        name = deployment["metadata"]["name"]
        prefix = name.upper().replace("-", "_")
        reference = secret_reference(rendered.environment(deployment).get(f"{prefix}_DATABASE_URL", {}))
        assert reference is not None, f"{name}: {prefix}_DATABASE_URL must come from a Secret"
        secret, key = reference
        assert secret.endswith("-app") and key == "uri", f"{name}: use CloudNativePG's <cluster>-app Secret, key uri"
        cluster = clusters.get(secret.removesuffix("-app"))
        assert cluster is not None, f"{name}: no CloudNativePG Cluster makes the Secret {secret}"
        initdb = cluster["spec"]["bootstrap"]["initdb"]
        assert initdb["database"] and initdb["owner"]
        assert cluster["spec"]["instances"] >= 2, f"{secret}: a lone instance has no failover"
        assert cluster["spec"]["storage"]["size"]
        used.append(cluster["metadata"]["name"])
    assert len(used) == len(set(used)) == 3, f"one database per service: {used}"


# --- the services' pods --------------------------------------------------------------------------------


def test_each_service_pod_has_probes_limits_and_no_privileges(rendered: Rendered):
    assert {d["metadata"]["name"] for d in rendered.deployments} == set(PAGE_SIGNING_KEYS)
    for deployment in rendered.deployments:
        name = deployment["metadata"]["name"]
        pod = deployment["spec"]["template"]["spec"]
        container = service_container(deployment)
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            check = container[probe]["httpGet"]
            assert check["path"] == path, f"{name}: {probe}"
            assert check["port"] in ports or check["port"] in ports.values(), f"{name}: {probe} port"
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][bound]), f"{name}: resources.{bound}"
        container_security = container.get("securityContext", {})
        non_root = container_security.get("runAsNonRoot", pod.get("securityContext", {}).get("runAsNonRoot"))
        assert non_root is True, f"{name}: runAsNonRoot"
        assert container_security.get("readOnlyRootFilesystem") is True, name
        assert container_security.get("allowPrivilegeEscalation") is False, name
        image, _, tag = container["image"].rpartition(":")
        pinned = image and tag and tag != "latest" and "/" not in tag
        assert pinned, f"{name}: pin the image's tag: {container['image']}"


def test_each_service_has_an_autoscaler_and_a_disruption_budget(rendered: Rendered):
    for deployment in rendered.deployments:
        name = deployment["metadata"]["name"]
        autoscalers = [
            hpa
            for hpa in rendered.of_kind("HorizontalPodAutoscaler")
            if hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment" and hpa["spec"]["scaleTargetRef"]["name"] == name
        ]
        assert len(autoscalers) == 1, f"{name}: {len(autoscalers)} autoscalers"
        spec = autoscalers[0]["spec"]
        assert 2 <= spec["minReplicas"] <= spec["maxReplicas"], f"{name}: at least two pods, min <= max"
        budgets = [
            pdb
            for pdb in rendered.of_kind("PodDisruptionBudget")
            if selects(pdb["spec"]["selector"], pod_labels(deployment))
        ]
        assert len(budgets) == 1, f"{name}: {len(budgets)} disruption budgets"


# --- secrets -------------------------------------------------------------------------------------------


def test_no_secret_value_is_in_the_rendered_output(rendered: Rendered):
    for secret in rendered.of_kind("Secret"):
        assert not secret.get("data") and not secret.get("stringData"), (
            f"Secret {secret['metadata']['name']} holds values; create it outside the repository"
        )
    for config_map in rendered.of_kind("ConfigMap"):
        for key, value in config_map.get("data", {}).items():
            assert not SECRET_LIKE_NAME.search(key), f"{key} belongs in a Secret, not ConfigMap"
            assert not SECRET_LIKE_VALUE.search(str(value)), f"{key} in a ConfigMap looks like a secret"
    for deployment in rendered.deployments:
        for entry in service_container(deployment).get("env", []):
            if SECRET_LIKE_NAME.search(entry["name"]):
                assert secret_reference(entry), f"{entry['name']} must come from a secretKeyRef"
                assert not entry["valueFrom"]["secretKeyRef"].get("optional"), (
                    f"{entry['name']}: a missing Secret must stop the pod, not start it without the key"
                )
            if "value" in entry:
                assert not SECRET_LIKE_VALUE.search(entry["value"]), f"{entry['name']} looks like a secret"


def test_services_run_in_production_mode_with_every_key_they_need(rendered: Rendered):
    # In production mode a missing key stops the service instead of falling back to the development key.
    pseudonym_keys = set()
    for deployment in rendered.deployments:
        name = deployment["metadata"]["name"]
        env = rendered.environment(deployment)
        assert env["NARA_ENVIRONMENT"].get("value") == "production", name
        assert secret_reference(env.get(PAGE_SIGNING_KEYS[name], {})), f"{name}: {PAGE_SIGNING_KEYS[name]}"
        if name in PSEUDONYMISING_SERVICES:
            reference = secret_reference(env.get("NARA_PSEUDONYM_KEY", {}))
            assert reference, f"{name}: NARA_PSEUDONYM_KEY"
            pseudonym_keys.add(reference)
    assert len(pseudonym_keys) == 1, f"one patient must get one pseudonym everywhere: {pseudonym_keys}"


# --- the identity provider ------------------------------------------------------------------------------


def test_services_check_the_providers_tokens_and_log_people_in_through_it(rendered: Rendered):
    for deployment in rendered.deployments:
        name = deployment["metadata"]["name"]
        env = rendered.environment(deployment)
        issuer = urlsplit(env["NARA_OIDC_ISSUER"].get("value", ""))
        assert issuer.scheme == "https" and issuer.hostname, (
            f"{name}: NARA_OIDC_ISSUER must be the provider's https URL"
        )
        # The code refuses a fixed key beside the provider: the provider's published keys replace it.
        assert not {"NARA_JWT_PUBLIC_KEY", "NARA_JWT_PUBLIC_KEY_FILE"} & set(env), name
        for prefix in PAGE_CLIENTS[name]:
            assert env[f"{prefix}_CLIENT_ID"].get("value"), f"{name}: {prefix}_CLIENT_ID from a ConfigMap"
            assert secret_reference(env.get(f"{prefix}_CLIENT_SECRET", {})) == (
                PAGE_CLIENTS[name][prefix],
                "client-secret",
            ), f"{name}: {prefix}_CLIENT_SECRET"


def test_the_rendered_provider_settings_are_ones_the_services_accept(rendered: Rendered, monkeypatch):
    """What nara.shared.identity reads at start-up (a production pod stops on a setting it refuses)."""
    from nara.shared.identity import IdentitySettings

    for name in list(os.environ):
        if name.startswith("NARA_"):
            monkeypatch.delenv(name)
    for deployment in rendered.deployments:
        env = rendered.environment(deployment)
        values = {key: entry["value"] for key, entry in env.items() if key.startswith("NARA_") and "value" in entry}
        with monkeypatch.context() as inside:
            for key, value in values.items():
                inside.setenv(key, value)
            settings = IdentitySettings()
        assert settings.is_production and settings.uses_provider, deployment["metadata"]["name"]
        assert not settings.uses_development_key, "production refuses the development tokens"
        assert "nara-api" in settings.oidc_audience


# --- network policies ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    what: str
    namespace: str | None  # None: the deployment's own namespace
    labels: tuple[tuple[str, str], ...]  # labels a peer must require, so it picks nothing else
    ports: frozenset[int]
    outside: bool = False  # outside the cluster: an address block, which must stay narrow


def allowed_destinations(rendered: Rendered, deployment: dict) -> list[Destination]:
    env = rendered.environment(deployment)
    database = secret_reference(env[f"{deployment['metadata']['name'].upper().replace('-', '_')}_DATABASE_URL"])
    kafka_port = int(env["KAFKA_BOOTSTRAP_SERVERS"]["value"].rsplit(":", 1)[1])
    collector = urlsplit(env["OTEL_EXPORTER_OTLP_ENDPOINT"]["value"])
    destinations = [
        Destination("its database", None, (("cnpg.io/cluster", database[0].removesuffix("-app")),), frozenset({5432})),
        Destination(
            "Kafka", None, (("strimzi.io/cluster", rendered.kafka["metadata"]["name"]),), frozenset({kafka_port})
        ),
        Destination("DNS", "kube-system", (("k8s-app", "kube-dns"),), frozenset({53})),
        Destination("the OTel collector", collector.hostname.split(".")[1], (), frozenset({collector.port})),
    ]
    issuer = urlsplit(env["NARA_OIDC_ISSUER"]["value"])
    destinations.append(Destination("the identity provider", None, (), frozenset({issuer.port or 443}), outside=True))
    # The other services it calls, by the URLs in its configuration (booking's pages call triage).
    services = {service["metadata"]["name"]: service for service in rendered.of_kind("Service")}
    for name, entry in env.items():
        url = urlsplit(str(entry.get("value", "")))
        if name.endswith("_URL") and url.scheme == "http" and url.hostname in services:
            selector = services[url.hostname]["spec"]["selector"]
            destinations.append(Destination(url.hostname, None, tuple(selector.items()), frozenset({url.port})))
    return destinations


def peer_stays_within(peer: dict, destination: Destination) -> bool:
    if destination.outside:
        # No more than a /16: the provider's addresses, not the internet.
        cidr = peer.get("ipBlock", {}).get("cidr")
        return set(peer) == {"ipBlock"} and cidr is not None and ipaddress.ip_network(cidr).prefixlen >= 16
    namespaces = peer.get("namespaceSelector")
    if destination.namespace is None:
        if namespaces is not None:
            return False
    elif (namespaces or {}).get("matchLabels", {}).get("kubernetes.io/metadata.name") != destination.namespace:
        return False
    required = peer.get("podSelector", {}).get("matchLabels", {})
    return "ipBlock" not in peer and all(required.get(key) == value for key, value in destination.labels)


def policies_for(rendered: Rendered, deployment: dict) -> list[dict]:
    return [
        policy
        for policy in rendered.of_kind("NetworkPolicy")
        if selects(policy["spec"]["podSelector"], pod_labels(deployment))
    ]


def test_a_default_deny_policy_covers_every_pod(rendered: Rendered):
    assert any(
        policy["spec"]["podSelector"] == {}
        and set(policy["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
        and not policy["spec"].get("ingress")
        and not policy["spec"].get("egress")
        for policy in rendered.of_kind("NetworkPolicy")
    )


def test_each_service_reaches_only_what_it_needs(rendered: Rendered):
    for deployment in rendered.deployments:
        name = deployment["metadata"]["name"]
        allowed = allowed_destinations(rendered, deployment)
        reached = set()
        for policy in policies_for(rendered, deployment):
            for rule in policy["spec"].get("egress", []):
                assert rule.get("to"), f"{name}: {policy['metadata']['name']} allows egress to anywhere"
                assert rule.get("ports"), f"{name}: {policy['metadata']['name']} allows egress on every port"
                for peer in rule["to"]:
                    for port in (p["port"] for p in rule["ports"]):
                        fits = [d for d in allowed if port in d.ports and peer_stays_within(peer, d)]
                        assert fits, f"{name} may reach {peer} on port {port}, which it does not need"
                        reached.update(d.what for d in fits)
        missing = {d.what for d in allowed} - reached
        assert not missing, f"{name} cannot reach {missing}"
    # The HTTP calls the code makes, found from the configuration above, include booking's to triage.
    booking = rendered.named("Deployment", "booking")
    assert "triage" in {d.what for d in allowed_destinations(rendered, booking)}


def test_each_service_admits_only_named_peers(rendered: Rendered):
    for deployment in rendered.deployments:
        name = deployment["metadata"]["name"]
        for policy in policies_for(rendered, deployment):
            for rule in policy["spec"].get("ingress", []):
                assert rule.get("from"), f"{name}: {policy['metadata']['name']} admits everyone"
                for peer in rule["from"]:
                    assert "ipBlock" not in peer, f"{name} admits an address range: {peer}"
                    assert peer.get("podSelector", {}).get("matchLabels"), f"{name} admits whole namespaces: {peer}"
