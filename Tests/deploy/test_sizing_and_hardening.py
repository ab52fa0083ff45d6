"""Each container sized on its own and hardened, in deploy/ecs-task.json and its CloudFormation mirror:
cpu and memory per container within the task's, nofile ulimits, a read-only root filesystem with only
the socket volume and a /tmp volume of its own writable; ECR scans every pushed image."""
from __future__ import annotations

import re

from test_deploy import ROOT, SAMPLE, SOCKET_DIR, cloudformation, rendered


def containers() -> dict[str, dict]:
    return {c["name"]: c for c in rendered("ecs-task.json")["containerDefinitions"]}


def test_each_container_has_its_own_cpu_and_memory_within_the_task():
    task = rendered("ecs-task.json")
    found = containers()
    for c in found.values():
        assert c["cpu"] > 0, c["name"]
        assert 0 < c["memoryReservation"] <= c["memory"], c["name"]
    # Fargate refuses containers whose limits add up to more than the task's.
    assert sum(c["cpu"] for c in found.values()) <= int(SAMPLE["TASK_CPU"]) == int(task["cpu"])
    assert sum(c["memory"] for c in found.values()) <= int(SAMPLE["TASK_MEMORY"]) == int(task["memory"])
    parameters = cloudformation()["Parameters"]
    assert sum(c["cpu"] for c in found.values()) <= int(parameters["TaskCpu"]["Default"])
    assert sum(c["memory"] for c in found.values()) <= int(parameters["TaskMemory"]["Default"])


def test_both_containers_raise_nofile():
    for c in containers().values():
        [limit] = [u for u in c["ulimits"] if u["name"] == "nofile"]
        assert limit["softLimit"] == limit["hardLimit"] >= 65535, c["name"]


def test_read_only_root_with_the_socket_and_a_tmp_of_its_own_writable():
    task = rendered("ecs-task.json")
    volumes = {v["name"] for v in task["volumes"]}
    tmp_volumes = []
    for c in containers().values():
        assert c["readonlyRootFilesystem"] is True
        writable = {m["containerPath"]: m["sourceVolume"] for m in c["mountPoints"] if not m["readOnly"]}
        assert set(writable) == {SOCKET_DIR, "/tmp"}, c["name"]
        assert writable["/tmp"] in volumes
        tmp_volumes.append(writable["/tmp"])
    # The socket volume is shared; /tmp is not: one container cannot plant files in the other's.
    assert len(set(tmp_volumes)) == 2
    dockerfile = (ROOT / "Dockerfile").read_text()
    # Declared, so ECS seeds the empty task volume with the image's /tmp (mode 1777).
    assert 'VOLUME ["/tmp"]' in dockerfile


def test_cloudformation_sizes_and_hardens_the_containers_alike():
    props = cloudformation()["Resources"]["TaskDefinition"]["Properties"]
    mirror = {c["Name"]: c for c in props["ContainerDefinitions"]}
    assert {v["Name"] for v in props["Volumes"]} == {v["name"] for v in rendered("ecs-task.json")["volumes"]}
    for name, c in containers().items():
        m = mirror[name]
        assert (m["Cpu"], m["MemoryReservation"], m["Memory"]) == (c["cpu"], c["memoryReservation"], c["memory"])
        assert [(u["Name"], u["SoftLimit"], u["HardLimit"]) for u in m["Ulimits"]] == [
            (u["name"], u["softLimit"], u["hardLimit"]) for u in c["ulimits"]]
        assert m["ReadonlyRootFilesystem"] is True
        assert [(p["SourceVolume"], p["ContainerPath"], p["ReadOnly"]) for p in m["MountPoints"]] == [
            (p["sourceVolume"], p["containerPath"], p["readOnly"]) for p in c["mountPoints"]]


def test_sizes_cite_their_bench_figures():
    text = (ROOT / "deploy" / "cloudformation.yaml").read_text()
    assert re.search(r"`make bench`.*\n.*idle RSS translator \d+ MiB, shim \d+ MiB", text)
    assert "make bench" in (ROOT / "deploy" / "kubernetes" / "base" / "deployment.yaml").read_text()


def test_log_group_is_encrypted_with_a_rotating_key_and_expires():
    resources = cloudformation()["Resources"]
    log_group = resources["LogGroup"]["Properties"]
    assert log_group["KmsKeyId"] == {"GetAtt": "LogKey.Arn"}
    assert log_group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert resources["LogKey"]["Properties"]["EnableKeyRotation"] is True


def test_every_security_group_rule_is_described_and_egress_is_explicit():
    resources = cloudformation()["Resources"]
    rules = []
    for name, resource in resources.items():
        if resource["Type"] == "AWS::EC2::SecurityGroup":
            # Without SecurityGroupEgress a group allows all outbound traffic.
            assert resource["Properties"]["SecurityGroupEgress"], name
            rules += resource["Properties"].get("SecurityGroupIngress", []) + resource["Properties"]["SecurityGroupEgress"]
        elif resource["Type"] in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
            rules.append(resource["Properties"])
    assert rules and all(rule.get("Description") for rule in rules)
    [egress] = resources["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"]
    assert (egress["FromPort"], egress["ToPort"]) == (443, 443)


def test_load_balancer_writes_access_logs_and_https_uses_tls_1_2_or_later():
    resources = cloudformation()["Resources"]
    attributes = {a["Key"]: a["Value"] for a in resources["LoadBalancer"]["Properties"]["LoadBalancerAttributes"]}
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == {"Ref": "AccessLogsBucket"}
    bucket = resources["AccessLogsBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    https = resources["HttpsListener"]
    assert https["Condition"] == "HasCertificate" and https["Properties"]["Protocol"] == "HTTPS"
    assert https["Properties"]["SslPolicy"].startswith("ELBSecurityPolicy-TLS13-1-2-")
    assert resources["HttpListener"]["Condition"] == "HasNoCertificate"
    assert resources["Service"]["DependsOn"] == "ListenerReady"


def test_ecr_repositories_scan_on_push():
    script = (ROOT / "scripts" / "build-and-push.sh").read_text()
    assert "--image-scanning-configuration scanOnPush=true" in script


def test_the_shim_outlasts_the_load_balancers_idle_timeout():
    """AWS's advice: the target's keep-alive timeout above the ALB's idle timeout, or the ALB may send a
    request on a connection the shim is closing (a 502)."""
    attributes = {a["Key"]: a["Value"] for a in
                  cloudformation()["Resources"]["LoadBalancer"]["Properties"]["LoadBalancerAttributes"]}
    shim = containers()["httpshim"]
    shim_env = {e["name"]: e["value"] for e in shim["environment"]}
    keepalive = int(shim_env.get("KEEPALIVE_SECONDS", "15"))  # the shim's default
    assert keepalive < int(attributes["idle_timeout.timeout_seconds"]) < int(shim_env["IDLE_TIMEOUT_SECONDS"])
