"""The build cache stores records pickled as constructor calls (`generator.frozen`)."""

from __future__ import annotations

import pickle
from pathlib import Path

from generator.dates import PartialDate
from generator.model import Figure
from generator.pipeline import load_site

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_the_real_content_survives_the_cache_unchanged():
    index, _ = load_site(REPO_ROOT / "content")
    assert index is not None
    assert pickle.loads(pickle.dumps(index)) == index


def test_a_record_restored_from_the_cache_has_every_field():
    figure = Figure("killed", 230, 240)
    restored = pickle.loads(pickle.dumps(figure))
    assert (restored.name, restored.low, restored.high) == ("killed", 230, 240)


def test_a_record_made_with_defaults_is_restored_with_them():
    assert pickle.loads(pickle.dumps(PartialDate(2024))) == PartialDate(2024, None, None)
