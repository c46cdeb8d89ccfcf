"""The repository's automation: GitHub workflows, the pre-commit hook and editor settings.

The workflows are validated against the GitHub workflow schema vendored inside
check-jsonschema (no network), then read for the steps that matter to editors.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO_ROOT / ".github" / "workflows"


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def workflow(name: str) -> dict[str, Any]:
    """PyYAML reads the key `on` as True (YAML 1.1); put it back under its name."""
    data: dict[Any, Any] = read_yaml(WORKFLOWS / name)
    if True in data:
        data["on"] = data.pop(True)
    return data


def run_commands(job: dict[str, Any]) -> list[str]:
    return [str(step["run"]) for step in job["steps"] if "run" in step]


def actions_used(job: dict[str, Any]) -> list[str]:
    return [str(step["uses"]).split("@")[0] for step in job["steps"] if "uses" in step]


def check_jsonschema() -> str:
    beside_python = Path(sys.executable).parent / "check-jsonschema"
    found = str(beside_python) if beside_python.exists() else shutil.which("check-jsonschema")
    if found is None:
        pytest.skip("check-jsonschema is not installed")
    return found


@pytest.mark.parametrize("name", ["pr.yml", "pages.yml"])
def test_workflow_is_valid_against_the_github_workflow_schema(name: str) -> None:
    result = subprocess.run(
        [check_jsonschema(), "--builtin-schema", "vendor.github-workflows", str(WORKFLOWS / name)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    result = subprocess.run(
        [check_jsonschema(), "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1


def test_pull_request_workflow_checks_with_annotations_then_builds() -> None:
    flow = workflow("pr.yml")
    assert "pull_request" in flow["on"]
    (job,) = flow["jobs"].values()
    assert actions_used(job)[:2] == ["actions/checkout", "actions/setup-python"]
    assert job["steps"][1]["with"]["python-version"] == "3.11"
    commands = run_commands(job)
    assert any("pip install" in c and "-r requirements.txt" in c for c in commands)
    check = commands.index("python build.py check --format github")
    assert commands[check + 1] == "python build.py build"


def test_pages_workflow_deploys_from_main_with_only_the_permissions_it_needs() -> None:
    flow = workflow("pages.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    assert flow["permissions"] == {"contents": "read"}
    assert flow["concurrency"]["group"] == "pages"
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert "actions/upload-pages-artifact" in actions_used(build)
    assert any(c.startswith("python build.py build --out site") for c in run_commands(build))
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert actions_used(deploy) == ["actions/deploy-pages"]


@pytest.mark.parametrize("name", ["pr.yml", "pages.yml"])
def test_workflow_restores_the_cache_folder_before_the_check(name: str) -> None:
    """A fresh clone checks with the outcomes of the last run (see bench/README.md)."""
    job = workflow(name)["jobs"]["check" if name == "pr.yml" else "build"]
    steps = [step.get("uses", step.get("run", "")) for step in job["steps"]]
    cache_step = next(
        s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/cache@")
    )
    assert cache_step["with"]["path"] == ".cache"
    assert cache_step["with"]["restore-keys"]
    assert steps.index(cache_step["uses"]) < steps.index("python build.py check --format github")


def test_pre_commit_hook_runs_check_once_for_any_content_change() -> None:
    (hook,) = read_yaml(REPO_ROOT / ".pre-commit-hooks.yaml")
    (repo,) = read_yaml(REPO_ROOT / ".pre-commit-config.yaml")["repos"]
    (local,) = repo["hooks"]
    assert repo["repo"] == "local"
    for entry in (hook, local):
        assert entry["id"] == "timeline-check"
        assert entry["entry"] == "python build.py check"
        assert entry["language"] == "system"
        assert entry["files"] == "^content/"
        assert entry["pass_filenames"] is False


def test_pre_commit_files_are_valid_for_pre_commit_itself() -> None:
    pytest.importorskip("pre_commit")
    for command, name in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "pre_commit", command, name],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_editor_settings_map_each_schema_onto_its_content_files() -> None:
    settings = json.loads((REPO_ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {
        "./schemas/event.schema.json": "content/events/**/*.yaml",
        "./schemas/actor.schema.json": "content/actors/*.yaml",
        "./schemas/place.schema.json": "content/places/*.yaml",
        "./schemas/site.schema.json": "content/site.yaml",
    }
    assert settings["yaml.customTags"] == []
    for schema in settings["yaml.schemas"]:
        assert (REPO_ROOT / schema).is_file()


def test_editor_settings_recommend_the_yaml_extension() -> None:
    extensions = json.loads((REPO_ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
