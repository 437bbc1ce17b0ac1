"""Assembles the ASK CLI project that `ask deploy` uploads: the manifest with the function's ARN, and every model.

Layout (ASK CLI v2):
    ask-resources.json                              skill metadata only, under the ASK CLI profile given (`ask deploy -p`)
    .ask/ask-states.json                            the skill id, so `ask deploy` updates that skill
    our-rituals.json                                the operator's choices, reused when the project is assembled again
    skill-package/skill.json                        skill-package/skill.json of this project, completed (below)
    skill-package/interactionModels/custom/<locale>.json   interaction_models/<locale>.json
    skill-package/tasks/<Task>.<version>.json       skill-package/tasks/ of this project, each task the code handles
    skill-package/dataStorePackages/<id>/           skill-package/dataStorePackages/<id>/ of this project, each widget package
                                                    the manifest declares (ALEXA_DATASTORE_PACKAGEMANAGER), where
                                                    the ASK CLI looks for them (Amazon's widget sample lays them out so)

The manifest's permissions and event subscriptions are not a hand-kept list: they are collected from
the code that relies on them (`required_by_code`), so a feature cannot ship without what Alexa
needs to serve it. Its endpoint, privacy and terms links and the operator's contact come from the operator.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from skill.deploy.models import MODELS_DIR, stale_models
from skill.deploy.project import find_project
from skill.deploy.store_listing import ListingError, copy_icons, icons_named, write_privacy_policy

ROOT = find_project() or Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "skill-package" / "skill.json"
SETTINGS_FILE = "our-rituals.json"
DEFAULT_PROFILE = "default"

ASK_CLI_VERSION = "2020-03-31"
_ARN = re.compile(
    r"^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$"
)
_SKILL_ID = re.compile(r"^amzn1\.ask\.skill\.[0-9a-fA-F-]{36}$")
_PROFILE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HTTPS = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")
CONTACT_PLACEHOLDER = "{operator_contact}"


class PackageError(Exception):
    """The ASK project could not be assembled; the message says why."""


@dataclass(frozen=True)
class Operator:
    """What only the operator can say: how couples reach them, and where their privacy policy and terms live."""

    contact: str
    privacy_url: str
    terms_url: str
    name: str = ""  # who runs this copy, as the privacy policy names them (store_listing.write_privacy_policy)

    @classmethod
    def from_repository(cls, contact: str, repository: str, branch: str = "main", name: str = "") -> Operator:
        """Links to PRIVACY.md and TERMS.md of the operator's public copy of this repository (as GitHub shows them)."""
        base = repository.rstrip("/").removesuffix(".git")
        return cls(contact, f"{base}/blob/{branch}/PRIVACY.md", f"{base}/blob/{branch}/TERMS.md", name)

    def check(self) -> None:
        if not self.name.strip() or "{" in self.name or len(self.name) > 100:
            raise PackageError("give the operator's name (--operator-name): the privacy policy says who runs this copy")
        if not (_EMAIL.match(self.contact) or _HTTPS.match(self.contact)):
            raise PackageError(
                f"{self.contact!r} is not a contact couples can use (an email address or an https:// page)"
            )
        for what, url in (("privacy policy", self.privacy_url), ("terms of use", self.terms_url)):
            if not _HTTPS.match(url):
                raise PackageError(f"the {what} link {url!r} is not an https:// address")


def required_by_code() -> tuple[list[str], list[str], list[str]]:
    """The permissions, skill events and interfaces the skill relies on, as the code that relies on them declares them.

    Declared by: each request handler the skill is built with and each ritual (`manifest_permissions`,
    `manifest_events` attributes), and each of the skill's modules loaded with them (`MANIFEST_PERMISSIONS`,
    `MANIFEST_EVENTS`, `MANIFEST_INTERFACES`), such as the request reader (a recognised voice), the Alexa API
    client and the screen layer (APL).
    """
    from skill.alexa.skill import build_skill
    from skill.engine.ritual import registry

    skill = build_skill()
    declarers: list[Any] = [
        chain.request_handler
        for mapper in skill.request_dispatcher.request_mappers
        for chain in mapper.request_handler_chains
    ]
    declarers += list({ritual.name: ritual for ritual in registry().values()}.values())
    permissions: set[str] = set()
    events: set[str] = set()
    interfaces: set[str] = set()
    for declarer in declarers:
        permissions.update(getattr(declarer, "manifest_permissions", ()))
        events.update(getattr(declarer, "manifest_events", ()))
    for name, module in sorted(sys.modules.items()):
        if name == "skill" or name.startswith("skill."):
            permissions.update(getattr(module, "MANIFEST_PERMISSIONS", ()))
            events.update(getattr(module, "MANIFEST_EVENTS", ()))
            interfaces.update(getattr(module, "MANIFEST_INTERFACES", ()))
    return sorted(permissions), sorted(events), sorted(interfaces)


def tasks_by_code() -> list[tuple[str, str]]:
    """The custom tasks the skill handles (`MANIFEST_TASKS` of its modules: skill/alexa/tasks.py), as (name, version)."""
    required_by_code()  # loads every module the skill is built with
    tasks: set[tuple[str, str]] = set()
    for name, module in sorted(sys.modules.items()):
        if name == "skill" or name.startswith("skill."):
            tasks.update(getattr(module, "MANIFEST_TASKS", ()))
    return sorted(tasks)


def interface_fields() -> dict[str, dict[str, Any]]:
    """What an interface needs beside its type (the widget's package id, the data store extension), as the
    modules that rely on it declare it (`MANIFEST_INTERFACE_FIELDS`)."""
    required_by_code()
    fields: dict[str, dict[str, Any]] = {}
    for name, module in sorted(sys.modules.items()):
        if name == "skill" or name.startswith("skill."):
            fields.update(getattr(module, "MANIFEST_INTERFACE_FIELDS", {}))
    return fields


def widget_packages(manifest: dict[str, Any]) -> list[str]:
    """The ids of the widget (APL) packages the manifest declares with the data store package manager interface."""
    interfaces = manifest["manifest"]["apis"]["custom"].get("interfaces", [])
    return [str(package["id"]) for entry in interfaces if entry.get("type") == "ALEXA_DATASTORE_PACKAGEMANAGER"
            for package in entry.get("packages", [])]  # fmt: skip


def task_file(name: str, version: str, manifest_path: Path = MANIFEST) -> Path:
    """A task's OpenAPI definition, beside the manifest as the skill package lays it out."""
    return manifest_path.parent / "tasks" / f"{name}.{version}.json"


@dataclass(frozen=True)
class Assembled:
    out: Path
    locales: tuple[str, ...]
    left_out: tuple[str, ...]  # locales with a store listing but no interaction model yet
    profile: str = DEFAULT_PROFILE

    def summary(self) -> str:
        lines = [f"ASK CLI project in {self.out}: skill-package/ with {', '.join(self.locales)}."]
        if self.left_out:
            lines.append(f"Not deployed (no interaction model yet): {', '.join(self.left_out)}.")
        lines.append(
            f"Your privacy policy, naming you: {self.out / 'PRIVACY.md'}; publish it where the listing's privacy "
            "link points (in your fork: copy it over PRIVACY.md, commit and push)."
        )
        deploy = "ask deploy" if self.profile == DEFAULT_PROFILE else f"ask deploy -p {self.profile}"
        lines.append(f"Next: cd {self.out} && {deploy}")
        return "\n".join(lines)


def model_locales(models_dir: Path = MODELS_DIR) -> list[str]:
    return sorted(path.stem for path in models_dir.glob("*.json"))


def manifest_for(
    endpoint: str, locales: list[str], operator: Operator, manifest_path: Path = MANIFEST
) -> dict[str, Any]:
    """The skill manifest for `locales` only: the Lambda ARN as the endpoint for requests and skill events,
    the permissions and events the code declares, and the operator's links and contact."""
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
    for store in publishing["locales"].values():
        store["description"] = store["description"].replace(CONTACT_PLACEHOLDER, operator.contact)
    if "testingInstructions" in publishing:
        publishing["testingInstructions"] = publishing["testingInstructions"].replace(
            CONTACT_PLACEHOLDER, operator.contact
        )
    for links in body["privacyAndCompliance"]["locales"].values():
        links["privacyPolicyUrl"] = operator.privacy_url
        links["termsOfUseUrl"] = operator.terms_url
    permissions, events, interfaces = required_by_code()
    fields = interface_fields()
    body["apis"]["custom"]["interfaces"] = [{"type": name, **fields.get(name, {})} for name in interfaces]
    body["apis"]["custom"]["tasks"] = [{"name": name, "version": version} for name, version in tasks_by_code()]
    body["permissions"] = [{"name": name} for name in permissions]
    body["apis"]["custom"]["endpoint"] = {"uri": endpoint}
    body["events"] = {"endpoint": {"uri": endpoint}, "subscriptions": [{"eventName": name} for name in events]}
    return manifest


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _skill_states(out: Path, skill_id: str | None, profile: str) -> dict[str, Any] | None:
    """The ASK CLI's state file with this skill id under `profile`; an earlier one is kept (it tracks deploy hashes)."""
    path = out / ".ask" / "ask-states.json"
    states = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    if skill_id is None:
        return states
    states = states or {"askcliStatesVersion": ASK_CLI_VERSION, "profiles": {}}
    states.setdefault("profiles", {}).setdefault(profile, {})["skillId"] = skill_id
    return states


def _resources(out: Path, profile: str) -> dict[str, Any]:
    """ask-resources.json with the skill package under `profile`, keeping any other profile already there."""
    path = out / "ask-resources.json"
    resources = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    resources["askcliResourcesVersion"] = ASK_CLI_VERSION
    resources.setdefault("profiles", {})[profile] = {"skillMetadata": {"src": "./skill-package"}}
    return resources


def remembered(out: Path) -> dict[str, Any]:
    """What the operator chose when `out` was last assembled (endpoint, skill id, profile, contact, links)."""
    path = out / SETTINGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def assemble(
    endpoint: str,
    out: Path,
    *,
    operator: Operator,
    skill_id: str | None = None,
    profile: str = DEFAULT_PROFILE,
    models_dir: Path = MODELS_DIR,
    manifest_path: Path = MANIFEST,
) -> Assembled:
    """Write the ASK CLI project for the function `endpoint` into `out`, for `ask deploy -p <profile>`."""
    if not _PROFILE.match(profile):
        raise PackageError(f"{profile!r} is not an ASK CLI profile name (letters, digits, - and _)")
    operator.check()
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
    manifest = manifest_for(endpoint, locales, operator, manifest_path)
    listed = json.loads(manifest_path.read_text(encoding="utf-8"))["manifest"]["publishingInformation"]["locales"]
    states = _skill_states(out, skill_id, profile)
    resources = _resources(out, profile)

    try:
        icons = icons_named(manifest)
    except ListingError as error:
        raise PackageError(str(error)) from None

    package = out / "skill-package"
    shutil.rmtree(package, ignore_errors=True)  # no model of a locale since dropped survives
    _write_json(package / "skill.json", manifest)
    copy_icons(icons, package)
    write_privacy_policy(out, operator.name, operator.contact)
    for locale in locales:
        target = package / "interactionModels" / "custom" / f"{locale}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(models_dir / f"{locale}.json", target)
    for name, version in tasks_by_code():
        source = task_file(name, version, manifest_path)
        if not source.is_file():
            raise PackageError(f"the skill handles the task {name} (version {version}) but {source} is missing")
        target = package / "tasks" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for package_id in widget_packages(manifest):
        source = manifest_path.parent / "dataStorePackages" / package_id
        if not (source / "manifest.json").is_file():
            raise PackageError(
                f"the manifest declares the widget package {package_id} but {source} has no manifest.json"
            )
        shutil.copytree(source, package / "dataStorePackages" / package_id)
    _write_json(out / "ask-resources.json", resources)
    if states is not None:
        _write_json(out / ".ask" / "ask-states.json", states)
    _write_json(out / SETTINGS_FILE, {"endpoint": endpoint, "profile": profile, **asdict(operator)})
    return Assembled(
        out=out, locales=tuple(locales), left_out=tuple(sorted(set(listed) - set(locales))), profile=profile
    )
