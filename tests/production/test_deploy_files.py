"""The deployment files are valid: docker-compose.yml (``docker-compose config``, Debian's
package, no Docker engine needed) and the Kubernetes manifests (against the Kubernetes 1.28
schema shipped inside kubernetes-validate, offline)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.stack import REPO

K8S = REPO / "deploy" / "kubernetes"
K8S_VERSION = "1.28.0"
SECRETS = ("POSTGRES_PASSWORD=p\nRABBITMQ_PASSWORD=r\nLWFD_RASA_TOKEN=t\nLWFD_HUB_SECRET=s\n"
           "LWFD_ACTION_TOKEN=a\nLWFD_DATA_KEY=k\n")


def compose(env_file: Path) -> subprocess.CompletedProcess:
    tool = shutil.which("docker-compose")
    if tool is None:
        pytest.fail("docker-compose is not installed (apt-get install docker-compose; .ci/run does it)")
    return subprocess.run([tool, "--env-file", str(env_file), "-f", str(REPO / "docker-compose.yml"),
                           "config"], capture_output=True, text=True, cwd=REPO, timeout=60)


def test_compose_file_is_valid_and_has_every_part(tmp_path: Path) -> None:
    env_file = tmp_path / "compose.env"
    env_file.write_text(SECRETS)
    result = compose(env_file)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"postgres", "redis", "rabbitmq", "rasa1", "rasa2", "actions1", "actions2", "hub",
            "nginx"} <= set(services)
    for name in ("rasa1", "rasa2"):
        env = services[name]["environment"]
        assert env["LWFD_REDIS_URL"].startswith("redis://")
        assert env["LWFD_EVENT_BROKER_URL"].startswith("amqp://")
        assert env["LWFD_TRACKER_DATABASE_URL"].startswith("postgresql://")
    assert services["rasa1"]["environment"]["LWFD_ACTION_SERVER_URL"] != \
        services["rasa2"]["environment"]["LWFD_ACTION_SERVER_URL"]


def test_compose_refuses_to_run_without_secrets(tmp_path: Path) -> None:
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    result = compose(env_file)
    assert result.returncode != 0 and "POSTGRES_PASSWORD" in result.stderr


def test_nginx_upgrades_web_chat_sockets_and_keeps_them_on_one_server() -> None:
    conf = (REPO / "deploy" / "nginx" / "nginx.conf").read_text()
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "ip_hash;" in conf


def test_image_runs_as_a_non_root_user() -> None:
    lines = (REPO / "Dockerfile").read_text().splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")


def _resources() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        found += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def test_kubernetes_manifests_validate_against_the_schema() -> None:
    import kubernetes_validate

    resources = _resources()
    kinds = {doc["kind"] for _, doc in resources}
    assert {"Deployment", "Service", "Ingress", "ConfigMap"} <= kinds
    for name, doc in resources:
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{name}: {doc['kind']}/{doc['metadata']['name']}: {error.message}")


def test_the_schema_check_can_fail() -> None:
    import kubernetes_validate

    _, deployment = next((n, d) for n, d in _resources() if d["kind"] == "Deployment")
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_rasa_runs_as_several_non_root_replicas_on_kubernetes() -> None:
    rasa = next(d for _, d in _resources() if d["kind"] == "Deployment" and d["metadata"]["name"] == "rasa")
    assert rasa["spec"]["replicas"] >= 2
    assert rasa["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
