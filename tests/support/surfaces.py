"""The two public surfaces a couple's Echo reaches, as one fixture: the Lambda handler and POST /alexa."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.conversation import Couple

SURFACES = ("lambda", "web")


@pytest.fixture(params=SURFACES)
def both(request: Any) -> Couple:
    """A couple talking to the Lambda handler, then (a second run of the test) to the web service."""
    return request.getfixturevalue("couple" if request.param == "lambda" else "web_couple")
