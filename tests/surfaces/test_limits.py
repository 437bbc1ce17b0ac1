"""The limits validator catches every way a response can break Alexa's rules; the composer never emits one."""

from __future__ import annotations

import random

import pytest

from skill.content import load_content
from skill.engine.script import Pause, Say, Segment, Sound
from skill.speech.limits import (
    MAX_REPROMPT_AUDIO_SECONDS,
    MAX_SPEECH_AUDIO_SECONDS,
    SpeechLimitError,
    check_response,
    check_ssml,
)
from skill.speech.ssml import _segment_ssml, compose

CLIPS = dict(load_content("en-US").sounds.clips.values())
CHIME = "soundbank://soundlibrary/musical/amzn_sfx_bell_med_chime_02"


def problems(ssml: str, locale: str = "en-US", **kwargs) -> list[str]:  # noqa: ANN003
    return check_ssml(ssml, locale=locale, clip_seconds=CLIPS, **kwargs)


def test_a_good_response_passes() -> None:
    ssml = f'<speak>Hello. <voice name="Joanna">Your turn.</voice> <break time="10s"/> <audio src="{CHIME}"/></speak>'
    assert problems(ssml) == []


@pytest.mark.parametrize(
    ("ssml", "expected"),
    [
        ("Hello", "not well-formed"),
        ("<speak>Tom & Jerry</speak>", "not well-formed"),
        ("<speak><b>bold</b></speak>", "not an Alexa SSML tag"),
        ('<speak><break time="11s"/></speak>', "over 10s"),
        ('<speak><break time="soon"/></speak>', "not valid"),
        ('<speak><voice name="Ruth">hi</voice></speak>', "not available in en-US"),
        ('<speak><voice name="Hans">hi</voice></speak>', "not available in en-US"),  # a German voice
        ('<speak><voice name="Joanna"><voice name="Matthew">hi</voice></voice></speak>', "nested"),
        (
            '<speak><voice name="Joanna"><amazon:emotion name="excited" intensity="low">hi</amazon:emotion></voice></speak>',
            "emotion",
        ),
        ('<speak><voice name="Joanna"><say-as interpret-as="interjection">wow</say-as></voice></speak>', "speechcons"),
        (
            '<speak><voice name="Ivy"><amazon:domain name="conversational">hi</amazon:domain></voice></speak>',
            "conversational",
        ),
        ('<speak><audio src="https://example.com/a.mp3"/></speak>', "known length"),
        ("<speak>" + '<break time="10s"/>' * 25 + "</speak>", "over 240s"),
        ("<speak>" + f'<audio src="{CHIME}"/>' * 6 + "</speak>", "over 5"),
        ("<speak>" + "a" * 8000 + "</speak>", "characters"),
        ("<speak><speak>twice</speak></speak>", "whole response"),
    ],
)
def test_each_rule_is_enforced(ssml: str, expected: str) -> None:
    found = problems(ssml)
    assert any(expected in p for p in found), found


def test_the_reprompt_has_a_tighter_audio_budget() -> None:
    ssml = "<speak>" + '<break time="10s"/>' * 10 + "</speak>"
    assert problems(ssml) == []
    assert any("over 90s" in p for p in problems(ssml, max_audio_seconds=90))


def test_voices_are_checked_per_locale() -> None:
    assert problems('<speak><voice name="Amy">hi</voice></speak>', locale="en-GB") == []
    assert problems('<speak><voice name="Aditi">hi</voice></speak>', locale="en-IN") == []
    assert problems('<speak><voice name="Brian">hi</voice></speak>', locale="en-IN") == [], (
        "any English voice Alexa speaks"
    )


def envelope(speech: str | None, reprompt: str | None, end: bool | None) -> dict:
    response: dict = {}
    if speech is not None:
        response["outputSpeech"] = {"type": "SSML", "ssml": speech}
    if reprompt is not None:
        response["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": reprompt}}
    if end is not None:
        response["shouldEndSession"] = end
    return {"version": "1.0", "response": response}


def test_an_open_session_needs_a_differently_worded_reprompt() -> None:
    check = lambda env: check_response(env, locale="en-US", clip_seconds=CLIPS)  # noqa: E731
    assert check(envelope("<speak>Hi</speak>", "<speak>Still there?</speak>", False)) == []
    assert any("no reprompt" in p for p in check(envelope("<speak>Hi</speak>", None, False)))
    assert any("word for word" in p for p in check(envelope("<speak>Hi</speak>", "<speak>Hi</speak>", False)))
    assert check(envelope(None, None, None)) == [], "an empty response (SessionEndedRequest) is fine"
    assert any("SSML" in p for p in check({"response": {"outputSpeech": {"type": "PlainText", "text": "hi"}}}))


def test_the_composer_splits_long_silences_and_escapes_text() -> None:
    content = load_content("en-US")
    ssml = compose([Say("Tom & Jerry <3", 0), Pause(25), Sound("soft_chime")], content.voices, content.sounds)
    assert '<voice name="Joanna">Tom &amp; Jerry &lt;3</voice>' in ssml
    assert ssml.count("<break") == 3 and 'time="5000ms"' in ssml
    assert problems(ssml) == []


def test_the_composer_refuses_rather_than_emit_a_response_alexa_would_reject() -> None:
    content = load_content("en-US")
    with pytest.raises(SpeechLimitError):
        compose([Pause(241)], content.voices, content.sounds)
    with pytest.raises(SpeechLimitError):
        compose([Pause(91)], content.voices, content.sounds, reprompt=True)


def test_the_composers_counts_agree_with_the_ssml_read_back_for_any_script() -> None:
    """The composer counts its limits instead of parsing what it wrote: it refuses exactly what the parser refuses."""
    content = load_content("en-US")
    clips = list(content.sounds.clips)
    rng = random.Random(18)
    refused = 0
    for _ in range(400):
        script: list[Segment] = []
        for _ in range(rng.randint(1, 12)):
            kind = rng.random()
            if kind < 0.4:
                script.append(Say("word " * rng.choice((1, 40, 400)), rng.choice((None, 0, 1))))
            elif kind < 0.7:
                script.append(Pause(rng.choice((0.25, 3, 9.5, 10, 25, 61.5))))
            else:
                script.append(Sound(rng.choice(clips)))
        written = (
            "<speak>"
            + " ".join(p for s in script for p in _segment_ssml(s, content.voices, content.sounds))
            + "</speak>"
        )
        for reprompt in (False, True):
            limit = MAX_REPROMPT_AUDIO_SECONDS if reprompt else MAX_SPEECH_AUDIO_SECONDS
            try:
                ssml = compose(script, content.voices, content.sounds, reprompt=reprompt)
            except SpeechLimitError:
                refused += 1
                assert problems(written, max_audio_seconds=limit) != [], script
                continue
            assert ssml == written and problems(ssml, max_audio_seconds=limit) == [], script
    assert 50 < refused < 750, "the scripts cover both sides of the limits"
