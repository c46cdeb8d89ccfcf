"""The benchmark's measurement counts the memory of a command's whole process tree."""

from __future__ import annotations

import sys

from bench import measure

HOLDS_MEMORY = """
import os, time
block = bytearray(60 * 1024 * 1024)
block[::4096] = b"x" * len(block[::4096])
child = os.fork()
if child == 0:
    mine = bytearray(60 * 1024 * 1024)
    mine[::4096] = b"y" * len(mine[::4096])
    time.sleep(0.5)
    os._exit(0)
time.sleep(0.5)
os.waitpid(child, 0)
"""


def test_peak_memory_is_summed_over_the_process_and_its_children():
    got = measure.run([sys.executable, "-c", HOLDS_MEMORY])
    assert got.returncode == 0
    assert got.peak_rss_mib >= 170  # the parent's block, shared by the child, and the child's


def test_the_exit_code_and_output_are_kept():
    got = measure.run([sys.executable, "-c", "print('said'); raise SystemExit(3)"])
    assert got.returncode == 3
    assert "said" in got.output_tail


def test_each_benchmark_edit_gives_the_title_new_bytes_without_growing_it(tmp_path):
    """A rebuild must parse the edited file as it would an editor's change, so no edit
    may bring back bytes the cache has seen; the title keeps one number."""
    from bench import edits

    event = tmp_path / "event.yaml"
    event.write_text('title: "Strike on a depot"\ndate: 2024-03-12\n', encoding="utf-8")
    seen = {event.read_bytes()}
    for _ in range(12):
        edits.edit_title(event)
        assert event.read_bytes() not in seen
        seen.add(event.read_bytes())
    assert event.read_text(encoding="utf-8") == (
        'title: "Strike on a depot (edit 12)"\ndate: 2024-03-12\n'
    )
