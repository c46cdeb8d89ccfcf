"""docs/schema-reference.md is generated from the schemas and must match them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_reference_matches_the_schemas() -> None:
    result = subprocess.run(
        [sys.executable, "tools/schema_reference.py", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + "run: python tools/schema_reference.py"


def test_schema_reference_lists_every_top_level_key_of_every_file_kind() -> None:
    reference = (REPO_ROOT / "docs" / "schema-reference.md").read_text(encoding="utf-8")
    for key in ("base_url", "per_page", "summary", "sources", "part_of", "within", "coordinates"):
        assert f"| `{key}` |" in reference
