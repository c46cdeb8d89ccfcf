"""The content hash every cache entry and published file is keyed by.

Its own module so that `hashlib`, whose import loads OpenSSL (a few milliseconds, a
twentieth of a no-change build), is imported only by builds that hash something.
"""

from __future__ import annotations

import hashlib

DIGEST_BYTES = 16


def digest(data: bytes) -> bytes:
    """A 128-bit content hash: collisions are not a practical concern at site sizes."""
    return hashlib.blake2b(data, digest_size=DIGEST_BYTES).digest()
