"""Lets flask-ask-sdk import where oscrypto 1.3.0 cannot load (OpenSSL 3.0.10 and later 3.0.1x).

flask-ask-sdk imports ask-sdk-webservice-support's verifier module at import time, which imports
certvalidator, which imports oscrypto; oscrypto 1.3.0 (the last release; the fix is unreleased)
cannot parse a two-digit OpenSSL patch version and raises at import. We never use that verifier:
`skill.web.signature` verifies requests with `cryptography`. So, only when oscrypto fails to load,
certvalidator is replaced by a module whose validator refuses every certificate: if anyone ever
re-enables the SDK's own verifier, requests fail closed instead of passing unchecked.
"""

from __future__ import annotations

import sys
import types


class _UnavailableValidator:
    def __init__(self, *args: object, **kwargs: object) -> None:
        from certvalidator.errors import ValidationError  # the stand-in below

        raise ValidationError("certvalidator cannot load here; requests are verified by skill.web.signature")


def _stand_in_certvalidator() -> None:
    package = types.ModuleType("certvalidator")
    errors = types.ModuleType("certvalidator.errors")
    errors.ValidationError = type("ValidationError", (Exception,), {})  # type: ignore[attr-defined]
    errors.PathError = type("PathError", (Exception,), {})  # type: ignore[attr-defined]
    package.CertificateValidator = _UnavailableValidator  # type: ignore[attr-defined]
    package.errors = errors  # type: ignore[attr-defined]
    sys.modules["certvalidator"] = package
    sys.modules["certvalidator.errors"] = errors


def oscrypto_loads() -> bool:
    try:
        import certvalidator  # noqa: F401
    except Exception as error:  # oscrypto raises LibraryNotFoundError (or OSError) at import
        if type(error).__name__ not in ("LibraryNotFoundError", "OSError"):
            raise
        return False
    return True


def ensure_flask_ask_sdk_importable() -> None:
    """Make `import flask_ask_sdk.skill_adapter` work on this machine's OpenSSL."""
    if "certvalidator" not in sys.modules and not oscrypto_loads():
        _stand_in_certvalidator()
