"""The Jinja2 environment and the static assets shipped with every site.

Templates come only from `generator/templates/`; content is always data handed to a
template, never compiled as one, so `{{ 7*7 }}` in a title stays text. Autoescaping is
on everywhere and `StrictUndefined` turns a typo in a template into a failed build
instead of an empty space on a page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from generator import urls

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"


@functools.cache
def environment() -> jinja2.Environment:
    """Built once per process: templates are part of the program, not of the content,
    so they are not checked for changes on each use (`auto_reload` stat'ed four
    template files for every page: 44,000 stats for a 10,000-event site)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


COMPILED_ENTRY = "templates"
"""The build cache's entry of the templates' code (`cache.Store.load_compiled`)."""


class _CompiledCode(jinja2.BytecodeCache):
    """Each template's compiled code, as the build cache keeps it between builds.

    Jinja checks what it is given: code compiled from other template source, or by
    another Python, is compiled again (and the cache's code key, which covers the
    templates and Jinja's version, discards it before that)."""

    def __init__(self, known: Mapping[str, bytes]) -> None:
        self.code = dict(known)
        self.compiled = False

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.code.get(bucket.key)
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()
        self.compiled = True


def load_templates(known: Mapping[str, bytes]) -> dict[str, bytes] | None:
    """Load every template into a new environment for this process, from `known`
    compiled code where it is current; returns the code to keep when any template had
    to be compiled, else None. Compiling the templates from source took ~55 ms of every
    rebuild, and loading their code takes ~2 ms (`bench/fixed_costs.py`). Loaded before
    the renderer forks, they are compiled once for both processes. An environment an
    earlier build of the same process filled is dropped: each build renders with the
    templates as they are now, which the code key it uses hashed (`serve` builds again
    after a template edit, and once kept rendering with the templates it started with)."""
    environment.cache_clear()
    env = environment()
    compiled = _CompiledCode(known)
    env.bytecode_cache = compiled
    try:
        for name in env.list_templates():
            env.get_template(name)
    finally:
        env.bytecode_cache = None
    return compiled.code if compiled.compiled else None


def listed_details(when: object, places: tuple[str, ...], summary: str) -> str:
    """The part of an event's list item below its link, as HTML, from the template's own
    macro: it is the same on each of the ~20 pages that list the event, and laying it
    out there cost ~9 us an item."""
    macros = environment().get_template("macros.html").module
    return str(macros.event_details(when, places, summary))  # type: ignore[attr-defined]


def render_page(template: str, **context: object) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


def static_files() -> dict[str, bytes]:
    """Every file under `generator/static/`, at `static/<name>` in the site."""
    return {
        urls.static(path.relative_to(STATIC_DIR).as_posix()): path.read_bytes()
        for path in sorted(STATIC_DIR.rglob("*"))
        if path.is_file()
    }
