"""A small valid site that exercises every page feature, written from inline YAML.

Five events over three months with every date precision, two claims giving the same
figure (so a side-by-side table appears), typed relations in every direction, a place
three levels deep and `per_page: 2` so the timeline has three pages.
"""

from __future__ import annotations

from pathlib import Path

from tests.contentkit import write_site

SITE = """\
title: Fixture timeline
description: A small timeline for the page tests.
base_url: https://example.org/timeline/
language: en-GB
timezone: Europe/Kyiv
per_page: 2
"""

FILES: dict[str, str | bytes] = {
    "site.yaml": SITE,
    "actors/russian-government.yaml": "name: Government of Russia\nkind: government\n",
    "actors/russian-mod.yaml": (
        "name: Russian Ministry of Defence\nkind: military\npart_of: russian-government\n"
    ),
    "actors/freedom-legion.yaml": (
        "name: Freedom of Russia Legion\nkind: armed-group\naliases: [Legion]\n"
        "description: An armed group of Russian citizens fighting for Ukraine.\n"
    ),
    "places/russia.yaml": "name: Russia\nkind: country\ncoordinates: [55.75, 37.61]\n",
    "places/kursk-oblast.yaml": "name: Kursk Oblast\nkind: region\nwithin: russia\n",
    "places/tyotkino.yaml": (
        "name: Tyotkino\nkind: village\nwithin: kursk-oblast\naliases: [Tetkino]\n"
        "coordinates: [51.27, 34.29]\n"
    ),
    "places/ukraine.yaml": "name: Ukraine\nkind: country\n",
    "events/2024/incursion.yaml": """\
title: Armed groups cross into Kursk Oblast
date: 2024-03-12
time: "09:20"
timezone: Europe/Moscow
summary: Armed groups crossed from Ukraine into Russia near Tyotkino, the groups said.
body: |
  The groups said they **entered** Russia at dawn.
places: [tyotkino]
actors: [freedom-legion, russian-mod]
tags: [incursion, border]
claims:
  - id: mod-234-killed
    by: russian-mod
    text: The ministry said it killed 234 fighters.
    status: unverified
    date: 2024-03-12
    figures:
      killed: 234
      tanks: 7
    source: https://example.org/news/1
  - id: legion-losses
    by: freedom-legion
    text: The Legion said it lost between ten and fifteen fighters.
    status: disputed
    date: 2024-03-13
    figures:
      killed: [10, 15]
    source: https://example.org/news/2
sources:
  - url: https://example.org/news/1
    title: Russia claims killing 234 fighters
    publisher: The Example Times
    published: 2024-03-13
    archived: https://web.archive.org/web/2024/https://example.org/news/1
  - url: https://example.org/news/2
    publisher: Example Wire
corrections:
  - date: 2024-03-14
    note: The village was misspelt.
""",
    "events/2024/shelling.yaml": """\
title: Shelling reported in Tyotkino
date: 2024-03-12
summary: Local officials reported shelling of the village.
places: [tyotkino]
tags: [border]
related:
  - event: incursion
    kind: response-to
    note: Officials linked the shelling to the incursion.
sources:
  - url: https://example.org/news/3
    title: Shelling in Tyotkino
    publisher: The Example Times
""",
    "events/2024/statement.yaml": """\
title: Ministry statement on the border
date: 2024-03
circa: true
summary: The ministry issued a statement on the border some time in March.
actors: [russian-mod]
related:
  - event: incursion
    kind: part-of
sources:
  - url: https://example.org/news/4
    publisher: Example Wire
""",
    "events/2024/aftermath.yaml": """\
title: "Aftermath of {{ 7*7 }} and <script>alert(1)</script>"
date: 2024-04-02
end: 2024-04-05
summary: Residents returned after the fighting.
places: [kursk-oblast]
related:
  - event: shelling
    kind: follows
  - event: incursion
    kind: context
  - statement
sources:
  - url: https://example.org/news/5
    title: Residents return
    publisher: Example Wire
    published: 2024-04-06
""",
    "events/2023/mobilisation.yaml": """\
title: Mobilisation announced
date: 2023
summary: A mobilisation was announced during the year.
places: [ukraine]
sources:
  - url: https://example.org/news/6
    publisher: The Example Times
""",
}


def write_fixture_site(root: Path) -> Path:
    return write_site(root, FILES, base=False)
