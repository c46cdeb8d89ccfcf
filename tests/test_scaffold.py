"""`python build.py new`: a valid skeleton from a title, never overwriting anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.cli import main
from generator.scaffold import PLACEHOLDER_URL, slugify
from tests.contentkit import write_site


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return write_site(tmp_path / "content", {})


def run_new(content: Path, *options: str) -> int:
    return main(["new", "--content", str(content), *options])


def test_new_prints_the_path_of_the_file_it_wrote(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_new(content, "--title", "Drone strike on Kursk", "--date", "2024-03-14")
    expected = content / "events" / "2024" / "drone-strike-on-kursk.yaml"
    assert code == 0
    assert capsys.readouterr().out == f"{expected}\n"
    assert expected.is_file()


def test_new_skeleton_passes_check_as_written(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_new(
        content,
        *("--title", "Shelling of Kursk", "--date", "2024-03-14"),
        *("--place", "kursk-oblast", "--actor", "russian-mod"),
    )
    capsys.readouterr()
    assert main(["check", "--content", str(content), "--format", "text"]) == 0


def test_new_skeleton_placeholder_source_is_flagged_by_check(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = content / "events" / "2024" / "shelling-of-kursk.yaml"
    run_new(content, "--title", "Shelling of Kursk", "--date", "2024-03-14")
    capsys.readouterr()
    main(["check", "--content", str(content), "--format", "text"])
    assert f"{path.as_posix()}:11:10: warning: source {PLACEHOLDER_URL} has no archived copy" in (
        capsys.readouterr().out
    )


def test_new_writes_the_title_date_places_and_actors_given(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_new(
        content,
        *("--title", 'Strike: "Kursk" 50% hit', "--date", "2024-03"),
        *("--place", "kursk-oblast", "--actor", "russian-mod"),
    )
    text = Path(capsys.readouterr().out.strip()).read_text(encoding="utf-8")
    assert 'title: "Strike: \\"Kursk\\" 50% hit"\ndate: 2024-03\n' in text
    assert "places:\n  - kursk-oblast\nactors:\n  - russian-mod\n" in text


def test_new_dates_the_event_today_by_default(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dt.date.today()
    run_new(content, "--title", "Today's event")
    path = Path(capsys.readouterr().out.strip())
    after = dt.date.today()
    written = path.read_text(encoding="utf-8").split("date: ", 1)[1].split("\n", 1)[0]
    assert written in {before.isoformat(), after.isoformat()}
    assert path.parent.name == written[:4]


def test_new_refuses_to_overwrite_and_leaves_the_file_untouched(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = content / "events" / "2024" / "incursion.yaml"
    before = existing.read_bytes()
    code = run_new(content, "--title", "Incursion", "--date", "2024-03-12")
    assert code == 2
    assert "event 'incursion' already exists" in capsys.readouterr().err
    assert existing.read_bytes() == before


def test_new_refuses_an_id_already_used_in_another_year_folder(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_new(content, "--title", "Incursion", "--date", "2023-01-01")
    assert code == 2
    assert not (content / "events" / "2023").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--date", "2024-02-30"), "--date '2024-02-30' is not a real day"),
        (("--date", "12.03.2024"), "--date '12.03.2024' is not a date"),
        (("--place", "kyiv"), "--place 'kyiv': no file places/kyiv.yaml"),
        (("--actor", "nobody"), "--actor 'nobody': no file actors/nobody.yaml"),
        (("--id", "Bad Id"), "--id 'Bad Id' is not a valid id"),
    ],
)
def test_new_refuses_bad_options_with_exit_code_2(
    content: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, str], message: str
) -> None:
    before = sorted(content.rglob("*"))
    assert run_new(content, "--title", "Some event", *options) == 2
    assert message in capsys.readouterr().err
    assert sorted(content.rglob("*")) == before


def test_new_asks_for_an_id_when_the_title_has_no_latin_letters(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_new(content, "--title", "Обстрел Курска") == 2
    assert "give one with --id" in capsys.readouterr().err
    assert run_new(content, "--title", "Обстрел Курска", "--id", "kursk-shelling") == 0


def test_slug_folds_accents_and_joins_words_with_single_hyphens() -> None:
    assert slugify("Überfall auf Tëtkino -- 2 Häuser!") == "uberfall-auf-tetkino-2-hauser"


def test_slug_is_cut_at_a_word_boundary_within_sixty_characters() -> None:
    slug = slugify("Armed groups cross into Kursk and Belgorod oblasts from Ukraine overnight")
    assert slug == "armed-groups-cross-into-kursk-and-belgorod-oblasts-from"
    assert len(slug) <= 60
