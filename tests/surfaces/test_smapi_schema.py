"""The generated manifest and every interaction model pass the ASK CLI's own SMAPI schema (tests/support/smapi_schema.py).

What `ask deploy` uploads is what `our-rituals ask-package` writes; SMAPI rejects a manifest or a model that
its schema rejects, and no test of ours would notice a key Amazon does not know. Offline, every locale.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from skill.deploy.ask_package import Operator, assemble
from skill.deploy.models import MODELS_DIR
from tests.support.smapi_schema import INTERACTION_MODEL, MANIFEST, problems

ARN = "arn:aws:lambda:us-east-1:123456789012:function:our-rituals-SkillFunction-Ab12Cd34:live"
OPERATOR = Operator.from_repository(
    "rituals@example.org", "https://github.com/maya-and-sam/our-rituals", name="Maya Example"
)
LOCALES = sorted(path.stem for path in MODELS_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("smapi") / "ask-project"
    assemble(ARN, out, operator=OPERATOR)
    return out


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# Interfaces Amazon documents for the manifest that ask-smapi-model 1.24.0's spec does not list yet (its
# interface enum and its extension URIs lag the documentation). Each is held to its documented shape here, and the
# rest of the manifest to the spec.
DOCUMENTED_LATER = {
    # developer.amazon.com/docs/alexa/custom-skills/implement-canfulfillintentrequest-for-name-free-interaction.html
    "CAN_FULFILL_INTENT_REQUEST": {"type": "CAN_FULFILL_INTENT_REQUEST"},
    # developer.amazon.com/docs/alexa/alexa-presentation-language/apl-datastore-interface.html
    "ALEXA_DATA_STORE": {"type": "ALEXA_DATA_STORE"},
    # developer.amazon.com/docs/alexa/alexa-presentation-language/apl-ext-data-store-extension.html: "Required in
    # skill manifest? Yes", in requestedExtensions; "Auto-initialized settings? No" (so no autoInitializedExtensions)
    "ALEXA_EXTENSION": {"type": "ALEXA_EXTENSION", "requestedExtensions": [{"uri": "alexaext:datastore:10"}]},
}


def test_the_manifest_ask_deploy_uploads_passes_smapis_schema(project: Path) -> None:
    manifest = read(project / "skill-package" / "skill.json")
    interfaces = manifest["manifest"]["apis"]["custom"]["interfaces"]
    later = [interface for interface in interfaces if interface["type"] in DOCUMENTED_LATER]
    assert all(interface == DOCUMENTED_LATER[interface["type"]] for interface in later), "as Amazon documents them"
    manifest["manifest"]["apis"]["custom"]["interfaces"] = [i for i in interfaces if i["type"] not in DOCUMENTED_LATER]
    assert problems(MANIFEST, manifest) == []
    assert sorted(manifest["manifest"]["publishingInformation"]["locales"]) == LOCALES


@pytest.mark.parametrize("locale", LOCALES)
def test_every_interaction_model_passes_smapis_schema(project: Path, locale: str) -> None:
    uploaded = project / "skill-package" / "interactionModels" / "custom" / f"{locale}.json"
    assert problems(INTERACTION_MODEL, read(uploaded)) == []


def test_the_schema_finds_what_smapi_would_refuse(project: Path) -> None:
    """The strict reading has teeth: a misspelt key, a wrong type, an interface Alexa does not have."""
    manifest = read(project / "skill-package" / "skill.json")
    broken = copy.deepcopy(manifest)
    broken["manifest"]["publishingInformation"]["locales"]["en-US"]["sumary"] = "Rituals"
    broken["manifest"]["apis"]["custom"]["interfaces"].append({"type": "ALEXA_HOLOGRAM"})
    broken["manifest"]["permissions"].append({"scope": "alexa::alerts:timers:skill:readwrite"})
    found = "\n".join(problems(MANIFEST, broken))
    assert "'sumary' was unexpected" in found and "ALEXA_HOLOGRAM" in found and "'name' is a required property" in found
    model = read(project / "skill-package" / "interactionModels" / "custom" / "en-US.json")
    language = model["interactionModel"]["languageModel"]
    language["intents"][0]["sample"] = ["a hug"]
    language["invocationName"] = ["our rituals"]
    found = "\n".join(problems(INTERACTION_MODEL, model))
    assert "'sample' was unexpected" in found and "is not of type 'string'" in found
