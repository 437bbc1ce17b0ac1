"""Shared fixtures: a fresh embedded store per test, and couples talking through each public surface."""

from __future__ import annotations

import gc
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from skill.store.sqlite import SQLiteStore
from tests.alexa_api_standin import AlexaApiStandIn
from tests.conversation import Couple
# One DynamoDB Local for the whole session: fixtures imported into each test module would start one per module.
from tests.dynamodb_local import dynamodb_local, dynamodb_table  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def embedded_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own SQLite file, and never DynamoDB or a real skill id unless it asks."""
    path = tmp_path / "rituals.db"
    monkeypatch.setenv("OUR_RITUALS_DB", str(path))
    monkeypatch.delenv("SKILL_TABLE", raising=False)
    monkeypatch.delenv("SKILL_ID", raising=False)
    return path


def load_lambda_app() -> ModuleType:
    """A fresh import of lambda/app.py, as the Lambda runtime would do on a cold start."""
    spec = importlib.util.spec_from_file_location("lambda_app_under_test", ROOT / "lambda" / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # Its init freezes what the process holds, once per Lambda process; a test process loads it for each test,
    # so thaw it again, or every earlier test's leftovers would stay frozen with it.
    gc.unfreeze()
    return module


@pytest.fixture
def lambda_app() -> ModuleType:
    return load_lambda_app()


@pytest.fixture
def couple(lambda_app: ModuleType) -> Couple:
    """A couple talking to the Lambda `handler`."""
    return Couple(send=lambda event: lambda_app.handler(event, None))


@pytest.fixture
def stored(embedded_store: Path) -> Any:
    """Reads what the embedded store holds for a couple, each ritual's state as plain JSON: stored(couple) -> dict."""
    from skill.household import readable

    store = SQLiteStore(embedded_store)
    return lambda couple: readable(store.load(couple.key).document)


@pytest.fixture
def web_client() -> Iterator[Any]:
    """A Flask test client of the web service, verification off (the signature tests turn it on)."""
    from skill.web import create_app

    app = create_app(verify_requests=False)
    with app.test_client() as client:
        yield client


@pytest.fixture
def web_couple(web_client: Any) -> Couple:
    """A couple talking to POST /alexa."""

    def send(event: dict[str, Any]) -> dict[str, Any]:
        response = web_client.post("/alexa", json=event)
        assert response.status_code == 200, response.data
        return response.get_json()

    return Couple(send=send)



@pytest.fixture
def alexa_api() -> Iterator[AlexaApiStandIn]:
    """A local stand-in for the Alexa REST APIs (timers, reminders, settings), on 127.0.0.1."""
    with AlexaApiStandIn() as stand_in:
        yield stand_in
