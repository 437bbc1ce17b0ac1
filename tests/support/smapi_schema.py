"""The ASK CLI's own schema for skill manifests and interaction models, offline: SMAPI's Swagger spec as shipped
in the npm package ask-smapi-model (the version ASK CLI 2.30.7 resolves), installed into .cache/ on first use.

The spec is Swagger 2.0: its definitions are JSON Schema draft 4, plus polymorphism by `discriminator`
(an interface is told apart by its `type`). Read as it stands it would accept any unknown key and any
interface type, so `validator` reads it the way SMAPI does: an object declaring its properties allows no
others, and a base with a discriminator is exactly one of its subtypes, chosen by that property's value.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from jsonschema import Draft4Validator

from tests.support import npm_package

PACKAGE_NAME = "ask-smapi-model"
PACKAGE_VERSION = "1.24.0"
CACHE = npm_package.CACHE_ROOT / PACKAGE_NAME

MANIFEST = "v1.skill.Manifest.SkillManifestEnvelope"
INTERACTION_MODEL = "v1.skill.interactionModel.InteractionModelData"


@cache
def definitions() -> dict[str, Any]:
    """SMAPI's definitions, read strictly (see the module's docstring)."""
    folder = npm_package.ensure(PACKAGE_NAME, PACKAGE_VERSION, CACHE)
    spec = json.loads((folder / "node_modules" / PACKAGE_NAME / "spec.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = copy.deepcopy(spec["definitions"])
    for name, schema in list(found.items()):
        if "discriminator" in schema:
            _one_of_its_subtypes(found, name)
    for schema in found.values():
        _closed(schema)
    return found


def _one_of_its_subtypes(found: dict[str, Any], base: str) -> None:
    schema = found[base]
    key = schema["discriminator"]
    reference = f"#/definitions/{base}"
    subtypes = {name: sub for name, sub in found.items()
                if "x-discriminator-value" in sub and {"$ref": reference} in sub.get("allOf", [])}  # fmt: skip
    if not subtypes:
        return
    choices = []
    for name, sub in subtypes.items():
        flat: dict[str, Any] = {"type": "object", "properties": dict(schema.get("properties", {})),
                                "required": list(schema.get("required", []))}  # fmt: skip
        for part in sub["allOf"]:
            if part != {"$ref": reference}:
                flat["properties"].update(part.get("properties", {}))
                flat["required"] += [field for field in part.get("required", []) if field not in flat["required"]]
        flat["properties"][key] = {"type": "string", "enum": [sub["x-discriminator-value"]]}
        flat["additionalProperties"] = False
        found[f"{name}.as-subtype"] = flat
        choices.append({"$ref": f"#/definitions/{name}.as-subtype"})
    values = sorted(sub["x-discriminator-value"] for sub in subtypes.values())
    found[base] = {
        "type": "object",
        "required": [key],
        "properties": {key: {"type": "string", "enum": values}},
        "oneOf": choices,
    }


def _closed(node: Any) -> None:
    """Every object schema that lists its properties allows no others (unless it says otherwise)."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node and "allOf" not in node and "oneOf" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _closed(value)
    elif isinstance(node, list):
        for value in node:
            _closed(value)


def problems(definition: str, document: Any) -> list[str]:
    """What SMAPI's schema finds wrong in `document` read as `definition`: one line each, with where."""
    validator = Draft4Validator({"$ref": f"#/definitions/{definition}", "definitions": definitions()})
    return [f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message[:300]}"
            for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]  # fmt: skip
