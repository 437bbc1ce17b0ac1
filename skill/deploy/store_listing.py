"""What a store listing needs beside the manifest: the skill's icons, and the privacy policy naming its operator.

The icons are skill-package/assets/images/ (rendered from tools/icons/our-rituals.svg by `python -m tools.icons`),
referenced from the manifest as file://assets/images/...: the ASK CLI uploads them with the skill package.
PRIVACY.md names the operator by a placeholder; `our-rituals ask-package` writes a copy with it filled in, for
the operator to publish where the listing's privacy link points.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from skill.deploy.project import find_project

ROOT = find_project() or Path(__file__).resolve().parents[2]
ASSETS = ROOT / "skill-package" / "assets"
PRIVACY_POLICY = ROOT / "PRIVACY.md"
NAME_PLACEHOLDER = "{operator_name}"
CONTACT_PLACEHOLDER = "{operator_contact}"
FILE_URI = "file://"
# Alexa's sizes for the store icons (PNG), by manifest field.
ICON_SIZES = {"smallIconUri": 108, "largeIconUri": 512}


class ListingError(Exception):
    """The listing's files are missing or wrong; the message says which."""


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG, from its header; ListingError if it is not one."""
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        raise ListingError(f"{path} is not a PNG image")
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def icons_named(manifest: dict[str, Any], assets: Path = ASSETS) -> list[str]:
    """Every icon file the manifest's locales name (relative to `assets`), each checked: there, a PNG, of its size."""
    named: set[str] = set()
    for locale, store in manifest["manifest"]["publishingInformation"]["locales"].items():
        for field, size in ICON_SIZES.items():
            uri = store.get(field)
            if not isinstance(uri, str) or not uri.startswith(FILE_URI + "assets/"):
                raise ListingError(f"{locale} has no {field} in the skill package (file://assets/...)")
            relative = uri.removeprefix(FILE_URI + "assets/")
            source = assets / relative
            if not source.is_file():
                raise ListingError(f"{source} is missing: run python -m tools.icons")
            if png_size(source) != (size, size):
                raise ListingError(f"{source} is not {size} x {size} pixels, as {field} must be")
            named.add(relative)
    return sorted(named)


def copy_icons(icons: list[str], package: Path, assets: Path = ASSETS) -> None:
    """Put the icons into the skill package, where the manifest's file:// links find them."""
    for relative in icons:
        target = package / "assets" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets / relative, target)


def write_privacy_policy(out: Path, name: str, contact: str, source: Path = PRIVACY_POLICY) -> Path:
    """`out`/PRIVACY.md: the project's privacy policy with the operator's name and contact filled in."""
    text = source.read_text(encoding="utf-8").replace(NAME_PLACEHOLDER, name).replace(CONTACT_PLACEHOLDER, contact)
    target = out / "PRIVACY.md"
    target.write_text(text, encoding="utf-8")
    return target
