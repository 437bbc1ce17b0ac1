"""The self-hosting image, built and run by a real Docker daemon (tests/support/docker_daemon.py starts one where it can).

Built from the repository's Dockerfile (its FROM lines pointed at a locally built Debian base, since no registry
is in reach), the container serves the skill as its own user, keeps the household file owner-only on /data,
answers /health and its HEALTHCHECK command, lets the operator talk to it with `our-rituals dialog` while
SKILL_ID is set, and stops cleanly on `docker stop`. Skipped, with the reason, where no daemon can run.
"""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.docker_daemon import NoDocker, base_image, daemon, docker
from tests.support.dynamodb_local import free_port

ROOT = Path(__file__).resolve().parents[2]
SKILL_ID = "amzn1.ask.skill.0f5e6a3c-2b7d-4c1e-9a8f-1d2c3b4a5e6f"


@pytest.fixture(scope="module")
def env() -> Iterator[dict[str, str]]:
    try:
        with daemon() as found:
            yield found
    except NoDocker as reason:
        pytest.skip(str(reason))


def dockerfile_on(base: str) -> str:
    """The repository's Dockerfile with every FROM of a registry image replaced by `base` (stage names kept),
    for a Dockerfile that names its base directly; one that takes it as ARG PYTHON_IMAGE is built unchanged."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    return re.sub(r"^FROM\s+(?!\$\{PYTHON_IMAGE\})\S+", f"FROM {base}", text, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def image(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    try:
        base = base_image(env)
    except NoDocker as reason:
        pytest.skip(str(reason))
    dockerfile = tmp_path_factory.mktemp("image") / "Dockerfile"
    dockerfile.write_text(dockerfile_on(base), encoding="utf-8")
    tag = f"our-rituals-test:{uuid.uuid4().hex[:12]}"
    docker(env, "build", "--network", "host", "--build-arg", f"PYTHON_IMAGE={base}", "--file", str(dockerfile),
           "--tag", tag, str(ROOT), timeout=1200)  # fmt: skip
    yield tag
    docker(env, "image", "rm", "--force", tag, check=False)


def configured(env: dict[str, str], image: str) -> dict[str, Any]:
    return json.loads(docker(env, "image", "inspect", image).stdout)[0]["Config"]


@pytest.fixture
def container(env: dict[str, str], image: str) -> Iterator[tuple[str, int]]:
    """The image's own command, on a free port of the host's network (no bridge here), with SKILL_ID set."""
    command = list(configured(env, image)["Cmd"])
    port = free_port()
    command[command.index("--port") + 1] = str(port)
    command[command.index("--host") + 1] = "127.0.0.1"
    name = f"our-rituals-test-{uuid.uuid4().hex[:8]}"
    volume = f"{name}-data"
    docker(env, "run", "--detach", "--name", name, "--network", "host", "--env", f"SKILL_ID={SKILL_ID}",
           "--volume", f"{volume}:/data", image, *command)  # fmt: skip
    try:
        yield name, port
    finally:
        docker(env, "rm", "--force", name, check=False)
        docker(env, "volume", "rm", "--force", volume, check=False)


def healthy(port: int) -> bool:
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
                return bool(json.loads(answer.read()) == {"status": "ok"})
        except OSError:
            __import__("time").sleep(0.5)
    return False


def test_the_container_serves_as_its_own_user_and_the_operator_can_talk_to_it(
    env: dict[str, str], container: tuple[str, int]
) -> None:
    name, port = container
    assert healthy(port), docker(env, "logs", name, check=False).stderr[-2000:]
    assert docker(env, "exec", name, "id", "-u").stdout.strip() == "10001"

    # The image's HEALTHCHECK command, asked of this container's port.
    health = list(
        configured(env, docker(env, "inspect", "--format", "{{.Config.Image}}", name).stdout.strip())["Healthcheck"][
            "Test"
        ]
    )
    assert health[0] == "CMD"
    probe = [part.replace("8080", str(port)) for part in health[1:]]
    assert docker(env, "exec", name, *probe, check=False).returncode == 0

    # With SKILL_ID set in the container, the offline dialog speaks as that skill (it used to crash).
    talk = docker(env, "exec", "--interactive", name, "our-rituals", "dialog", "--fast",
                  input="open our rituals\nwe are Ana and Leo\nquit\n")  # fmt: skip
    assert "Traceback" not in talk.stderr and "Ana and Leo" in talk.stdout, talk.stdout[-1500:] + talk.stderr[-1500:]
    listing = docker(env, "exec", name, "ls", "-ln", "/data").stdout
    assert re.search(r"^-rw------- 1 10001 10001 .* our-rituals\.db$", listing, re.MULTILINE), listing


def test_docker_stop_ends_the_server_cleanly(env: dict[str, str], container: tuple[str, int]) -> None:
    name, port = container
    assert healthy(port)
    docker(env, "stop", "--time", "15", name, timeout=60)
    state = json.loads(docker(env, "inspect", name).stdout)[0]["State"]
    assert state["ExitCode"] == 0, "SIGTERM reached the server (PID 1) and it finished cleanly"
