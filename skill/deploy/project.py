"""Finds the project checkout (template.yaml, lambda/app.py, interaction_models/) for the operator's commands.

From a checkout or an editable install the package's own parent is the checkout. After a plain
`pip install .` the package lives in site-packages, away from the files `our-rituals bundle`,
`models` and `ask-package` work on, so the checkout is then the current folder or one of its parents.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_NAME = "our-rituals"
# What makes a folder this project's checkout: its own pyproject and the Lambda entry point beside it.
MARKERS = ("pyproject.toml", "lambda/app.py", "template.yaml")


class ProjectNotFound(Exception):
    """No checkout of the project here; the message says where it looked."""


def is_checkout(folder: Path) -> bool:
    if not all((folder / marker).is_file() for marker in MARKERS):
        return False
    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return f'name = "{PROJECT_NAME}"' in text


def find_project(start: Path | None = None) -> Path | None:
    """The checkout: the installed package's parent if that is one, else `start` (the current folder) or a parent."""
    package_parent = Path(__file__).resolve().parents[2]
    if is_checkout(package_parent):
        return package_parent
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_checkout(folder):
            return folder
    return None


def project_root(start: Path | None = None) -> Path:
    """Like find_project, but says what to do when there is no checkout."""
    found = find_project(start)
    if found is None:
        raise ProjectNotFound(
            f"no checkout of {PROJECT_NAME} in {(start or Path.cwd()).resolve()} or its parents "
            "(a folder with pyproject.toml, template.yaml and lambda/app.py): run this command inside the project"
        )
    return found
