"""checkov over the Dockerfile, deploy/cloudformation.yaml and deploy/kubernetes (every overlay rendered by
kustomize), with the repository's .checkov.yaml: zero failed checks, and each deliberate skip there fails
only on the resource its reason names (so a skip never hides a new finding elsewhere)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".checkov.yaml"
# What each skipped check is allowed to fail on; .checkov.yaml gives the reasons.
SKIPPED_ON = {
    "CKV_AWS_2": {"AWS::ElasticLoadBalancingV2::Listener.HttpListener"},
    "CKV_AWS_103": {"AWS::ElasticLoadBalancingV2::Listener.HttpListener"},
    "CKV_AWS_18": {"AWS::S3::Bucket.AccessLogsBucket"},
}


def checkov() -> str:
    venv = Path(os.environ.get("CHECKOV_VENV") or
                Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sagemaker-openai-gateway" / "checkov")
    found = venv / "bin" / "checkov"
    if found.exists():
        return str(found)
    on_path = shutil.which("checkov")
    assert on_path, "checkov is missing: scripts/install-deploy-tools.sh installs it"
    return on_path


def scan(*arguments: str, cwd: Path = ROOT) -> dict[str, dict]:
    result = subprocess.run([checkov(), *arguments, "--output", "json"], cwd=cwd, capture_output=True, text=True,
                            timeout=600)
    # checkov exits 1 when a check fails; anything else is a crash.
    assert result.returncode in (0, 1), result.stderr[-2000:]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    return {r["check_type"]: r for r in reports}


def failures(report: dict) -> list[str]:
    return [f"{c['check_id']} {c['resource']} ({c['file_path']}:{c['file_line_range']})"
            for c in report["results"]["failed_checks"]]


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    return scan("--config-file", str(CONFIG))


def test_every_deployment_file_is_scanned(reports):
    assert set(reports) == {"dockerfile", "cloudformation", "kustomize"}
    scanned = {c["file_path"].lstrip("/") for r in reports.values() for c in r["results"]["passed_checks"]}
    assert "Dockerfile" in scanned
    assert "deploy/cloudformation.yaml" in scanned
    assert any(p.endswith("deploy/kubernetes/overlays/example/kustomization.yaml") for p in scanned)
    for kind, report in reports.items():
        assert report["summary"]["parsing_errors"] == 0, kind
        assert report["summary"]["passed"] >= 40, (kind, report["summary"])


def test_zero_failed_checks(reports):
    found = [f for report in reports.values() for f in failures(report)]
    assert found == [], "\n".join(found)


def test_each_skip_is_listed_with_a_reason_and_fails_only_where_it_says(tmp_path):
    config = yaml.safe_load(CONFIG.read_text())
    assert set(config["skip-check"]) == set(SKIPPED_ON)
    text = CONFIG.read_text()
    for check in SKIPPED_ON:
        # The reason is the comment block just above the check's entry.
        before = text[:text.index(f"- {check}")].rstrip().splitlines()
        assert before[-1].lstrip().startswith(("#", f"- CKV")), check
    # Elsewhere than the root, where checkov would read .checkov.yaml and its skips.
    report = scan("--skip-download", "--framework", "cloudformation", "--file", str(ROOT / "deploy" / "cloudformation.yaml"),
                  "--check", ",".join(SKIPPED_ON), cwd=tmp_path)["cloudformation"]
    failed: dict[str, set[str]] = {}
    for c in report["results"]["failed_checks"]:
        failed.setdefault(c["check_id"], set()).add(c["resource"])
    assert failed == SKIPPED_ON
