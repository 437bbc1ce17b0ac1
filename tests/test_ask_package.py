"""The skill manifest and `our-rituals ask-package`: the ASK CLI layout `ask deploy` expects, every model in it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skill.content import SUPPORTED_LOCALES
from skill.dialog import Dialog
from skill.models import MODELS_DIR

ROOT = Path(__file__).resolve().parent.parent
ARN = "arn:aws:lambda:us-east-1:123456789012:function:our-rituals-SkillFunction-Ab12Cd34"
SKILL_ID = "amzn1.ask.skill.0f5e6a3c-2b7d-4c1e-9a8f-1d2c3b4a5e6f"

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
        [sys.executable, "-m", "skill.cli", "ask-package", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    out = tmp_path / "ask-project"
    result = ask_package("--endpoint", ARN, "--out", str(out), "--skill-id", SKILL_ID)
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
    assert {p["name"] for p in manifest["permissions"]} == {
        "alexa::alerts:timers:skill:readwrite",
        "alexa::alerts:reminders:skill:readwrite",
    }


def test_the_source_manifest_lists_every_contract_locale_and_links_files_that_exist() -> None:
    manifest = read(ROOT / "skill-package" / "skill.json")["manifest"]
    assert set(manifest["publishingInformation"]["locales"]) == set(SUPPORTED_LOCALES)
    assert set(manifest["privacyAndCompliance"]["locales"]) == set(SUPPORTED_LOCALES)
    for urls in manifest["privacyAndCompliance"]["locales"].values():
        for url in (urls["privacyPolicyUrl"], urls["termsOfUseUrl"]):
            assert url.startswith("https://github.com/our-rituals/our-rituals/blob/main/")
            assert (ROOT / url.split("/blob/main/", 1)[1]).is_file(), url


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
    result = ask_package("--endpoint", "https://example.com/alexa", "--out", str(out))
    assert result.returncode == 1 and "not a Lambda function ARN" in result.stderr
    result = ask_package("--endpoint", ARN, "--out", str(out), "--skill-id", "my-skill")
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
    result = ask_package("--endpoint", ARN, "--out", str(elsewhere))
    assert result.returncode == 1 and "not an ASK CLI project" in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
