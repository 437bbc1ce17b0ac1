"""The project explains itself: docs/ARCHITECTURE.md covers every folder of the code, and every document the
code, the tests and the docs cite is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"


def test_every_package_and_entry_point_has_its_place_in_the_architecture() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    packages = sorted(p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "skill").glob("*/__init__.py"))
    assert packages, "skill has subpackages"
    for folder in [*packages, "skill/content", "lambda/app.py", "template.yaml", "skill-package/skill.json"]:
        assert f"`{folder}" in text, f"docs/ARCHITECTURE.md does not say what {folder} is for"
    for section in ("## One request, end to end", "## Invariants", "## Adding a ritual", "## Adding a locale"):
        assert section in text


def test_every_cited_document_is_in_the_repository() -> None:
    sources = [*ROOT.glob("*.md"), *(ROOT / "docs").glob("*.md")]
    for folder in ("skill", "lambda", "tests", "bench"):
        sources += (ROOT / folder).rglob("*.py")
    cited: dict[str, set[str]] = {}
    for source in sources:
        for name in re.findall(r"(?<![\w/.-])((?:[\w-]+/)*[A-Z][\w-]*\.md)\b", source.read_text(encoding="utf-8")):
            cited.setdefault(name, set()).add(source.relative_to(ROOT).as_posix())
    assert "docs/ARCHITECTURE.md" in cited
    missing = {
        name: sorted(where)
        for name, where in cited.items()
        if not ((ROOT / name).is_file() or (ARCHITECTURE.parent / name).is_file())
    }
    assert not missing, f"cited but not in the repository: {missing}"
