"""Problems found in editors' content, and the three ways `check` prints them.

A content mistake is data, never an exception: every stage returns `Problem` records
and the command line decides what to print and which exit code to use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Problem(NamedTuple):
    """One located mistake. Field order is the sort order: file, line, column.

    A named tuple rather than a frozen dataclass: as immutable, ordered the same, and
    this module then imports no `dataclasses`, which would cost a no-change build (the
    command line imports this module) a tenth of its time."""

    file: str
    line: int
    col: int
    severity: Severity
    message: str


def error(file: str, line: int, col: int, message: str) -> Problem:
    return Problem(file, line, col, "error", message)


def warning(file: str, line: int, col: int, message: str) -> Problem:
    return Problem(file, line, col, "warning", message)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(problem.severity == "error" for problem in problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted and without exact repeats, so one mistake is never reported twice."""
    return sorted(set(problems))


def format_text(problems: Sequence[Problem]) -> str:
    lines = [f"{p.file}:{p.line}:{p.col}: {p.severity}: {p.message}" for p in problems]
    return "".join(line + "\n" for line in lines)


def _escape_github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    return _escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands; escaped as the runner's toolkit escapes them."""
    lines = []
    for p in problems:
        properties = ",".join(
            [
                f"file={_escape_github_property(p.file)}",
                f"line={p.line}",
                f"col={p.col}",
            ]
        )
        lines.append(f"::{p.severity} {properties}::{_escape_github_data(p.message)}")
    return "".join(line + "\n" for line in lines)


def format_json(problems: Sequence[Problem]) -> str:
    import json  # here: a build that finds nothing to do never formats JSON

    records = [
        {
            "file": p.file,
            "line": p.line,
            "col": p.col,
            "severity": p.severity,
            "message": p.message,
        }
        for p in problems
    ]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
