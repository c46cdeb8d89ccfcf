"""Publishing: an unsafe output folder is refused before anything is touched, and a build
either replaces the whole site or leaves the previous one byte-identical."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator import outpath, publish
from generator.cli import main
from generator.errors import BuildError, UsageError
from tests.contentkit import event, write_site

REPO_ROOT = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` with a hash of its bytes ('dir' for folders)."""
    return {
        path.relative_to(folder).as_posix(): (
            "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        )
        for path in sorted(folder.rglob("*"))
    }


def staging_folders(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(publish.STAGING_PREFIX))


def previous_site(out: Path) -> dict[str, str]:
    """A published site to protect, with a nested file and the build marker."""
    publish.publish({"index.html": b"<p>old</p>", "events/a/index.html": b"old event"}, out)
    return tree(out)


def fail(_staging: Path) -> None:
    raise BuildError("the search indexer failed")


# ------------------------------------------------------------------ publish()


def test_publish_writes_every_file_and_the_build_marker(tmp_path):
    out = tmp_path / "site"
    publish.publish({"index.html": b"<p>home</p>", "events/a/index.html": b"a"}, out)
    assert (out / "index.html").read_bytes() == b"<p>home</p>"
    assert (out / "events/a/index.html").read_bytes() == b"a"
    assert (out / outpath.MARKER).read_bytes() == outpath.MARKER_TEXT


def test_publish_replaces_the_whole_previous_site(tmp_path):
    out = tmp_path / "site"
    previous_site(out)
    publish.publish({"index.html": b"new"}, out)
    assert sorted(tree(out)) == [outpath.MARKER, "index.html"]


def test_staging_folder_is_removed_after_success(tmp_path):
    publish.publish({"index.html": b"x"}, tmp_path / "site")
    assert staging_folders(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_hook_runs_on_the_finished_staging_folder_next_to_the_output(tmp_path):
    seen: list[tuple[Path, bytes]] = []

    def index_search(staging: Path) -> None:
        seen.append((staging, (staging / "index.html").read_bytes()))
        (staging / "pagefind").mkdir()
        (staging / "pagefind" / "index.js").write_bytes(b"search")

    publish.publish({"index.html": b"home"}, tmp_path / "site", before_swap=index_search)
    assert seen[0][0].parent == tmp_path
    assert seen[0][0].name.startswith(publish.STAGING_PREFIX)
    assert seen[0][1] == b"home"
    assert (tmp_path / "site" / "pagefind" / "index.js").read_bytes() == b"search"


def test_hook_that_raises_leaves_the_previous_site_byte_identical(tmp_path):
    out = tmp_path / "site"
    before = previous_site(out)
    with pytest.raises(BuildError, match="search indexer"):
        publish.publish({"index.html": b"new"}, out, before_swap=fail)
    assert tree(out) == before


def test_staging_folder_is_removed_after_failure(tmp_path):
    out = tmp_path / "site"
    previous_site(out)
    with pytest.raises(BuildError):
        publish.publish({"index.html": b"new"}, out, before_swap=fail)
    assert staging_folders(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_write_error_is_a_build_error_and_leaves_the_previous_site(tmp_path):
    out = tmp_path / "site"
    before = previous_site(out)
    # One path used as a file and as a folder cannot be written.
    with pytest.raises(BuildError, match="cannot write the site"):
        publish.publish({"events": b"file", "events/a/index.html": b"page"}, out)
    assert tree(out) == before
    assert staging_folders(tmp_path) == []


TRAVERSALS = [
    "../escaped.html",
    "events/../../escaped.html",
    "/tmp/escaped.html",
    "C:/escaped.html",
    "C:escaped.html",
    "..\\escaped.html",
    "events//index.html",
    "./index.html",
    "",
    outpath.MARKER,
]


@pytest.mark.parametrize("out_path", TRAVERSALS)
def test_out_path_that_could_escape_the_site_is_refused(tmp_path, out_path):
    out = tmp_path / "deep" / "site"
    before = previous_site(out)
    with pytest.raises(BuildError, match="refusing to write"):
        publish.publish({"index.html": b"new", out_path: b"evil"}, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["deep", "site", *(Path(p).name for p in before)]
    )


def test_same_files_publish_byte_identical_trees(tmp_path):
    files = {"b/index.html": b"b", "a/index.html": b"a", "index.html": b"home"}
    publish.publish(files, tmp_path / "one")
    publish.publish(dict(reversed(files.items())), tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


# ------------------------------------------------------------------ where the output may go


def test_site_folder_inside_the_repository_is_allowed(tmp_path):
    content = write_site(tmp_path / "content", {})
    outpath.check_output_location(REPO_ROOT / "site", content, REPO_ROOT)


def test_folder_from_a_previous_build_may_be_replaced(tmp_path):
    out = tmp_path / "site"
    previous_site(out)
    outpath.check_output_location(out, write_site(tmp_path / "content", {}), REPO_ROOT)


def test_existing_folder_without_the_build_marker_is_refused(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match=r"\.timeline-build"):
        outpath.check_output_location(out, write_site(tmp_path / "content", {}), REPO_ROOT)


@pytest.mark.parametrize("where", ["/", "home"])
def test_root_and_home_folder_are_refused(tmp_path, where):
    out = Path.home() if where == "home" else Path("/")
    with pytest.raises(UsageError, match="root or home"):
        outpath.check_output_location(out, write_site(tmp_path / "content", {}), REPO_ROOT)


def test_symlink_to_the_content_folder_is_refused(tmp_path):
    content = write_site(tmp_path / "content", {})
    (tmp_path / "site").symlink_to(content, target_is_directory=True)
    with pytest.raises(UsageError, match="content folder"):
        outpath.check_output_location(tmp_path / "site", content, REPO_ROOT)


# ------------------------------------------------------------------ through the command line


def build(content: Path, out: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--out", str(out), "--no-cache", *extra])


@pytest.mark.parametrize(
    ("out_of", "fragment"),
    [
        (lambda tmp: tmp / "content", "inside the content folder"),
        (lambda tmp: tmp / "content" / "site", "inside the content folder"),
        (lambda tmp: tmp, "contains the content folder"),
    ],
    ids=["equal", "inside", "containing"],
)
def test_out_over_the_content_folder_exits_2_before_anything_is_touched(
    tmp_path, capsys, out_of, fragment
):
    content = write_site(tmp_path / "content", {})
    before = tree(tmp_path)
    assert build(content, out_of(tmp_path)) == 2
    assert fragment in capsys.readouterr().err
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    "out", [REPO_ROOT, REPO_ROOT.parent], ids=["repository", "parent of the repository"]
)
def test_out_over_the_repository_exits_2_before_anything_is_touched(tmp_path, capsys, out):
    content = write_site(tmp_path / "content", {})
    listing = sorted(p.name for p in out.iterdir())
    assert build(content, out) == 2
    assert "repository" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == listing


def test_failed_build_leaves_the_previous_site_byte_identical(tmp_path, capsys):
    content = write_site(tmp_path / "content", {})
    out = tmp_path / "site"
    assert build(content, out) == 0
    before = tree(out)
    write_site(content, {"events/2024/incursion.yaml": event(date="2024-02-30")})
    assert build(content, out) == 1
    assert "left as it was" in capsys.readouterr().err
    assert tree(out) == before
    assert staging_folders(tmp_path) == []


def test_successful_build_leaves_no_staging_folder(tmp_path):
    content = write_site(tmp_path / "content", {})
    assert build(content, tmp_path / "site") == 0
    assert staging_folders(tmp_path) == []
    assert (tmp_path / "site" / outpath.MARKER).is_file()


def test_two_producers_claiming_one_path_are_reported():
    from generator.assemble import find_collisions

    problems = find_collisions([("pages", ["404.html", "index.html"]), ("exports", ["404.html"])])
    assert [(p.file, p.message) for p in problems] == [
        ("404.html", "two outputs claim this path (pages and exports)")
    ]
