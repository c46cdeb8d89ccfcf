"""Shared fixtures: one small valid content folder and the site built from it.

The built site is session-scoped and read-only, so the many page tests pay for one
build; a test that needs to change the content builds its own site in `tmp_path`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import cli, pipeline
from tests.sitefixture import write_fixture_site


@pytest.fixture(scope="session")
def fixture_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixture_site(tmp_path_factory.mktemp("fixture-content"))


@pytest.fixture(scope="session")
def built_site(fixture_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content built by the real CLI into its own folder."""
    out = tmp_path_factory.mktemp("fixture-build") / "site"
    exit_code = cli.main(
        ["build", "--content", str(fixture_content), "--out", str(out), "--no-cache"]
    )
    assert exit_code == 0
    return out


@pytest.fixture()
def parsed_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the content files parsed in this process from now on; a test clears
    the list to count from a later point."""
    parsed: list[str] = []
    real = pipeline.examine

    def counted(item: pipeline.ContentFile, raw: bytes, with_record: bool) -> object:
        parsed.append(Path(item.path).name)
        return real(item, raw, with_record)

    monkeypatch.setattr(pipeline, "examine", counted)
    return parsed
