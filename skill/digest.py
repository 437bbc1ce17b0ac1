"""SHA-256 without loading OpenSSL: `import hashlib` loads libcrypto, milliseconds on every Lambda cold start.

CPython's own SHA-256 gives the same digests; the standard library's `random` takes its SHA-512 the
same way. Interpreters built without it fall back to hashlib.
"""

from __future__ import annotations

try:
    from _sha2 import sha256  # CPython 3.12 and later
except ImportError:
    try:
        from _sha256 import sha256  # CPython 3.11
    except ImportError:
        from hashlib import sha256

__all__ = ["sha256", "sha256_hex"]


def sha256_hex(text: str) -> str:
    """The hex SHA-256 of `text` as UTF-8."""
    return sha256(text.encode("utf-8")).hexdigest()
