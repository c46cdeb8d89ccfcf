"""The fixed costs a rebuild pays as a new process, each timed on its own.

- templates: compiling the eleven templates from source, against loading their compiled
  code as the build cache keeps it (`render.load_templates`);
- validators: generating and compiling each schema's fastjsonschema validator, against
  unmarshalling its code as the cache keeps it (`structure.load_validators`);
- teardown: after a one-title rebuild of CONTENT_DIR's copy in WORK_DIR, the time from
  `cli.main` returning to the process having exited, with the interpreter torn down as
  usual (`sys.exit`) and left at once by `build.leave`.

Each figure is the median of several fresh processes, in milliseconds, printed as JSON.

Usage: python bench/fixed_costs.py CONTENT_DIR WORK_DIR [--reps N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import edits

REPO_ROOT = Path(__file__).resolve().parent.parent

COMPILE_THEN_LOAD = """
import sys, time
sys.path.insert(0, {root!r})
from generator import {module}
start = time.perf_counter()
code = {module}.{load}({{}})
compiled = time.perf_counter() - start
{forget}
start = time.perf_counter()
assert {module}.{load}(code) is None
print(compiled * 1000, (time.perf_counter() - start) * 1000)
"""
COMPILED = {
    "templates": ("render", "load_templates", "render.environment.cache_clear()"),
    "validators": ("structure", "load_validators", "structure._loaded_code.clear()"),
}
"""What is compiled: (module, its loading function, what makes it forget the code)."""

TEARDOWN = """
import sys, time
sys.path.insert(0, {root!r})
from build import leave
from generator.cli import main
status = main(["build", "--no-search", "--content", {content!r}, "--out", {out!r}])
print(time.time(), flush=True)
if {leave!r}:
    leave(status)
sys.exit(status)
"""


def _pair_of_figures(script: str) -> tuple[float, float]:
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    first, second = ran.stdout.split()
    return float(first), float(second)


def _teardown_ms(content: Path, out: Path, leave: bool) -> float:
    edits.edit_first_title(content)
    time.sleep(1.1)  # past the one-second mtime guard
    script = TEARDOWN.format(root=str(REPO_ROOT), content=str(content), out=str(out), leave=leave)
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    exited = time.time()
    return (exited - float(ran.stdout.split()[-1])) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    content, out = args.work / "content", args.work / "site"
    if not content.exists():
        shutil.copytree(args.content, content)
    build = [sys.executable, str(REPO_ROOT / "build.py"), "build", "--no-search"]
    subprocess.run([*build, "--content", str(content), "--out", str(out)], check=True)
    figures: dict[str, list[float]] = {}
    for _ in range(args.reps):
        for name, (module, load, forget) in COMPILED.items():
            script = COMPILE_THEN_LOAD.format(
                root=str(REPO_ROOT), module=module, load=load, forget=forget
            )
            compiled, loaded = _pair_of_figures(script)
            figures.setdefault(f"{name}: compile", []).append(compiled)
            figures.setdefault(f"{name}: load compiled code", []).append(loaded)
        for leave, label in ((False, "torn down"), (True, "left with os._exit")):
            figures.setdefault(f"after a rebuild: {label}", []).append(
                _teardown_ms(content, out, leave)
            )
    medians = {name: round(statistics.median(runs), 1) for name, runs in figures.items()}
    print(json.dumps(medians, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
