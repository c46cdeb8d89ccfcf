"""Incremental builds give exactly the bytes of a cold build, and write nothing needless.

Each test builds a generated site with the cache, edits the content, builds again and
compares the whole output tree with a cold `--no-cache` build of the edited content.
Pagefind's `pagefind/` folder is left out of the byte comparison: Pagefind itself names
its filter files differently on two cold runs over identical HTML, so only its presence
is compared; the HTML it indexes is compared byte for byte.
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import pickle
import re
import shutil
import time
import zoneinfo
from pathlib import Path

import jinja2
import pytest

from bench import generate
from generator import cache, digests, pipeline, render
from generator.build import build_site
from generator.cli import main
from tests.contentkit import files_of


def make_content(folder: Path, events: int = 40, seed: int = 3) -> Path:
    generate.write_tree(generate.generate(events, seed), folder)
    return folder


def build(content: Path, out: Path, *extra: str) -> None:
    assert main(["build", "--content", str(content), "--out", str(out), *extra]) == 0


def tree(folder: Path) -> dict[str, bytes]:
    """The site's files but its search bundles, whose bytes Pagefind does not repeat."""
    return {
        path: data for path, data in files_of(folder).items() if "pagefind" not in path.split("/")
    }


def inodes(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def cold(content: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    build(content, out, "--no-cache", "--no-search")
    return tree(out)


def events(content: Path) -> list[Path]:
    return sorted((content / "events").rglob("*.yaml"))


def year_of(event_file: Path) -> str:
    found = re.search(r"^date: [\"']?(\d{4})", event_file.read_text(), re.MULTILINE)
    assert found is not None
    return found.group(1)


def bundle_files(out: Path) -> dict[str, tuple[int, int]]:
    return {p: i for p, i in inodes(out).items() if p.startswith("pagefind/")}


def indexed_text(out: Path) -> dict[str, list[bytes]]:
    """Year -> what its search bundle holds of each page (Pagefind's fragments), sorted."""
    return {
        bundle.name: sorted(gzip.decompress(f.read_bytes()) for f in bundle.glob("fragment/*"))
        for bundle in sorted((out / "pagefind").iterdir())
    }


def bundles_listed(out: Path) -> set[str]:
    html = (out / "search" / "index.html").read_text()
    listed = re.search(r'data-bundles="([^"]*)"', html)
    assert listed is not None
    return {bundle.split("/")[-2] for bundle in listed.group(1).split()}


def referenced(content: Path, ident: str) -> bool:
    return any(ident in path.read_text(encoding="utf-8") for path in content.rglob("*.yaml"))


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    content = make_content(tmp_path / "content")
    out = tmp_path / "site"
    build(content, out, "--no-search")
    return content, out


def rebuild_matches_cold(content: Path, out: Path, tmp_path: Path) -> None:
    build(content, out, "--no-search")
    assert tree(out) == cold(content, tmp_path)


def test_a_title_edit_rebuilds_to_the_bytes_of_a_cold_build(site, tmp_path):
    content, out = site
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    rebuild_matches_cold(content, out, tmp_path)


def test_a_no_change_build_reads_only_the_quick_state(site, tmp_path):
    content, out = site
    for path in content.rglob("*"):
        os.utime(path, ns=(10**18, 10**18))
    build(content, out, "--no-search")
    (tmp_path / ".cache" / "site" / "state-detail.pickle").unlink()
    before = inodes(out)
    build(content, out, "--no-search")
    assert inodes(out) == before


def test_a_state_detail_the_quick_state_does_not_vouch_for_is_not_used(tmp_path):
    """Saving the detail can fail (a full disk) while the quick state is saved: an
    older detail must not steer the next build, here into keeping a stale index."""
    content = make_content(tmp_path / "content", events=12)
    out = tmp_path / "site"
    build(content, out)
    detail = tmp_path / ".cache" / "site" / "state-detail.pickle"
    older = detail.read_bytes()
    path = events(content)[0]
    original = path.read_text()
    path.write_text(original.replace("title: ", "title: Zanzibar ", 1))
    build(content, out)
    detail.write_bytes(older)
    path.write_text(original)
    build(content, out)
    build(content, tmp_path / "cold", "--no-cache")
    assert indexed_text(out) == indexed_text(tmp_path / "cold")


def test_a_same_length_edit_right_after_a_build_is_not_missed(site, tmp_path):
    content, out = site
    path = events(content)[3]
    text = path.read_text()
    title = re.search(r'^title: "(.)', text, re.MULTILINE)
    assert title is not None
    swapped = "Q" if title.group(1) != "Q" else "Z"
    path.write_text(text.replace(f'title: "{title.group(1)}', f'title: "{swapped}', 1))
    rebuild_matches_cold(content, out, tmp_path)


def test_a_date_edit_moves_the_event_as_a_cold_build_would(site, tmp_path):
    content, out = site
    path = events(content)[5]
    path.write_text(
        re.sub(r"^date: .*$", "date: 2025-12-31", path.read_text(), count=1, flags=re.M)
    )
    rebuild_matches_cold(content, out, tmp_path)


def test_a_changed_related_link_rebuilds_both_ends(site, tmp_path):
    content, out = site
    linking = next(p for p in events(content) if "related:" in p.read_text())
    target = re.search(r"event: ([a-z0-9-]+)", linking.read_text())
    assert target is not None
    other = next(p.stem for p in events(content) if p.stem != target.group(1) and p != linking)
    linking.write_text(linking.read_text().replace(target.group(1), other, 1))
    rebuild_matches_cold(content, out, tmp_path)


def test_a_deleted_event_disappears_as_in_a_cold_build(site, tmp_path):
    content, out = site
    victim = next(p for p in reversed(events(content)) if not referenced(content, f" {p.stem}"))
    victim.unlink()
    rebuild_matches_cold(content, out, tmp_path)


def test_a_renamed_actor_with_updated_references_rebuilds_as_cold(site, tmp_path):
    content, out = site
    actor = next(
        p for p in sorted((content / "actors").glob("*.yaml")) if referenced(content, p.stem)
    )
    new_id = "renamed-actor"
    actor.rename(actor.with_name(f"{new_id}.yaml"))
    for path in content.rglob("*.yaml"):
        text = path.read_text()
        if actor.stem in text:
            path.write_text(re.sub(rf"\b{re.escape(actor.stem)}\b", new_id, text))
    rebuild_matches_cold(content, out, tmp_path)


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text()
    edited = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert edited != text, f"{pattern!r} not found in {path}"
    path.write_text(edited)


def _used_place(content: Path, kind: str) -> Path:
    """A place of this kind that some event's place lies within (or is)."""
    return next(
        p
        for p in sorted((content / "places").glob("*.yaml"))
        if f"kind: {kind}" in p.read_text() and referenced(content, p.stem)
    )


def _first_event_with(content: Path, text: str) -> Path:
    return next(p for p in events(content) if text in p.read_text())


EDITS = {
    "summary": lambda c: _edit(events(c)[4], r"^summary: \"", 'summary: "Revised. '),
    "body": lambda c: _edit(events(c)[4], r"^body: \|\n  ", "body: |\n  Revised paragraph.\n\n  "),
    "time and zone": lambda c: _edit(
        events(c)[6],
        r"^date: (\d{4}-\d\d-\d\d)$",
        "date: \\1\ntime: '06:30'\ntimezone: Europe/Kyiv",
    ),
    "same day": lambda c: _edit(
        events(c)[9],
        r"^date: .*$",
        "date: " + re.search(r"^date: (.*)$", events(c)[20].read_text(), re.M).group(1),
    ),
    "tag added": lambda c: _edit(events(c)[3], r"^tags: \[", "tags: [brand-new-tag, "),
    "claim status": lambda c: _edit(
        _first_event_with(c, "status: "), r"status: \w+", "status: refuted"
    ),
    "claim figure": lambda c: _edit(
        _first_event_with(c, "figures:"), r"^(      \w+): .*$", "\\1: 999"
    ),
    "source publisher": lambda c: _edit(
        _first_event_with(c, "publisher: "), r'publisher: ".*"', 'publisher: "Renamed Wire"'
    ),
    "actor renamed in place": lambda c: _edit(
        next(p for p in sorted((c / "actors").glob("*.yaml")) if referenced(c, p.stem)),
        r"^name: .*$",
        'name: "A New Name"',
    ),
    "actor moved under another": lambda c: _edit(
        next(p for p in sorted((c / "actors").glob("*.yaml")) if "part_of" not in p.read_text()),
        r"^kind: .*$",
        "\\g<0>\npart_of: " + sorted((c / "actors").glob("*.yaml"))[-1].stem,
    ),
    "town renamed": lambda c: _edit(_used_place(c, "town"), r"^name: .*$", 'name: "Newtown"'),
    "region renamed": lambda c: _edit(
        _used_place(c, "region"), r"^name: .*$", 'name: "New Region"'
    ),
    "country renamed": lambda c: _edit(
        _used_place(c, "country"), r"^name: .*$", 'name: "New Land"'
    ),
    "town moved to another region": lambda c: _edit(
        _used_place(c, "town"),
        r"^within: .*$",
        "within: "
        + next(
            p.stem for p in sorted((c / "places").glob("*.yaml")) if "kind: region" in p.read_text()
        ),
    ),
    "place alias": lambda c: _edit(
        _used_place(c, "town"), r"^kind: .*$", "\\g<0>\naliases: [Old Name]"
    ),
    "site title": lambda c: _edit(c / "site.yaml", r"^title: .*$", "title: Renamed timeline"),
    "site per_page": lambda c: _edit(c / "site.yaml", r"^per_page: .*$", "per_page: 7"),
    "new event": lambda c: (c / "events" / "2024" / "zz-brand-new.yaml").write_text(
        'title: "A brand new event"\ndate: 2024-03-12\nsummary: "New."\n'
        "places: [" + _used_place(c, "town").stem + "]\n"
        "sources:\n  - url: https://example.org/new\n    publisher: Wire\n"
    ),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_every_kind_of_edit_rebuilds_to_the_bytes_of_a_cold_build(site, tmp_path, kind):
    content, out = site
    EDITS[kind](content)
    rebuild_matches_cold(content, out, tmp_path)


def test_edits_in_a_row_each_rebuild_to_the_bytes_of_a_cold_build(site, tmp_path):
    content, out = site
    for kind in ("summary", "tag added", "town renamed", "same day", "site title"):
        EDITS[kind](content)
        rebuild_matches_cold(content, out, tmp_path)


def _made_after(content: Path, out: Path) -> dict[str, int]:
    """How many pages and exports the build made again (rather than kept) after an edit."""
    told: dict[str, tuple[int, int]] = {}
    problems = build_site(
        content, out, with_search=False, report=lambda s, d, t: told.update({s: (d, t)})
    )
    assert not [p for p in problems if p.severity == "error"]
    return {
        what: told[f"{what} unchanged"][1] - told[f"{what} unchanged"][0]
        for what in ("pages", "exports")
    }


def test_a_title_edit_makes_only_the_pages_and_feeds_that_show_the_event(site):
    content, out = site
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    made = _made_after(content, out)
    assert 0 < made["pages"] <= 25
    whole_site_files, hub_feeds_at_most = 8, 20
    assert 0 < made["exports"] <= whole_site_files + hub_feeds_at_most


def items_laid_out(content: Path, out: Path, monkeypatch) -> list[str]:
    """The summaries of the list items a build laid out (`render.listed_details`)."""
    laid_out: list[str] = []
    lay_out = render.listed_details

    def counted(when, places, summary):
        laid_out.append(summary)
        return lay_out(when, places, summary)

    monkeypatch.setattr(render, "listed_details", counted)
    build(content, out, "--no-search")
    return laid_out


def test_a_title_edit_lays_out_only_the_edited_event_s_list_item(site, monkeypatch):
    """The other items of the ~20 pages that list it come from the cache."""
    content, out = site
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    summary = re.search(r'^summary: "(.*)"$', path.read_text(), re.MULTILINE)
    assert summary is not None
    assert items_laid_out(content, out, monkeypatch) == [summary.group(1)]


def test_a_new_site_time_zone_reaches_every_list_item_that_shows_a_time(site, tmp_path):
    """A time given without a zone is shown in the site's: the site's settings are part
    of what the cache keeps a list item's parts by."""
    content, out = site
    _edit(events(content)[6], r"^date: (\d{4}-\d\d-\d\d)$", "date: \\1\ntime: '06:30'")
    build(content, out, "--no-search")
    _edit(content / "site.yaml", r"^timezone: .*$", "timezone: Europe/Kyiv")
    rebuild_matches_cold(content, out, tmp_path)


def _sitemaps_made(content: Path, out: Path, monkeypatch) -> int:
    from generator import exports

    made: list[int] = []
    make, key = exports.HOST_FILES["sitemap.xml"]

    def counted(index):
        made.append(1)
        return make(index)

    monkeypatch.setitem(exports.HOST_FILES, "sitemap.xml", (counted, key))
    build(content, out, "--no-search")
    return len(made)


def test_a_title_edit_leaves_the_sitemap_but_a_new_event_remakes_it(site, tmp_path, monkeypatch):
    content, out = site
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    assert _sitemaps_made(content, out, monkeypatch) == 0
    shutil.copy(path, path.with_name("a-new-event.yaml"))
    assert _sitemaps_made(content, out, monkeypatch) == 1
    assert tree(out) == cold(content, tmp_path)


def test_a_rebuild_with_a_fresh_cache_renders_every_page_again(site, tmp_path):
    content, out = site
    shutil.rmtree(tmp_path / ".cache")
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    assert _made_after(content, out)["pages"] > len(events(content))


def test_a_rebuild_with_nothing_changed_writes_no_file(tmp_path):
    content = make_content(tmp_path / "content")
    for path in content.rglob("*"):
        os.utime(path, ns=(10**18, 10**18))  # old enough to trust the mtimes
    out = tmp_path / "site"
    build(content, out)
    before = inodes(out)
    build(content, out)
    assert inodes(out) == before


def test_a_rebuild_after_an_edit_rewrites_only_changed_files(site):
    content, out = site
    before = inodes(out)
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    build(content, out, "--no-search")
    after = inodes(out)
    rewritten = {p for p in after if after[p] != before.get(p)}
    assert f"events/{path.stem}/index.html" in rewritten
    assert "static/style.css" not in rewritten
    assert len(rewritten) < len(after) / 2


def test_a_deleted_cache_folder_gives_a_correct_build(site, tmp_path):
    content, out = site
    shutil.rmtree(tmp_path / ".cache")
    path = events(content)[2]
    path.write_text(path.read_text().replace("title: ", "title: Again ", 1))
    rebuild_matches_cold(content, out, tmp_path)


def test_truncated_cache_files_give_a_correct_build(site, tmp_path):
    content, out = site
    for entry in (tmp_path / ".cache" / "site").glob("*.pickle"):
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    path = events(content)[2]
    path.write_text(path.read_text().replace("title: ", "title: Again ", 1))
    rebuild_matches_cold(content, out, tmp_path)


@pytest.mark.parametrize("damage", ["past the end", "too few", "layouts and keys disagree"])
def test_a_damaged_but_readable_export_layout_is_not_copied_from(
    site, tmp_path, monkeypatch, damage
):
    import dataclasses
    from array import array

    content, out = site
    store = cache.Store(tmp_path / ".cache" / "site")
    detail = store.load("state-detail")
    layouts = detail["joined"]
    if damage == "layouts and keys disagree":
        layouts = dataclasses.replace(layouts, keys=layouts.keys[1:])
    else:
        files = {}
        for out_path, layout in layouts.files.items():
            if damage == "past the end":
                lengths = array("q", [layout.stat[0]] * len(layout.lengths))
                files[out_path] = dataclasses.replace(layout, lengths=lengths)
            else:
                files[out_path] = dataclasses.replace(layout, lengths=layout.lengths[1:])
        layouts = dataclasses.replace(layouts, files=files)
    store.save("state-detail", {**detail, "joined": layouts})
    path = events(content)[2]
    path.write_text(path.read_text().replace("title: ", "title: Again ", 1))
    made = _serialising(monkeypatch)
    rebuild_matches_cold(content, out, tmp_path)
    assert {e for name, e in made if name == "events.json"} == {p.stem for p in events(content)}


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path):
    content = make_content(tmp_path / "content", events=5)
    build(content, tmp_path / "site", "--no-cache", "--no-search")
    assert not (tmp_path / ".cache").exists()


@pytest.fixture
def fresh_templates():
    """A new Jinja environment, as a new process starts with, before and after."""
    render.environment.cache_clear()
    yield
    render.environment.cache_clear()


def _counting_compiles(monkeypatch) -> list[str]:
    compiled: list[str] = []
    compile_source = jinja2.Environment.compile

    def compile_counted(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_source(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_counted)
    return compiled


def test_templates_are_compiled_once_then_loaded_from_the_cache(fresh_templates, monkeypatch):
    compiled = _counting_compiles(monkeypatch)
    code = render.load_templates({})
    assert code is not None
    assert sorted(compiled) == sorted(render.environment().list_templates())
    render.environment.cache_clear()
    compiled.clear()
    assert render.load_templates(code) is None
    assert compiled == []
    assert render.environment().get_template("event.html") is not None


def test_compiled_code_that_does_not_match_is_compiled_again(fresh_templates, monkeypatch):
    code = render.load_templates({})
    assert code is not None
    render.environment.cache_clear()
    compiled = _counting_compiles(monkeypatch)
    again = render.load_templates(dict.fromkeys(code, b"not a template's code"))
    assert sorted(compiled) == sorted(render.environment().list_templates())
    assert again == code


def test_each_build_in_a_process_renders_with_the_templates_as_they_are_now(tmp_path, monkeypatch):
    """`serve` builds again in the same process after a template edit."""
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES_DIR, templates)
    monkeypatch.setattr(render, "TEMPLATES_DIR", templates)
    content = make_content(tmp_path / "content", events=3)
    build(content, tmp_path / "site", "--no-cache", "--no-search")
    base = templates / "base.html"
    base.write_text(base.read_text().replace("</body>", "<!-- edited --></body>"))
    build(content, tmp_path / "site", "--no-cache", "--no-search")
    assert "<!-- edited -->" in (tmp_path / "site" / "index.html").read_text()


def test_a_build_keeps_the_templates_compiled_code_in_its_cache(tmp_path):
    content = make_content(tmp_path / "content", events=3)
    build(content, tmp_path / "site", "--no-search")
    kept = cache.Store(tmp_path / ".cache" / "site").load(render.COMPILED_ENTRY)
    assert isinstance(kept, dict)
    assert len(kept) == len(render.environment().list_templates())


def test_cache_dir_moves_the_cache(tmp_path):
    content = make_content(tmp_path / "content", events=5)
    build(content, tmp_path / "site", "--no-search", "--cache-dir", str(tmp_path / "elsewhere"))
    assert (tmp_path / "elsewhere" / "state.pickle").is_file()
    assert not (tmp_path / ".cache").exists()


def test_entries_written_by_other_code_read_as_empty(tmp_path):
    store = cache.Store(tmp_path)
    store.save("state", {"x": 1})
    assert store.load("state") == {"x": 1}
    with open(tmp_path / "state.pickle", "wb") as stream:
        pickle.dump(((cache.FORMAT, "another generator"), {"x": 1}), stream)
    assert store.load("state") is None


def test_a_kept_entry_is_unpickled_once_while_its_file_is_the_same(tmp_path):
    kept = cache.Kept(["parsed"])
    cache.Store(tmp_path).save("parsed", {"a": [1]})
    first = cache.Store(tmp_path, kept).load("parsed")
    assert first == {"a": [1]}
    assert cache.Store(tmp_path, kept).load("parsed") is first


def test_a_kept_entry_is_read_again_once_another_build_replaced_its_file(tmp_path):
    kept = cache.Kept(["parsed"])
    cache.Store(tmp_path).save("parsed", {"a": 1})
    assert cache.Store(tmp_path, kept).load("parsed") == {"a": 1}
    cache.Store(tmp_path).save("parsed", {"a": 2})  # same size, maybe the same mtime tick
    assert cache.Store(tmp_path, kept).load("parsed") == {"a": 2}
    cache.Store(tmp_path).forget("parsed")
    assert cache.Store(tmp_path, kept).load("parsed") is None


def test_a_kept_entry_saved_under_another_code_key_is_refused_like_its_file(tmp_path, monkeypatch):
    kept = cache.Kept(["parsed"])
    cache.Store(tmp_path).save("parsed", {"a": 1})
    assert cache.Store(tmp_path, kept).load("parsed") == {"a": 1}
    monkeypatch.setattr(cache.Store, "code_key", lambda store: "an edited template")
    assert cache.Store(tmp_path, kept).load("parsed") is None


def test_entries_not_named_kept_are_read_from_their_files_each_time(tmp_path):
    kept = cache.Kept(["parsed"])
    cache.Store(tmp_path).save("state", {"a": 1})
    store = cache.Store(tmp_path, kept)
    assert store.load("state") is not store.load("state")


def test_the_code_key_covers_templates_static_files_and_schemas():
    covered = {path.parent.name for path in cache._code_files()}
    assert {"templates", "static", "schemas", "generator"} <= covered


def test_the_code_key_covers_the_versions_of_the_libraries_that_shape_output(monkeypatch):
    keys = []
    for markdown in ("Markdown=3.11.3", "Markdown=3.12.0"):
        monkeypatch.setattr(cache, "_library_versions", lambda markdown=markdown: markdown)
        keys.append(cache.code_key())
    assert keys[0] != keys[1]


def test_the_code_key_is_hashed_from_the_files_as_they_are_now_not_once_per_process(
    tmp_path, monkeypatch
):
    """`serve` builds again in the same process after a template edit."""
    template = tmp_path / "base.html"
    template.write_text("<p>old</p>")
    monkeypatch.setattr(cache, "_code_files", lambda: [template])
    monkeypatch.setattr(cache, "PACKAGE_DIR", tmp_path)
    before = cache.code_key()
    template.write_text("<p>new</p>")
    assert cache.code_key() != before


def test_an_upgrade_of_the_tzdata_package_changes_the_code_key(monkeypatch):
    """Where the system has no zone database, `zoneinfo` reads the `tzdata` package."""
    import importlib.metadata

    installed = importlib.metadata.version
    keys = []
    for release in ("2024.1", "2025.2"):

        def version(distribution: str, release: str = release) -> str:
            return release if distribution == "tzdata" else installed(distribution)

        monkeypatch.setattr(importlib.metadata, "version", version)
        keys.append(cache.code_key())
    assert keys[0] != keys[1]


def test_each_shaping_library_is_stamped_where_an_import_finds_it():
    found = {path.parent.name: str(path) for path in cache._library_files()}
    for module, _distribution in cache.SHAPING_LIBRARIES:
        spec = importlib.util.find_spec(module)
        assert spec is not None
        assert found[module] == spec.origin


@pytest.fixture
def code_file(tmp_path, monkeypatch):
    """One stand-in code file, a minute old, and a count of how often the code is hashed."""
    path = tmp_path / "code.py"
    path.write_text("version = 1\n")
    a_minute_ago = time.time_ns() - 60_000_000_000
    os.utime(path, ns=(a_minute_ago, a_minute_ago))
    hashed: list[str] = []

    def hash_code(zone_files: tuple[str, ...] = ()) -> str:
        hashed.append(path.read_text())
        return f"key of {path.read_text()!r} with zones {zone_files}"

    monkeypatch.setattr(cache, "_code_files", lambda: [path])
    monkeypatch.setattr(cache, "code_key", hash_code)
    return path, hashed


def test_the_code_key_is_remembered_while_the_code_files_keep_their_stats(tmp_path, code_file):
    _path, hashed = code_file
    first = cache.Store(tmp_path / "cache").code_key()
    assert cache.Store(tmp_path / "cache").code_key() == first
    assert len(hashed) == 1


def test_an_edited_code_file_is_hashed_again(tmp_path, code_file):
    path, hashed = code_file
    before = cache.Store(tmp_path / "cache").code_key()
    path.write_text("version = 22\n")
    assert cache.Store(tmp_path / "cache").code_key() != before
    assert len(hashed) == 2


def test_a_same_size_edit_with_a_new_mtime_is_hashed_again(tmp_path, code_file):
    path, hashed = code_file
    before = cache.Store(tmp_path / "cache").code_key()
    path.write_text("version = 2\n")
    os.utime(path, ns=(time.time_ns() - 30_000_000_000,) * 2)
    assert cache.Store(tmp_path / "cache").code_key() != before
    assert len(hashed) == 2


def test_a_library_installed_again_has_the_code_hashed_again(tmp_path, code_file, monkeypatch):
    _path, hashed = code_file
    library = tmp_path / "library" / "__init__.py"
    library.parent.mkdir()
    library.write_text("# 3.11\n")
    a_minute_ago = time.time_ns() - 60_000_000_000
    os.utime(library, ns=(a_minute_ago, a_minute_ago))
    monkeypatch.setattr(cache, "_library_files", lambda: [library])
    cache.Store(tmp_path / "cache").code_key()
    library.write_text("# 3.12\n")
    cache.Store(tmp_path / "cache").code_key()
    assert len(hashed) == 2


def test_a_code_key_hashed_right_after_an_edit_is_not_remembered(tmp_path, code_file):
    path, hashed = code_file
    os.utime(path)
    cache.Store(tmp_path / "cache").code_key()
    cache.Store(tmp_path / "cache").code_key()
    assert len(hashed) == 2
    assert not (tmp_path / "cache" / cache.CODE_MEMO).exists()


def test_a_damaged_code_key_memo_is_hashed_again(tmp_path, code_file):
    _path, hashed = code_file
    cache.Store(tmp_path / "cache").code_key()
    (tmp_path / "cache" / cache.CODE_MEMO).write_bytes(b"\x80\x05garbage")
    cache.Store(tmp_path / "cache").code_key()
    assert len(hashed) == 2


@pytest.fixture
def zone_database(tmp_path, monkeypatch):
    """A stand-in system time zone database, a minute old, on zoneinfo's search path."""
    folder = tmp_path / "zoneinfo"
    folder.mkdir()
    version = folder / "tzdata.zi"
    version.write_text("# version 2022a\n")
    a_minute_ago = time.time_ns() - 60_000_000_000
    os.utime(version, ns=(a_minute_ago, a_minute_ago))
    monkeypatch.setattr(zoneinfo, "TZPATH", (str(folder),))
    return version


def test_the_code_key_covers_the_time_zone_database(zone_database):
    before = cache.code_key(cache.time_zone_files())
    zone_database.write_text("# version 2022b\n")
    assert cache.code_key(cache.time_zone_files()) != before


def test_an_updated_time_zone_database_has_the_code_hashed_again(
    tmp_path, code_file, zone_database
):
    """A check cache kept from before `Europe/Kyiv` existed must not outlive it."""
    _path, hashed = code_file
    cache.Store(tmp_path / "cache").code_key()
    cache.Store(tmp_path / "cache").code_key()
    zone_database.write_text("# version 2022b, with Europe/Kyiv\n")
    cache.Store(tmp_path / "cache").code_key()
    assert len(hashed) == 2


def test_a_time_zone_database_gone_since_the_memo_has_the_code_hashed_again(
    tmp_path, code_file, zone_database
):
    _path, hashed = code_file
    cache.Store(tmp_path / "cache").code_key()
    zone_database.unlink()
    cache.Store(tmp_path / "cache").code_key()
    assert len(hashed) == 2


def test_another_time_zone_search_path_has_the_code_hashed_again(tmp_path, code_file, monkeypatch):
    _path, hashed = code_file
    monkeypatch.delenv(cache.TIME_ZONE_PATH_VARIABLE, raising=False)
    cache.Store(tmp_path / "cache").code_key()
    monkeypatch.setenv(cache.TIME_ZONE_PATH_VARIABLE, str(tmp_path / "elsewhere"))
    cache.Store(tmp_path / "cache").code_key()
    assert len(hashed) == 2


def test_pages_rendered_on_several_processes_equal_a_cold_build(tmp_path):
    content = make_content(tmp_path / "content", events=420, seed=5)
    out = tmp_path / "site"
    build(content, out, "--no-search")
    path = events(content)[100]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    rebuild_matches_cold(content, out, tmp_path)


def test_an_unchanged_search_index_is_linked_not_rebuilt(tmp_path):
    content = make_content(tmp_path / "content", events=10)
    out = tmp_path / "site"
    build(content, out)
    before = bundle_files(out)
    path = events(content)[0]
    path.touch()
    build(content, out)
    assert before and bundle_files(out) == before


def test_a_published_file_changed_by_hand_is_put_back_by_the_next_build(site, tmp_path):
    content, out = site
    (out / "events.csv").write_text("edited by hand\n")
    path = events(content)[1]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    rebuild_matches_cold(content, out, tmp_path)


def test_a_build_killed_while_moving_files_is_repaired_by_the_next(site, tmp_path, monkeypatch):
    content, out = site
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    moves = 0
    real_replace = os.replace

    def dies_after_two_moves(source: str | Path, target: str | Path) -> None:
        nonlocal moves
        moves += 1
        if moves > 2:
            raise OSError("the machine went down")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", dies_after_two_moves)
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 1
    monkeypatch.setattr(os, "replace", real_replace)
    rebuild_matches_cold(content, out, tmp_path)


def test_an_edit_reindexes_only_its_years_search_bundle_in_place(tmp_path):
    content = make_content(tmp_path / "content", events=10)
    for path in content.rglob("*"):
        os.utime(path, ns=(10**18, 10**18))
    out = tmp_path / "site"
    build(content, out)
    before = inodes(out)
    path = events(content)[0]
    path.write_text(path.read_text().replace("title: ", "title: Zanzibar ", 1))
    os.utime(path, ns=(10**18 + 1, 10**18 + 1))
    build(content, out)
    after = inodes(out)
    differing = {path for path, _ in set(before.items()) ^ set(after.items())}
    remade = {path.split("/")[1] for path in differing if path.startswith("pagefind/")}
    assert remade == {year_of(path)}, "Pagefind names its files by content: a new bundle"
    assert f"pagefind/{year_of(path)}/pagefind-entry.json" in after
    assert {p for p in after if not p.startswith("pagefind/")} == {
        p for p in before if not p.startswith("pagefind/")
    }
    build(content, out)
    assert inodes(out) == after


@pytest.mark.parametrize(
    "kind", ["body", "claim status", "actor renamed in place", "region renamed"]
)
def test_the_search_index_after_an_edit_holds_what_a_cold_build_indexes(kind, tmp_path):
    content = make_content(tmp_path / "content", events=12)
    out = tmp_path / "site"
    build(content, out)
    EDITS[kind](content)
    build(content, out)
    build(content, tmp_path / "cold", "--no-cache")
    assert indexed_text(out) == indexed_text(tmp_path / "cold")


def test_the_search_page_lists_one_bundle_per_year_with_events(tmp_path):
    content = make_content(tmp_path / "content", events=10)
    out = tmp_path / "site"
    build(content, out)
    years = {year_of(path) for path in events(content)}
    assert len(years) > 1
    assert {p.split("/")[1] for p in bundle_files(out)} == years == bundles_listed(out)


def test_a_year_gains_a_bundle_with_its_first_event_and_loses_it_with_its_last(tmp_path):
    content = make_content(tmp_path / "content", events=10)
    out = tmp_path / "site"
    build(content, out)
    path = events(content)[3]
    original = path.read_text()
    path.write_text(re.sub(r"^date: .*$", "date: 2031-05-06", original, count=1, flags=re.M))
    build(content, out)
    assert "2031" in bundles_listed(out)
    assert "pagefind/2031/pagefind-entry.json" in bundle_files(out)
    path.write_text(original)
    build(content, out)
    assert "2031" not in bundles_listed(out)
    assert not (out / "pagefind" / "2031").exists()
    assert {p.split("/")[1] for p in bundle_files(out)} == bundles_listed(out)


def test_after_a_small_edit_only_the_new_parsed_files_are_saved(site, tmp_path):
    content, out = site
    bulk = tmp_path / ".cache" / "site" / "parsed.pickle"
    before = bulk.stat()
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    rebuild_matches_cold(content, out, tmp_path)
    assert (bulk.stat().st_ino, bulk.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (tmp_path / ".cache" / "site" / "parsed-new.pickle").is_file()


def test_once_a_tenth_of_the_files_changed_the_parsed_cache_is_rewritten_whole(site, tmp_path):
    content, out = site
    bulk = tmp_path / ".cache" / "site" / "parsed.pickle"
    before = bulk.stat()
    files = sorted(content.rglob("*.yaml"))
    for path in files[: len(files) // 5]:
        path.write_text(path.read_text() + "# edited\n")
    rebuild_matches_cold(content, out, tmp_path)
    assert bulk.stat().st_ino != before.st_ino
    assert not (tmp_path / ".cache" / "site" / "parsed-new.pickle").exists()


def _age_everything(folder: Path) -> None:
    """Make every file and folder look old, as after a while without builds."""
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, ns=(10**18, 10**18), follow_symlinks=False)


def test_a_rebuild_stats_each_plain_content_file_only_once(site, tmp_path, monkeypatch):
    """The stats taken to see whether anything changed also vouch for unchanged files."""
    content, out = site
    path = events(content)[3]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    stated: list[str] = []
    stat = os.stat

    def counted(target, *args, **kwargs):
        stated.append(os.fspath(target))
        return stat(target, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counted)
    build(content, out, "--no-search")
    by_full_path = [p for p in stated if p.endswith(".yaml") and "/" in p]
    assert set(by_full_path) == {str(content / "site.yaml")}  # found, then read
    assert tree(out) == cold(content, tmp_path)


@pytest.fixture
def symlinked_event(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """(content, site, link, target): a built site one of whose events is a symlink to a
    file in a hidden folder of the content, every file old enough to be trusted."""
    content = make_content(tmp_path / "content", events=8)
    link = events(content)[2]
    target = content / ".kept" / link.name
    target.parent.mkdir()
    link.rename(target)
    link.symlink_to(target)
    _age_everything(content)
    out = tmp_path / "site"
    build(content, out, "--no-search")
    return content, out, link, target


def test_an_unchanged_symlinked_event_is_vouched_for_by_its_target_s_stat(
    symlinked_event, monkeypatch
):
    """Its own stat (lstat) says nothing of the bytes it leads to, so it must not be what
    vouches; the target's stat does, and the file is not read again."""
    content, out, link, _target = symlinked_event
    other = events(content)[5]
    other.write_text(other.read_text().replace("title: ", "title: Edited ", 1))
    read: list[str] = []
    read_raw = pipeline.read_raw

    def counted(path, source_path):
        read.append(os.fspath(path))
        return read_raw(path, source_path)

    monkeypatch.setattr(pipeline, "read_raw", counted)
    build(content, out, "--no-search")
    assert str(other) in read
    assert str(link) not in read


def test_an_edit_to_a_symlinked_event_s_target_is_rebuilt(symlinked_event, tmp_path):
    """A symlink's own stat does not change when its target does: it is the target's
    stat that vouches for the file."""
    content, out, link, target = symlinked_event
    target.write_text(target.read_text().replace("title: ", "title: Edited ", 1))
    os.utime(target, ns=(10**18 + 10**9, 10**18 + 10**9))
    rebuild_matches_cold(content, out, tmp_path)
    assert "Edited" in (out / "events" / link.stem / "index.html").read_text()


def _serialising(monkeypatch) -> list[tuple[str, str]]:
    """(whole-site file, event id) for every fragment serialised from now on."""
    import dataclasses

    from generator import exports

    made: list[tuple[str, str]] = []

    def counted(joined):
        def fragment(index, event):
            made.append((joined.out_path, event.id))
            return joined.fragment(index, event)

        return dataclasses.replace(joined, fragment=fragment)

    monkeypatch.setattr(exports, "JOINED", tuple(counted(j) for j in exports.JOINED))
    return made


def test_a_title_edit_serialises_only_the_events_it_shows_on_in_the_data_files(
    site, tmp_path, monkeypatch
):
    content, out = site
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    made = _serialising(monkeypatch)
    build(content, out, "--no-search")
    serialised = {event_id for name, event_id in made if name == "events.json"}
    assert path.stem in serialised
    assert len(serialised) < len(events(content)) / 4
    assert tree(out) == cold(content, tmp_path)


def test_a_rebuild_of_a_changed_output_serialises_every_event_again(site, tmp_path, monkeypatch):
    """A whole-site file edited by hand since the last build is not copied from."""
    content, out = site
    with open(out / "events.json", "ab") as stream:
        stream.write(b" ")
    path = events(content)[7]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    made = _serialising(monkeypatch)
    build(content, out, "--no-search")
    assert {e for name, e in made if name == "events.json"} == {p.stem for p in events(content)}
    assert {e for name, e in made if name == "events.csv"} != {p.stem for p in events(content)}
    assert tree(out) == cold(content, tmp_path)


def test_two_outputs_side_by_side_keep_their_own_cache(tmp_path):
    content = make_content(tmp_path / "content", events=5)
    _age_everything(content)
    with_search, without = tmp_path / "site", tmp_path / "plain"
    build(content, with_search)
    build(content, without, "--no-search")
    steps: list[str] = []
    build_site(content, with_search, report=lambda step, done, total: steps.append(step))
    build_site(content, without, with_search=False, report=lambda s, d, t: steps.append(s))
    assert steps == [], "a no-change build of either output should not even read the content"
    assert {p.name for p in (tmp_path / ".cache").iterdir()} == {"site", "plain"}


def _reads_during_build(content: Path, out: Path, monkeypatch) -> list[str]:
    from generator import pipeline

    read: list[str] = []
    real_read = pipeline.read_raw

    def counted(path, source_path):
        read.append(Path(path).name)
        return real_read(path, source_path)

    monkeypatch.setattr(pipeline, "read_raw", counted)
    build(content, out, "--no-search")
    monkeypatch.setattr(pipeline, "read_raw", real_read)
    return read


def test_after_an_edit_only_the_edited_file_is_read_again(tmp_path, monkeypatch):
    content = make_content(tmp_path / "content", events=10)
    _age_everything(content)
    out = tmp_path / "site"
    build(content, out, "--no-search")
    path = events(content)[3]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    assert _reads_during_build(content, out, monkeypatch) == [path.name]
    assert tree(out) == cold(content, tmp_path)


def test_files_touched_just_before_a_build_are_read_again_by_the_next(tmp_path, monkeypatch):
    content = make_content(tmp_path / "content", events=10)
    out = tmp_path / "site"
    build(content, out, "--no-search")  # every file was written in the second before
    path = events(content)[3]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    read = _reads_during_build(content, out, monkeypatch)
    assert len(read) == len(list(content.rglob("*.yaml")))
    assert tree(out) == cold(content, tmp_path)


def test_a_touched_file_whose_bytes_did_not_change_is_read_but_not_parsed_again(
    tmp_path, monkeypatch, parsed_files
):
    content = make_content(tmp_path / "content", events=10)
    _age_everything(content)
    out = tmp_path / "site"
    build(content, out, "--no-search")
    touched, edited = events(content)[2], events(content)[3]
    os.utime(touched, ns=(10**18 + 10**9, 10**18 + 10**9))  # touched long ago, same bytes
    edited.write_text(edited.read_text().replace("title: ", "title: Edited ", 1))
    parsed_files.clear()
    assert sorted(_reads_during_build(content, out, monkeypatch)) == sorted(
        [touched.name, edited.name]
    )
    assert parsed_files == [edited.name]
    assert tree(out) == cold(content, tmp_path)


def test_the_whole_site_files_written_in_pieces_hold_the_bytes_made_whole(site):
    from generator import exports
    from generator.pipeline import load_site

    content, out = site
    index, _ = load_site(content)
    made = exports.render_exports(index)
    for joined in exports.JOINED:
        assert (out / joined.out_path).read_bytes() == made[joined.out_path], joined.out_path


def _writer_over(published: Path, staging: Path, *, in_place: bool):
    from generator import incremental

    target = published / "data" / "big.json"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"[1,2,3]")
    previous = {"data/big.json": (digests.digest(b"[1,2,3]"), incremental.stat_of(target))}
    staging.mkdir()
    return incremental.Writer(staging, published, previous, in_place=in_place)


class _Parts:
    """A file made of `parts`, with the hash of the bytes they make."""

    def __init__(self, parts, whole):
        self._parts, self.digest = parts, digests.digest(whole)

    def parts(self):
        return iter(self._parts)


def test_a_file_written_in_pieces_with_the_last_bytes_is_kept_in_place(tmp_path):
    writer = _writer_over(tmp_path / "site", tmp_path / "staging", in_place=True)
    writer.put_spliced("data/big.json", _Parts([b"[1,", b"2,3]"], b"[1,2,3]"), None)
    assert writer.changed() == []
    assert not any(p.is_file() for p in (tmp_path / "staging").rglob("*"))


def test_a_file_written_in_pieces_with_the_last_bytes_is_linked_when_staging(tmp_path):
    writer = _writer_over(tmp_path / "site", tmp_path / "staging", in_place=False)
    writer.put_spliced("data/big.json", _Parts([b"[1,", b"2,3]"], b"[1,2,3]"), None)
    staged = tmp_path / "staging" / "data" / "big.json"
    assert staged.stat().st_ino == (tmp_path / "site" / "data" / "big.json").stat().st_ino
    assert [p.name for p in staged.parent.iterdir()] == ["big.json"]


def test_a_file_written_in_pieces_with_new_bytes_is_staged_to_be_moved(tmp_path):
    writer = _writer_over(tmp_path / "site", tmp_path / "staging", in_place=True)
    writer.put_spliced("data/big.json", _Parts([b"[1,", b"2,3,4]"], b"[1,2,3,4]"), None)
    assert writer.changed() == ["data/big.json"]
    staged = tmp_path / "staging" / "data" / "big.json"
    assert staged.read_bytes() == b"[1,2,3,4]"
    assert [p.name for p in staged.parent.iterdir()] == ["big.json"]


def test_ranges_of_the_published_file_are_copied_between_new_bytes(tmp_path):
    writer = _writer_over(tmp_path / "site", tmp_path / "staging", in_place=True)
    published = writer.previous["data/big.json"][1]
    source = writer.open_published("data/big.json", published)  # holds b"[1,2,3]"
    assert source is not None
    parts = [b"[0,", (1, 3), b",9", (4, 3)]
    writer.put_spliced("data/big.json", _Parts(parts, b"[0,1,2,9,3]"), source)
    assert (tmp_path / "staging" / "data" / "big.json").read_bytes() == b"[0,1,2,9,3]"


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_a_published_file_replaced_by_a_symlink_or_fifo_is_not_copied_from(tmp_path, kind):
    writer = _writer_over(tmp_path / "site", tmp_path / "staging", in_place=True)
    published = writer.previous["data/big.json"][1]
    target = tmp_path / "site" / "data" / "big.json"
    os.link(target, tmp_path / "elsewhere.json")  # the same inode, size and mtime
    target.unlink()
    if kind == "symlink":  # followed, it would pass the stat check
        target.symlink_to(tmp_path / "elsewhere.json")
    else:
        os.mkfifo(target)
    assert writer.open_published("data/big.json", published) is None


def test_a_published_file_changed_since_is_not_opened_to_copy_from(tmp_path):
    writer = _writer_over(tmp_path / "site", tmp_path / "staging", in_place=True)
    published = writer.previous["data/big.json"][1]
    (tmp_path / "site" / "data" / "big.json").write_bytes(b"[7,7,7]")  # same size
    os.utime(tmp_path / "site" / "data" / "big.json", ns=(published[1] + 1, published[1] + 1))
    assert writer.open_published("data/big.json", published) is None


def _snapshot_after_build(content: Path, out: Path, monkeypatch, *extra: str):
    """The folder snapshot an in-place build saved without walking the output, and the
    one a full walk gives."""
    from generator import incremental

    def no_walk(out_dir, published):
        raise AssertionError("an in-place build walked the whole output")

    with monkeypatch.context() as patched:
        patched.setattr(incremental, "snapshot_output", no_walk)
        build(content, out, *extra)
    state = cache.Store(out.parent / ".cache" / out.name).load("state").as_state()
    fresh = incremental.snapshot_output(out.resolve(), state["published"])
    assert state["snapshot"] is not None and fresh is not None
    return state["snapshot"].folders, fresh.folders


def _date_moved_to_2031(content: Path) -> None:
    path = events(content)[3]
    path.write_text(
        re.sub(r"^date: .*$", "date: 2031-05-06", path.read_text(), count=1, flags=re.M)
    )


SNAPSHOT_EDITS = {
    "summary": EDITS["summary"],
    "new event": EDITS["new event"],
    "deleted event": lambda content: events(content)[5].unlink(),
    "new year": _date_moved_to_2031,
}


@pytest.mark.parametrize("search", [False, True], ids=["no-search", "search"])
@pytest.mark.parametrize("kind", sorted(SNAPSHOT_EDITS))
def test_an_in_place_rebuild_updates_the_output_snapshot_as_a_full_walk_would(
    tmp_path, monkeypatch, kind, search
):
    content = make_content(tmp_path / "content", events=10)
    out = tmp_path / "site"
    extra = () if search else ("--no-search",)
    build(content, out, *extra)
    SNAPSHOT_EDITS[kind](content)
    saved, walked = _snapshot_after_build(content, out, monkeypatch, *extra)
    assert saved == walked


def test_a_stray_file_in_a_folder_the_update_touched_voids_the_snapshot(site):
    from generator import incremental

    _, out = site
    state = cache.Store(out.parent / ".cache" / out.name).load("state").as_state()
    touched = ["events/x/index.html"]
    args = (out.resolve(), state["snapshot"], state["published"], touched, [])
    assert incremental.updated_snapshot(*args) is not None
    (out / "events" / "stray.html").write_text("not ours")
    assert incremental.updated_snapshot(*args) is None


def test_many_small_pieces_are_written_in_order(tmp_path):
    from generator import incremental

    pieces = [bytes([n % 251]) * (1000 + n) for n in range(3000)]  # ~7.5 MB, many batches
    whole = b"".join(pieces)
    (tmp_path / "a").mkdir()
    writer = incremental.Writer(tmp_path / "a", tmp_path / "site", {})
    writer.put_spliced("data/big.bin", _Parts(pieces, whole), None)
    assert (tmp_path / "a" / "data" / "big.bin").read_bytes() == whole
    assert writer.written["data/big.bin"][0] == digests.digest(whole)
