"""Assembles the ASK CLI project that `ask deploy` uploads: the manifest with the function's ARN, and every model.

Layout (ASK CLI v2):
    ask-resources.json                              skill metadata only; the function is deployed by SAM
    .ask/ask-states.json                            the skill id, so `ask deploy` updates that skill
    skill-package/skill.json                        skill-package/skill.json of this project, endpoint filled in
    skill-package/interactionModels/custom/<locale>.json   interaction_models/<locale>.json
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.models import MODELS_DIR, stale_models

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "skill-package" / "skill.json"

ASK_CLI_VERSION = "2020-03-31"
_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$")
_SKILL_ID = re.compile(r"^amzn1\.ask\.skill\.[0-9a-fA-F-]{36}$")


class PackageError(Exception):
    """The ASK project could not be assembled; the message says why."""


@dataclass(frozen=True)
class Assembled:
    out: Path
    locales: tuple[str, ...]
    left_out: tuple[str, ...]  # locales with a store listing but no interaction model yet

    def summary(self) -> str:
        lines = [f"ASK CLI project in {self.out}: skill-package/ with {', '.join(self.locales)}."]
        if self.left_out:
            lines.append(f"Not deployed (no interaction model yet): {', '.join(self.left_out)}.")
        lines.append(f"Next: cd {self.out} && ask deploy")
        return "\n".join(lines)


def model_locales(models_dir: Path = MODELS_DIR) -> list[str]:
    return sorted(path.stem for path in models_dir.glob("*.json"))


def manifest_for(endpoint: str, locales: list[str], manifest_path: Path = MANIFEST) -> dict[str, Any]:
    """The skill manifest with the Lambda ARN as the endpoint for requests and skill events, for `locales` only."""
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest = copy.deepcopy(data)
    body = manifest["manifest"]
    for part in (body["publishingInformation"], body["privacyAndCompliance"]):
        missing = [locale for locale in locales if locale not in part["locales"]]
        if missing:
            raise PackageError(f"{manifest_path} has no store or privacy details for {', '.join(missing)}")
        part["locales"] = {locale: part["locales"][locale] for locale in locales}
    publishing = body["publishingInformation"]
    if "distributionCountries" in publishing:  # only where a deployed locale's country is
        countries = {locale.split("-")[1] for locale in locales}
        publishing["distributionCountries"] = [c for c in publishing["distributionCountries"] if c in countries]
    body["apis"]["custom"]["endpoint"] = {"uri": endpoint}
    body["events"]["endpoint"] = {"uri": endpoint}
    return manifest


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _skill_states(out: Path, skill_id: str | None) -> dict[str, Any] | None:
    """The ASK CLI's state file with this skill id; an earlier one is kept (it tracks deploy hashes)."""
    path = out / ".ask" / "ask-states.json"
    states = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    if skill_id is None:
        return states
    states = states or {"askcliStatesVersion": ASK_CLI_VERSION, "profiles": {}}
    states.setdefault("profiles", {}).setdefault("default", {})["skillId"] = skill_id
    return states


def assemble(
    endpoint: str,
    out: Path,
    *,
    skill_id: str | None = None,
    models_dir: Path = MODELS_DIR,
    manifest_path: Path = MANIFEST,
) -> Assembled:
    """Write the ASK CLI project for the function `endpoint` into `out`."""
    if not _ARN.match(endpoint):
        raise PackageError(f"{endpoint!r} is not a Lambda function ARN (the FunctionArn output of sam deploy)")
    if skill_id is not None and not _SKILL_ID.match(skill_id):
        raise PackageError(f"{skill_id!r} is not a skill id (amzn1.ask.skill.<uuid>)")
    if models_dir == MODELS_DIR and stale_models():
        raise PackageError("interaction_models/ is out of date with the content; run: our-rituals models")
    locales = model_locales(models_dir)
    if not locales:
        raise PackageError(f"no interaction models in {models_dir}; run: our-rituals models")
    if out.exists() and any(out.iterdir()) and not (out / "ask-resources.json").is_file():
        raise PackageError(f"{out} exists and is not an ASK CLI project; choose an empty or new folder")
    manifest = manifest_for(endpoint, locales, manifest_path)
    listed = json.loads(manifest_path.read_text(encoding="utf-8"))["manifest"]["publishingInformation"]["locales"]
    states = _skill_states(out, skill_id)

    package = out / "skill-package"
    shutil.rmtree(package, ignore_errors=True)  # no model of a locale since dropped survives
    _write_json(package / "skill.json", manifest)
    for locale in locales:
        target = package / "interactionModels" / "custom" / f"{locale}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(models_dir / f"{locale}.json", target)
    _write_json(
        out / "ask-resources.json",
        {"askcliResourcesVersion": ASK_CLI_VERSION, "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}}},
    )
    if states is not None:
        _write_json(out / ".ask" / "ask-states.json", states)
    return Assembled(out=out, locales=tuple(locales), left_out=tuple(sorted(set(listed) - set(locales))))
