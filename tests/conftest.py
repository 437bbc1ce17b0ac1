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
from tests.support.alexa_api_standin import AlexaApiStandIn
from tests.support.conversation import Couple

# One DynamoDB Local for the whole session: fixtures imported into each test module would start one per module.
from tests.support.dynamodb_local import dynamodb_local, dynamodb_table  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent

# The slow parts, left out of the fast loop (`pytest -m "not slow"`, `make fast`) and run by the full suite (CI,
# `make full`): whole modules that start processes, servers, npm or Java tools, or sweep every case...
SLOW_MODULES = frozenset(
    {
        "test_adversarial",  # hardening: restores, backups, lock files and outages, many in subprocesses
        "test_adversarial_network",  # the production server in a subprocess, stalled by attackers on purpose
        "test_ask_cli",  # the ASK CLI, installed from npm
        "test_ask_package",  # the ASK CLI project, assembled by the our-rituals command in subprocesses
        "test_bench",  # runs the benchmark harness and builds bundles
        "test_bundle",  # builds the Lambda bundle and runs it in a Lambda-like runtime
        "test_care_sweep",  # help, distress and disclosures at every waiting point of every ritual, two surfaces
        "test_checkov",  # checkov over the template and Dockerfile: minutes
        "test_concurrency",  # several processes writing at once
        "test_deletion_queue",  # an SQS server (moto) and DynamoDB Local
        "test_deploy_rehearsal",  # the whole deployment against DynamoDB Local
        "test_docker_image",  # the image built and run by a real Docker daemon
        "test_faults",  # store faults on DynamoDB Local
        "test_fuzz",  # hypothesis: many generated requests
        "test_home_server_files",  # hadolint, caddy, docker
        "test_install",  # a fresh venv and a pip install
        "test_load",  # many requests, to watch memory
        "test_matcher",  # virtual-alexa (npm) in node: every sample and phrase through a real utterance matcher
        "test_off_script_sweep",  # every intent at every waiting point of every ritual, through two surfaces
        "test_self_hosting",  # waitress and backups in subprocesses
        "test_smapi_schema",  # the ASK CLI's SMAPI schema, from the npm package ask-smapi-model
        "test_snapstart",  # SnapStart restore in a subprocess, on DynamoDB Local
        "test_store_dynamodb",  # DynamoDB Local
        "test_store_listing",  # the ASK project built by the our-rituals command in subprocesses
        "test_template",  # cfn-lint
        "test_typing",  # mypy (`make types` runs it on its own)
        "test_update_rehearsal",  # a fresh venv, pip and git, updating across the project's history
    }
)
# ...and single tests that need DynamoDB Local (as a fixture, or a fixture's "dynamodb" parameter) or npm's tools.
SLOW_FIXTURES = frozenset({"dynamodb_local", "dynamodb_table"})
SLOW_PARAMETERS = frozenset({"dynamodb"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks the slow parts `slow`, from the lists above; a test may also say `@pytest.mark.slow` itself."""
    for item in items:
        module = item.module.__name__.rpartition(".")[2] if isinstance(item, pytest.Function) else ""
        params = getattr(getattr(item, "callspec", None), "params", {})
        if (
            module in SLOW_MODULES
            or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
            or SLOW_PARAMETERS & {value for value in params.values() if isinstance(value, str)}
        ):
            item.add_marker(pytest.mark.slow)


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
