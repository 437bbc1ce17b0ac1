"""The committed interaction models: `our-rituals models` writes them from the content, `--check` finds stale ones."""

from __future__ import annotations

from pathlib import Path

from skill.deploy.project import find_project
from skill.interaction_model import model_locales, model_text

# The committed models, in the checkout (see skill.deploy.project; also found after a plain `pip install .`).
MODELS_DIR = (find_project() or Path(__file__).resolve().parents[2]) / "interaction_models"


def write_models(directory: Path = MODELS_DIR) -> list[Path]:
    """Regenerate every locale's model file; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for locale in model_locales():
        path = directory / f"{locale}.json"
        path.write_text(model_text(locale), encoding="utf-8")
        written.append(path)
    return written


def stale_models(directory: Path = MODELS_DIR) -> list[str]:
    """Locales whose committed model differs from what the content generates."""
    return [
        locale
        for locale in model_locales()
        if not (directory / f"{locale}.json").is_file()
        or (directory / f"{locale}.json").read_text(encoding="utf-8") != model_text(locale)
    ]
