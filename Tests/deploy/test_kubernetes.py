"""deploy/kubernetes: the kustomize overlay rendered by `kubectl kustomize`, every object validated by
kubernetes-validate against Kubernetes' own schemas, and what schemas cannot see: the two containers'
wiring, the sidecar's order, the credentials' reach, the drain arithmetic. No cluster needed."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
OVERLAY = KUBERNETES / "overlays" / "example"
SOCKET_DIR = "/run/gateway"
SOCKET = SOCKET_DIR + "/translator.sock"
# The oldest Kubernetes the manifests are written for: native sidecars (1.29) and the preStop sleep
# action (on by default from 1.30).
OLDEST_KUBERNETES = "1.30.0"


def kustomize(folder: Path) -> list[dict]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is missing: scripts/install-deploy-tools.sh installs it (kustomize is built in)"
    result = subprocess.run([kubectl, "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return kustomize(OVERLAY)


def one(objects: list[dict], kind: str) -> dict:
    [found] = [o for o in objects if o["kind"] == kind]
    return found


def env_of(container: dict) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container.get("env", [])}


@pytest.fixture(scope="module")
def pod(objects) -> dict:
    return one(objects, "Deployment")["spec"]["template"]


def containers(pod: dict) -> tuple[dict, dict]:
    spec = pod["spec"]
    [translator] = spec["initContainers"]
    [shim] = spec["containers"]
    return shim, translator


def test_base_and_overlay_render(objects):
    base = kustomize(KUBERNETES / "base")
    kinds = sorted(o["kind"] for o in objects)
    assert kinds == sorted(o["kind"] for o in base)
    assert kinds == sorted(["Namespace", "ServiceAccount", "ConfigMap", "Service", "Deployment",
                            "PodDisruptionBudget", "HorizontalPodAutoscaler", "Ingress", "NetworkPolicy"])
    for o in objects:
        if o["kind"] != "Namespace":
            assert o["metadata"]["namespace"] == one(objects, "Namespace")["metadata"]["name"], o["kind"]


@pytest.mark.parametrize("version", [None, OLDEST_KUBERNETES])
def test_every_object_passes_kubernetes_validate(objects, version):
    import kubernetes_validate  # scripts/install-deploy-tools.sh installs it

    version = version or kubernetes_validate.latest_version()
    for o in objects:
        # Raises ValidationError naming the field; strict refuses fields the schema does not define.
        kubernetes_validate.validate(o, version, strict=True)


def test_translator_is_a_native_sidecar_started_before_the_shim(pod):
    shim, translator = containers(pod)
    assert translator["name"] == "translator" and shim["name"] == "httpshim"
    # An init container with restartPolicy Always runs for the pod's life, starts before the main
    # containers (after its startupProbe passes) and stops after them.
    assert translator["restartPolicy"] == "Always"
    assert translator["startupProbe"]["exec"]["command"] == ["/usr/local/bin/translator", "--check"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert translator[probe]["exec"]["command"] == ["/usr/local/bin/translator", "--check"]
    assert "restartPolicy" not in shim
    port = {p["name"]: p["containerPort"] for p in shim["ports"]}
    assert port == {"http": int(env_of(shim)["PORT"]), "metrics": int(env_of(shim)["METRICS_PORT"])}
    # The metrics page is the shim's alone (it asks the translator over the socket); JSON logs from both.
    assert "METRICS_PORT" not in env_of(translator)
    assert env_of(shim)["LOG_FORMAT"] == env_of(translator)["LOG_FORMAT"] == "json"
    ready = shim["readinessProbe"]
    assert ready.get("httpGet", {}).get("path") == "/ping" or ready["exec"]["command"][1:] == ["--check"]
    assert ready.get("httpGet", {}).get("port") in (None, "http", port["http"])
    assert shim["livenessProbe"]["exec"]["command"] == ["/usr/local/bin/httpshim", "--check"]


def test_both_containers_share_the_socket_on_an_in_memory_volume(pod):
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    for c in containers(pod):
        [mount] = [m for m in c["volumeMounts"] if m["mountPath"] == SOCKET_DIR]
        assert not mount.get("readOnly", False), c["name"]
        assert volumes[mount["name"]]["emptyDir"]["medium"] == "Memory", c["name"]
        assert env_of(c)["TRANSLATOR_SOCKET"] == SOCKET, c["name"]
        # A read-only root filesystem: only the socket directory and /tmp are writable.
        writable = {m["mountPath"] for m in c["volumeMounts"] if not m.get("readOnly", False)}
        assert writable == {SOCKET_DIR, "/tmp"}, c["name"]


def test_only_the_translator_gets_aws_settings_and_no_container_a_kubernetes_token(objects, pod):
    shim, translator = containers(pod)
    assert not [name for name in env_of(shim) if name.startswith("AWS_")]
    assert "envFrom" not in shim and "envFrom" not in translator
    for c in (shim, translator):
        assert not [v for v in c["env"] if "valueFrom" in v], c["name"]
    assert {"AWS_REGION", "AUTH_SECRET_ID", "MODELS_FILE"} <= set(env_of(translator))
    assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "API_KEYS", "ALLOW_UNAUTHENTICATED"} & set(env_of(translator))
    # IRSA's and Pod Identity's webhook inject the AWS token into every container it is not told to skip.
    skipped = pod["metadata"]["annotations"]["eks.amazonaws.com/skip-containers"].split(",")
    assert skipped == ["httpshim"]
    spec = pod["spec"]
    assert spec["automountServiceAccountToken"] is False
    account = one(objects, "ServiceAccount")
    assert spec["serviceAccountName"] == account["metadata"]["name"]
    assert account["automountServiceAccountToken"] is False
    assert re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+",
                        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"])


def test_models_file_comes_from_the_configmap(objects, pod):
    _, translator = containers(pod)
    path = Path(env_of(translator)["MODELS_FILE"])
    [mount] = [m for m in translator["volumeMounts"] if m["mountPath"] == str(path.parent)]
    assert mount["readOnly"] is True
    [volume] = [v for v in pod["spec"]["volumes"] if v["name"] == mount["name"]]
    configmap = one(objects, "ConfigMap")
    assert volume["configMap"]["name"] == configmap["metadata"]["name"]
    models = json.loads(configmap["data"][path.name])["models"]
    assert models and all(m["id"] and m["endpoint"] for m in models)


def test_the_translator_accepts_the_rendered_configuration(objects, pod, tmp_path):
    """The real translator's --check-config with the container's environment, the ConfigMap as the
    file and the variables IRSA's webhook adds (needs a built translator, else skipped)."""
    bin_dir = os.environ.get("GATEWAY_BIN_DIR")
    if not bin_dir and shutil.which("swift"):
        bin_dir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip()
    translator_bin = Path(bin_dir or "/nonexistent") / "translator"
    if not translator_bin.exists():
        pytest.skip("no built translator (swift build); the static checks above still ran")
    _, translator = containers(pod)
    env = env_of(translator)
    configmap = one(objects, "ConfigMap")
    models = tmp_path / "models.json"
    models.write_text(configmap["data"][Path(env["MODELS_FILE"]).name])
    token = tmp_path / "token"
    token.write_text("eyJ.web-identity.token")
    env |= {"MODELS_FILE": str(models), "TRANSLATOR_SOCKET": str(tmp_path / "t.sock"), "PATH": os.environ["PATH"],
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_WEB_IDENTITY_TOKEN_FILE": str(token),
            "AWS_ROLE_ARN": one(objects, "ServiceAccount")["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]}
    result = subprocess.run([str(translator_bin), "--check-config"], env=env, capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "configuration ok" in result.stdout


def test_grace_period_covers_the_pause_and_the_drain(objects, pod):
    shim, translator = containers(pod)
    spec = pod["spec"]
    drain = int(env_of(shim)["DRAIN_TIMEOUT_SECONDS"])
    assert int(env_of(translator)["DRAIN_TIMEOUT_SECONDS"]) == drain
    pause = shim["lifecycle"]["preStop"]["sleep"]["seconds"]
    # The pause, then the shim's drain, then the translator's SIGTERM and exit, within the grace period.
    assert spec["terminationGracePeriodSeconds"] >= pause + drain + 10
    ingress = one(objects, "Ingress")["metadata"]["annotations"]
    attributes = dict(a.split("=", 1) for a in ingress["alb.ingress.kubernetes.io/target-group-attributes"].split(","))
    # The ALB keeps a draining pod's connections open while the shim finishes them.
    assert drain <= int(attributes["deregistration_delay.timeout_seconds"]) <= spec["terminationGracePeriodSeconds"]


def test_pods_run_restricted(objects, pod):
    spec = pod["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == 10001
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    for c in containers(pod):
        context = c["securityContext"]
        assert context["readOnlyRootFilesystem"] is True, c["name"]
        assert context["allowPrivilegeEscalation"] is False, c["name"]
        assert context["capabilities"] == {"drop": ["ALL"]}, c["name"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] == 10001, c["name"]
        assert "@sha256:" in c["image"] or not c["image"].endswith(":latest"), c["name"]
    labels = one(objects, "Namespace")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def quantity(value: str) -> float:
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    match = re.fullmatch(r"([0-9.]+)(m|Ki|Mi|Gi)?", str(value))
    assert match, value
    return float(match.group(1)) * units.get(match.group(2) or "", 1)


def test_each_container_has_its_own_requests_and_limits(pod):
    for c in containers(pod):
        resources = c["resources"]
        for kind in ("cpu", "memory"):
            assert 0 < quantity(resources["requests"][kind]) <= quantity(resources["limits"][kind]), (c["name"], kind)


def test_service_pdb_hpa_and_ingress_point_at_the_pods(objects, pod):
    labels = pod["metadata"]["labels"]
    deployment = one(objects, "Deployment")
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = one(objects, "Service")
    assert service["spec"]["selector"].items() <= labels.items()
    port, metrics = service["spec"]["ports"]
    shim, _ = containers(pod)
    assert port["targetPort"] in {p["name"] for p in shim["ports"]}
    assert metrics["targetPort"] == "metrics" and metrics["targetPort"] in {p["name"] for p in shim["ports"]}
    pdb = one(objects, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    hpa = one(objects, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": deployment["metadata"]["name"]}
    # Disruptions and scale-in never leave fewer than one pod serving.
    assert hpa["spec"]["minReplicas"] >= 2 and pdb["spec"]["maxUnavailable"] == 1
    ingress = one(objects, "Ingress")
    assert ingress["spec"]["ingressClassName"] == "alb"
    backends = [p["backend"]["service"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
    assert backends == [{"name": service["metadata"]["name"], "port": {"name": port["name"]}}]


def test_network_policy_lets_in_only_the_shim_ports(objects, pod):
    policy = one(objects, "NetworkPolicy")["spec"]
    assert policy["podSelector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    assert [rule["ports"] for rule in policy["ingress"]] == [
        [{"port": "http", "protocol": "TCP"}], [{"port": "metrics", "protocol": "TCP"}]]
    egress_ports = {(p["port"], p["protocol"]) for r in policy["egress"] for p in r["ports"]}
    assert egress_ports == {(53, "UDP"), (53, "TCP"), (443, "TCP"), (80, "TCP")}
    # Port 80 only to the Pod Identity agent, never to the internet.
    [agent] = [r for r in policy["egress"] if {"port": 80, "protocol": "TCP"} in r["ports"]]
    assert agent["to"] == [{"ipBlock": {"cidr": "169.254.170.23/32"}}]


def test_ingress_is_an_alb_with_ping_health_checks_and_stream_friendly_timeouts(objects, pod):
    annotations = one(objects, "Ingress")["metadata"]["annotations"]
    prefix = "alb.ingress.kubernetes.io/"
    assert annotations[prefix + "target-type"] == "ip"
    assert annotations[prefix + "healthcheck-path"] == "/ping"
    assert json.loads(annotations[prefix + "listen-ports"]) == [{"HTTPS": 443}]
    assert annotations[prefix + "ssl-policy"].startswith("ELBSecurityPolicy-TLS13-")
    assert annotations[prefix + "certificate-arn"].startswith("arn:aws:acm:")
    attributes = dict(a.split("=", 1) for a in annotations[prefix + "load-balancer-attributes"].split(","))
    shim, _ = containers(pod)
    idle = int(attributes["idle_timeout.timeout_seconds"])
    # Above the SSE keep-alive interval, so a stream waiting for its first token is never cut; below
    # the shim's own idle timeout, so the ALB never reuses a connection the shim has closed.
    assert int(env_of(shim)["KEEPALIVE_SECONDS"]) < idle < int(env_of(shim)["IDLE_TIMEOUT_SECONDS"])
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
