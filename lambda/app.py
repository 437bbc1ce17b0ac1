"""AWS Lambda entry point: `handler(event, context)` answers one Alexa request."""

from __future__ import annotations

from functools import cache
from typing import Any

from ask_sdk_core.skill import CustomSkill

from skill.alexa.skill import build_skill, invoke
import skill.snapstart  # noqa: F401,E402  SnapStart's runtime hooks (re-seed, fresh connections); nothing without it


@cache
def _skill() -> CustomSkill:
    # Built on the first request, reused while the container stays warm.
    return build_skill()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return invoke(_skill(), event)
