"""On an Echo with a screen, the newer rituals with turns show each prompt as it is said, in the colour of the
partner it is for (the shared "turns" document), and questions for a walk show the two partners' questions."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.surfaces.test_screens import ScreenCouple, no_screen, screen

COLOUR = {"Joanna": "#F2A65A", "Matthew": "#7FC8C2"}


@pytest.fixture
def shown_to(lambda_app: ModuleType) -> ScreenCouple:
    couple = ScreenCouple(send=lambda event: lambda_app.handler(event, None))
    couple.meet("Maya", "Sam")
    return couple


@pytest.mark.parametrize(
    ("intent", "title", "prompts"),
    [("RepairIntent", "The repair talk", 2), ("FeelingsNeedsIntent", "Feelings, needs and a request", 4),
     ("HighLowIntent", "High and low", 2), ("MonthlyIntent", "Your monthly look ahead", 4),
     ("RitualReviewIntent", "The ritual review", 4)],
)  # fmt: skip
def test_each_prompt_is_shown_when_it_is_said_in_its_partners_colour(
    shown_to: ScreenCouple, intent: str, title: str, prompts: int
) -> None:
    said = shown_to.intent(intent, one_shot=True)
    name, data = screen(said)
    assert name == "turns" and data["title"] == title
    assert [p["text"] for p in data["prompts"]] == [p["text"] for p in data["prompts"] if p["text"] in said.text]
    assert len(data["prompts"]) == prompts
    voiced = {line.text: line.voice for line in said.lines if line.voice}
    assert all(p["colour"] == COLOUR[voiced[p["text"]]] for p in data["prompts"])


def test_questions_for_a_walk_show_each_partners_question(shown_to: ScreenCouple) -> None:
    said = shown_to.intent("WalkAndTalkIntent", one_shot=True)
    name, data = screen(said)
    assert name == "turns" and len(data["prompts"]) == 2
    assert all(p["text"] in said.text for p in data["prompts"])


def test_the_invitation_offers_the_menu_screen_while_it_waits_for_a_choice(shown_to: ScreenCouple) -> None:
    said = shown_to.intent("InvitationIntent", one_shot=True)
    assert no_screen(said) or screen(said)[0] == "menu"


def test_the_gentle_starts_request_and_answer_are_shown_like_its_other_steps(shown_to: ScreenCouple) -> None:
    said = shown_to.intent("GentleStartIntent", one_shot=True)
    _, data = screen(said)
    partner_lines = [line.text for line in said.lines if line.voice is not None][-5:]  # after the breaths
    assert [p["text"] for p in data["prompts"]] == partner_lines, "soften, reflect, impact, the request, its answer"
