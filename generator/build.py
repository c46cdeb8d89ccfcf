"""`build_site`: load, check, render every page and export, then publish atomically.

Rendering produces a mapping of out_path -> bytes; nothing touches the disk until
`publish`, which writes a staging folder and swaps it in only when everything worked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator import exports, pages, publish, search
from generator.errors import UsageError
from generator.index import SiteIndex
from generator.pipeline import load_site
from generator.problems import Problem, error, has_errors, sort_problems
from generator.validate import is_http_url

REPO_ROOT = Path(__file__).resolve().parent.parent


def with_base_url(index: SiteIndex, base_url: str | None) -> SiteIndex:
    if base_url is None:
        return index
    if not is_http_url(base_url):
        raise UsageError(f"--base-url '{base_url}' must be an absolute http(s) URL")
    site = dataclasses.replace(index.site, base_url=base_url.rstrip("/") + "/")
    return dataclasses.replace(index, site=site)


def merge_outputs(
    groups: Iterable[tuple[str, Mapping[str, bytes]]],
) -> tuple[dict[str, bytes], list[Problem]]:
    """One mapping of every output file; two producers claiming one path is a problem."""
    merged: dict[str, bytes] = {}
    owner: dict[str, str] = {}
    problems: list[Problem] = []
    for producer, files in groups:
        for out_path, data in files.items():
            if out_path in merged:
                problems.append(
                    error(
                        out_path,
                        1,
                        1,
                        f"two outputs claim this path ({owner[out_path]} and {producer})",
                    )
                )
                continue
            merged[out_path] = data
            owner[out_path] = producer
    return dict(sorted(merged.items())), problems


def build_site(
    content_dir: Path,
    out_dir: Path,
    *,
    base_url: str | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    with_search: bool = True,
) -> list[Problem]:
    """Returns the problems; on any error the previous output is left untouched."""
    publish.check_output_location(out_dir, content_dir, REPO_ROOT)
    index, problems = load_site(content_dir)
    if index is None:
        return problems
    index = with_base_url(index, base_url)
    files, collisions = merge_outputs(
        [("pages", pages.render_pages(index)), ("exports", exports.render_exports(index))]
    )
    problems = sort_problems([*problems, *collisions])
    if has_errors(problems):
        return problems
    publish.publish(files, out_dir, before_swap=search.index_site if with_search else None)
    return problems
