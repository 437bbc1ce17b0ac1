"""The skill manifest and `our-rituals ask-package`: the ASK CLI layout `ask deploy` expects, every model in it."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skill.cli.dialog import Dialog
from skill.content import SUPPORTED_LOCALES
from skill.deploy.models import MODELS_DIR
from tests.support.alexa_api_standin import AlexaApiStandIn
from tests.support.conversation import Couple

ROOT = Path(__file__).resolve().parents[2]
ARN = "arn:aws:lambda:us-east-1:123456789012:function:our-rituals-SkillFunction-Ab12Cd34"
SKILL_ID = "amzn1.ask.skill.0f5e6a3c-2b7d-4c1e-9a8f-1d2c3b4a5e6f"
CONTACT = "rituals@example.org"
REPOSITORY = "https://github.com/maya-and-sam/our-rituals"
OPERATOR = ("--contact", CONTACT, "--repository", REPOSITORY, "--operator-name", "Maya and Sam Example")

# The manifest's category enumeration, as Amazon documents it for skill.json.
CATEGORIES = frozenset(
    "ALARMS_AND_CLOCKS ASTROLOGY BUSINESS_AND_FINANCE CALCULATORS CALENDARS_AND_REMINDERS "
    "CHILDRENS_EDUCATION_AND_REFERENCE CHILDRENS_GAMES CHILDRENS_MUSIC_AND_AUDIO CHILDRENS_NOVELTY_AND_HUMOR "
    "COMMUNICATION CONNECTED_CAR COOKING_AND_RECIPE CURRENCY_GUIDES_AND_CONVERTERS DATING DELIVERY_AND_TAKEOUT "
    "DEVICE_TRACKING EDUCATION_AND_REFERENCE EVENT_FINDERS EXERCISE_AND_WORKOUT FASHION_AND_STYLE FLIGHT_FINDERS "
    "FRIENDS_AND_FAMILY GAME_INFO_AND_ACCESSORY GAMES HEALTH_AND_FITNESS HOTEL_FINDERS KNOWLEDGE_AND_TRIVIA "
    "MOVIE_AND_TV_KNOWLEDGE_AND_TRIVIA MOVIE_INFO_AND_REVIEWS MOVIE_SHOWTIMES MUSIC_AND_AUDIO_ACCESSORIES "
    "MUSIC_AND_AUDIO_KNOWLEDGE_AND_TRIVIA MUSIC_INFO_REVIEWS_AND_RECOGNITION_SERVICE NAVIGATION_AND_TRIP_PLANNER "
    "NEWS NOVELTY ORGANIZERS_AND_ASSISTANTS PETS_AND_ANIMAL PODCAST PUBLIC_TRANSPORTATION RELIGION_AND_SPIRITUALITY "
    "RESTAURANT_BOOKING_INFO_AND_REVIEW SCHOOLS SCORE_KEEPING SELF_IMPROVEMENT SHOPPING SMART_HOME SOCIAL_NETWORKING "
    "SPORTS_GAMES SPORTS_NEWS STREAMING_SERVICE TAXI_AND_RIDESHARING TO_DO_LISTS_AND_NOTES TRANSLATORS TV_GUIDES "
    "UNIT_CONVERTERS WEATHER WINE_AND_BEVERAGE ZIP_CODE_LOOKUP".split()
)


def ask_package(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill.cli.main", "ask-package", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    out = tmp_path / "ask-project"
    result = ask_package("--endpoint", ARN, "--out", str(out), "--skill-id", SKILL_ID, *OPERATOR)
    assert result.returncode == 0, result.stderr
    assert "ask deploy" in result.stdout
    return out


def models_present() -> set[str]:
    return {path.stem for path in MODELS_DIR.glob("*.json")}


def test_the_layout_is_the_one_ask_deploy_reads(project: Path) -> None:
    resources = read(project / "ask-resources.json")
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    assert resources["profiles"]["default"]["skillMetadata"]["src"] == "./skill-package"
    assert "skillInfrastructure" not in resources["profiles"]["default"], "the function is deployed by SAM"
    assert read(project / ".ask" / "ask-states.json")["profiles"]["default"]["skillId"] == SKILL_ID
    assert (project / "skill-package" / "skill.json").is_file()


def test_every_interaction_model_is_copied_unchanged(project: Path) -> None:
    copied = project / "skill-package" / "interactionModels" / "custom"
    assert models_present() and {path.stem for path in copied.glob("*.json")} == models_present()
    for locale in models_present():
        assert (copied / f"{locale}.json").read_bytes() == (MODELS_DIR / f"{locale}.json").read_bytes()


def test_the_manifest_points_requests_and_skill_events_at_the_function(project: Path) -> None:
    manifest = read(project / "skill-package" / "skill.json")["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": ARN}
    assert manifest["events"]["endpoint"] == {"uri": ARN}
    assert manifest["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    assert "FILLED_IN_BY" not in json.dumps(manifest)


def test_the_manifest_locales_are_exactly_the_models_present(project: Path) -> None:
    manifest = read(project / "skill-package" / "skill.json")["manifest"]
    assert set(manifest["publishingInformation"]["locales"]) == models_present()
    assert set(manifest["privacyAndCompliance"]["locales"]) == models_present()
    countries = {locale.split("-")[1] for locale in models_present()}
    assert set(manifest["publishingInformation"]["distributionCountries"]) == countries


def test_the_manifest_has_what_certification_asks_for(project: Path) -> None:
    manifest = read(project / "skill-package" / "skill.json")["manifest"]
    publishing = manifest["publishingInformation"]
    assert publishing["category"] in CATEGORIES
    for locale, store in publishing["locales"].items():
        assert store["name"] == "Our Rituals"
        assert 0 < len(store["summary"]) <= 160 and 0 < len(store["description"]) <= 4000
        assert len(store["examplePhrases"]) == 3
        assert all(phrase.startswith("Alexa, ask our rituals ") for phrase in store["examplePhrases"])
        assert 0 < len(store["keywords"]) <= 30, locale
    privacy = manifest["privacyAndCompliance"]
    assert privacy["allowsPurchases"] is False and privacy["containsAds"] is False
    assert privacy["isChildDirected"] is False and privacy["isExportCompliant"] is True
    assert privacy["usesPersonalInfo"] is True, "the skill stores first names"
    for links in privacy["locales"].values():
        assert links == {
            "privacyPolicyUrl": f"{REPOSITORY}/blob/main/PRIVACY.md",
            "termsOfUseUrl": f"{REPOSITORY}/blob/main/TERMS.md",
        }
    for store in publishing["locales"].values():
        assert store["description"].endswith(f"Questions or a problem: {CONTACT}.")


def test_the_source_manifest_lists_every_supported_locale_and_leaves_the_operators_part_open() -> None:
    manifest = read(ROOT / "skill-package" / "skill.json")["manifest"]
    assert set(manifest["publishingInformation"]["locales"]) == set(SUPPORTED_LOCALES)
    assert set(manifest["privacyAndCompliance"]["locales"]) == set(SUPPORTED_LOCALES)
    for urls in manifest["privacyAndCompliance"]["locales"].values():
        for url in (urls["privacyPolicyUrl"], urls["termsOfUseUrl"]):
            assert url.startswith("FILLED_IN_BY: our-rituals ask-package"), "the operator's own links, never upstream's"
    # The links point at the operator's copy of these files: they must be in the repository.
    assert (ROOT / "PRIVACY.md").is_file() and (ROOT / "TERMS.md").is_file() and (ROOT / "LICENSE").is_file()
    for store in manifest["publishingInformation"]["locales"].values():
        assert "{operator_contact}" in store["description"]
    # Not a hand list: what the code declares fills these in (see the tests below).
    assert str(manifest["permissions"]).startswith("FILLED_IN_BY") and str(
        manifest["events"]["subscriptions"]
    ).startswith("FILLED_IN_BY")


# -- permissions and events: what the code relies on, declared where it relies on it ---------------------------

PERSON_ID_SCOPE = "alexa::person_id:read"
TIMERS = "alexa::alerts:timers:skill:readwrite"
REMINDERS = "alexa::alerts:reminders:skill:readwrite"


def manifest_permissions(project: Path) -> set[str]:
    return {p["name"] for p in read(project / "skill-package" / "skill.json")["manifest"]["permissions"]}


def test_the_manifest_declares_exactly_what_the_code_declares(project: Path) -> None:
    from skill.deploy.ask_package import required_by_code

    permissions, events, interfaces = required_by_code()
    manifest = read(project / "skill-package" / "skill.json")["manifest"]
    assert manifest_permissions(project) == set(permissions)
    assert manifest["events"]["subscriptions"] == [{"eventName": name} for name in events]
    declared = manifest["apis"]["custom"]["interfaces"]
    assert [entry["type"] for entry in declared] == interfaces
    # Voice recognition ("I'm Maya"), timers (five magic minutes), reminders (the weekly check-in), and
    # SkillDisabled (disabling the skill erases the household).
    assert set(permissions) == {PERSON_ID_SCOPE, TIMERS, REMINDERS}
    assert events == ["SKILL_DISABLED"]
    # APL (the Echo Show screens): without it Alexa never says that a device has a screen. Name-free requests
    # ("Alexa, give us tonight's question"): without it Alexa never asks whether we can fulfil one.
    # The Echo Show widget: its package, the data store it reads, and the data store extension its document uses.
    assert interfaces == [
        "ALEXA_DATASTORE_PACKAGEMANAGER", "ALEXA_DATA_STORE", "ALEXA_EXTENSION", "ALEXA_PRESENTATION_APL",
        "CAN_FULFILL_INTENT_REQUEST",
    ]  # fmt: skip
    by_type = {entry["type"]: entry for entry in declared}
    assert by_type["ALEXA_DATASTORE_PACKAGEMANAGER"]["packages"] == [{"id": "OurRitualsWidget"}]
    assert by_type["ALEXA_EXTENSION"]["requestedExtensions"] == [{"uri": "alexaext:datastore:10"}]


def test_the_manifest_lists_every_task_the_skill_handles_and_the_package_holds_each_definition(project: Path) -> None:
    from skill.alexa.tasks import MANIFEST_TASKS

    manifest = read(project / "skill-package" / "skill.json")["manifest"]
    listed = {(task["name"], task["version"]) for task in manifest["apis"]["custom"]["tasks"]}
    assert listed == set(MANIFEST_TASKS)
    assert {
        "MorningCoffee",
        "Hug",
        "MagicMinutes",
        "TonightsQuestion",
        "WeeklyCheckIn",
        "CloseRitual",
        "ResumeRitual",
    } == {n for n, _ in listed}
    for name, version in listed:
        copied = project / "skill-package" / "tasks" / f"{name}.{version}.json"
        assert copied.read_text() == (ROOT / "skill-package" / "tasks" / copied.name).read_text()


def test_the_package_holds_the_widget_package_where_the_ask_cli_looks_for_it(project: Path) -> None:
    """Amazon's widget sample (alexa-samples/skill-sample-plant-care-widget) keeps each APL package of a widget in
    skill-package/dataStorePackages/<id>/: manifest.json, presentations/default.tpl and the files it names."""
    source = ROOT / "skill-package" / "dataStorePackages" / "OurRitualsWidget"
    copied = project / "skill-package" / "dataStorePackages" / "OurRitualsWidget"
    files = sorted(str(path.relative_to(source)) for path in source.rglob("*") if path.is_file())
    assert files == [
        "datasources/default.json",
        "documents/document.json",
        "manifest.json",
        "presentations/default.tpl",
    ]
    for name in files:
        assert (copied / name).read_text() == (source / name).read_text()


def test_every_alexa_scope_named_in_the_code_is_declared(project: Path) -> None:
    """A scope written anywhere in the skill (a ritual, an API call, the request reader) is in the manifest."""
    named = {
        scope
        for path in (ROOT / "skill").rglob("*.py")
        for scope in re.findall(r"[\"'](alexa::[a-z_:.]+)[\"']", path.read_text(encoding="utf-8"))
    }
    assert PERSON_ID_SCOPE in named
    # The data store's scope is one the skill's own Login with Amazon token carries, not a permission couples grant.
    named -= {"alexa::datastore"}
    assert named <= manifest_permissions(project), named - manifest_permissions(project)


@pytest.mark.parametrize(
    ("intent", "slots", "scope"),
    [("MagicMinutesIntent", {}, TIMERS), ("CheckInReminderIntent", {"day": "Sunday", "time": "19:00"}, REMINDERS)],
    ids=["timers", "reminders"],
)
def test_every_permission_a_ritual_asks_for_by_voice_is_declared(
    project: Path, couple: Couple, alexa_api: AlexaApiStandIn, intent: str, slots: dict[str, str], scope: str
) -> None:
    """Alexa refuses to ask a couple for a scope the manifest does not declare: the ask would end in silence."""
    couple.meet("Maya", "Sam")
    couple.api_endpoint = alexa_api.url
    alexa_api.status = 403
    said = couple.intent(intent, one_shot=True, **slots)
    asked = {s["permissionScope"] for d in said.response["directives"] for s in d["payload"]["permissionScopes"]}
    assert asked == {scope}
    assert asked <= manifest_permissions(project)


def test_a_recognised_voice_needs_the_personalization_permission(project: Path, couple: Couple, stored) -> None:
    """Alexa sends context.System.person only when the manifest declares alexa::person_id:read."""
    couple.meet("Maya", "Sam")
    couple.person_id = "amzn1.ask.person.MAYA"
    couple.intent("SetNamesIntent", one_shot=True, first="Maya")
    assert list(stored(couple)["speakers"].values()) == [0], "the voice was learnt from context.System.person"
    assert PERSON_ID_SCOPE in manifest_permissions(project)


SKILL_EVENTS = {
    "AlexaSkillEvent.SkillEnabled": "SKILL_ENABLED",
    "AlexaSkillEvent.SkillDisabled": "SKILL_DISABLED",
    "AlexaSkillEvent.SkillPermissionAccepted": "SKILL_PERMISSION_ACCEPTED",
    "AlexaSkillEvent.SkillPermissionChanged": "SKILL_PERMISSION_CHANGED",
    "AlexaSkillEvent.SkillAccountLinked": "SKILL_ACCOUNT_LINKED",
}


def test_the_skill_subscribes_to_exactly_the_events_it_handles(project: Path) -> None:
    """A handler of its own for an event means the skill relies on it: Alexa sends it only to subscribers."""
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import RequestEnvelope

    from skill.alexa.skill import build_skill

    skill = build_skill()
    chains = [chain for mapper in skill.request_dispatcher.request_mappers for chain in mapper.request_handler_chains]
    handled = set()
    for request_type, event in SKILL_EVENTS.items():
        envelope = skill.serializer.deserialize(
            payload=json.dumps({
                "version": "1.0",
                "context": {"System": {"application": {"applicationId": SKILL_ID}, "user": {"userId": "amzn1.ask.account.X"}}},
                "request": {"type": request_type, "requestId": "r", "timestamp": "2026-11-22T19:30:00Z", "body": {}},
            }),
            obj_type=RequestEnvelope,
        )  # fmt: skip
        handler_input = HandlerInput(request_envelope=envelope)
        chosen = next(chain.request_handler for chain in chains if chain.request_handler.can_handle(handler_input))
        if type(chosen).__name__ != "OtherRequestHandler":
            handled.add(event)
    subscribed = {
        s["eventName"] for s in read(project / "skill-package" / "skill.json")["manifest"]["events"]["subscriptions"]
    }
    assert handled == subscribed == {"SKILL_DISABLED"}


# -- the operator's part: profile, contact, links ---------------------------------------------------------------


def test_ask_deploy_takes_the_operators_profile(tmp_path: Path) -> None:
    out = tmp_path / "ask-project"
    result = ask_package(
        "--endpoint", ARN, "--out", str(out), "--skill-id", SKILL_ID, "--profile", "rituals", *OPERATOR
    )
    assert result.returncode == 0, result.stderr
    assert f"cd {out} && ask deploy -p rituals" in result.stdout
    assert read(out / "ask-resources.json")["profiles"] == {"rituals": {"skillMetadata": {"src": "./skill-package"}}}
    assert read(out / ".ask" / "ask-states.json")["profiles"] == {"rituals": {"skillId": SKILL_ID}}
    result = ask_package("--out", str(out), "--profile", "not a profile")
    assert result.returncode == 1 and "not an ASK CLI profile name" in result.stderr


def test_an_update_needs_only_the_folder_every_choice_is_remembered(project: Path) -> None:
    before = (project / "skill-package" / "skill.json").read_text()
    result = ask_package("--out", str(project))
    assert result.returncode == 0, result.stderr
    assert (project / "skill-package" / "skill.json").read_text() == before
    assert read(project / ".ask" / "ask-states.json")["profiles"]["default"]["skillId"] == SKILL_ID


def test_without_a_contact_or_links_nothing_is_assembled(tmp_path: Path) -> None:
    out = tmp_path / "ask-project"
    result = ask_package("--endpoint", ARN, "--out", str(out))
    assert result.returncode == 1
    assert "--contact" in result.stderr and "--repository (or --privacy-url and --terms-url)" in result.stderr
    assert "--operator-name" in result.stderr
    result = ask_package("--endpoint", ARN, "--out", str(out), "--contact", "call us", "--repository", REPOSITORY,
                         "--operator-name", "Maya Example")  # fmt: skip
    assert result.returncode == 1 and "not a contact couples can use" in result.stderr
    result = ask_package("--endpoint", ARN, "--out", str(out), "--contact", CONTACT, "--repository", "http://example.org/x",
                         "--operator-name", "Maya Example")  # fmt: skip
    assert result.returncode == 1 and "not an https:// address" in result.stderr
    assert not out.exists()


def test_an_operator_may_host_the_policy_elsewhere(tmp_path: Path) -> None:
    out = tmp_path / "ask-project"
    result = ask_package("--endpoint", ARN, "--out", str(out), "--contact", "https://rituals.example.org/contact",
                         "--privacy-url", "https://rituals.example.org/privacy", "--terms-url", "https://rituals.example.org/terms",
                         "--operator-name", "Rituals Example Ltd")  # fmt: skip
    assert result.returncode == 0, result.stderr
    links = read(out / "skill-package" / "skill.json")["manifest"]["privacyAndCompliance"]["locales"]["en-US"]
    assert links == {
        "privacyPolicyUrl": "https://rituals.example.org/privacy",
        "termsOfUseUrl": "https://rituals.example.org/terms",
    }


def test_every_example_phrase_is_something_the_model_understands() -> None:
    """Certification checks example phrases against the samples; the terminal dialog's matcher does too."""
    manifest = read(ROOT / "skill-package" / "skill.json")["manifest"]
    sent: list[dict[str, Any]] = []

    def capture(event: dict[str, Any]) -> dict[str, Any]:
        sent.append(event["request"])
        return {"version": "1.0", "response": {"shouldEndSession": True}}

    for locale in sorted(models_present()):
        dialog = Dialog(capture, locale=locale, out=io.StringIO())
        for phrase in manifest["publishingInformation"]["locales"][locale]["examplePhrases"]:
            dialog.say(phrase)
            request = sent[-1]
            assert request["type"] == "IntentRequest", phrase
            assert request["intent"]["name"] != "AMAZON.FallbackIntent", f"{locale}: {phrase!r} matches no sample"


def test_a_bad_endpoint_or_skill_id_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "ask-project"
    result = ask_package("--endpoint", "https://example.com/alexa", "--out", str(out), *OPERATOR)
    assert result.returncode == 1 and "not a Lambda function ARN" in result.stderr
    result = ask_package("--endpoint", ARN, "--out", str(out), "--skill-id", "my-skill", *OPERATOR)
    assert result.returncode == 1 and "not a skill id" in result.stderr
    assert not out.exists()


def test_reassembling_keeps_the_ask_cli_state_and_never_overwrites_other_folders(project: Path, tmp_path: Path) -> None:
    states = project / ".ask" / "ask-states.json"
    data = read(states)
    data["profiles"]["default"]["skillMetadata"] = {"lastDeployHash": "written-by-ask-deploy"}
    states.write_text(json.dumps(data))
    result = ask_package("--endpoint", ARN, "--out", str(project))
    assert result.returncode == 0, result.stderr
    assert read(states)["profiles"]["default"] == {
        "skillId": SKILL_ID,
        "skillMetadata": {"lastDeployHash": "written-by-ask-deploy"},
    }
    elsewhere = tmp_path / "notes"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("ours")
    result = ask_package("--endpoint", ARN, "--out", str(elsewhere), *OPERATOR)
    assert result.returncode == 1 and "not an ASK CLI project" in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
