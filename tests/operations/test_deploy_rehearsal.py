"""A deploy rehearsal: the bundle as `our-rituals bundle` builds it, run the way Lambda runs it, against DynamoDB.

A fresh isolated interpreter (`python -I -S`: no environment variables of Python's, no user or site
packages, not even this checkout) gets on its path only the bundle, the runtime's AWS SDK (boto3, botocore
and what botocore imports) and the standard library. It imports app.py once (Lambda's init), then answers a couple's evening request by
request, as one warm Lambda instance would: launch, names, a ritual, a launch a day later, forget.

The Lambda runtime is CPython 3.12 and the bundle is built for it; byte-compiling needs a 3.12
interpreter (tests/operations/test_bundle.py checks that part). The rehearsal builds with `--no-compile` and runs
on the interpreter running the suite (CPython 3.11 in CI): the bundle's dependencies are pure Python,
so the same files answer on both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from skill.store import open_store
from tests.support.conversation import SKILL_ID, Couple
from tests.support.dynamodb_local import CREDENTIALS
from tests.support.lambda_runtime import lambda_runtime_packages

ROOT = Path(__file__).resolve().parents[2]
MARK = "@@rehearsal "

# The Lambda runtime's part, in miniature: put /var/task (the bundle) and the runtime's packages on the path,
# import the handler's module once, then answer each event. Replies carry a mark: the skill logs to stdout too.
_LAMBDA = r"""
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import app
for line in sys.stdin:
    event = json.loads(line)
    if event.get("rehearsal") == "modules":
        answer = {name: getattr(module, "__file__", None) for name, module in list(sys.modules.items())}
    elif event.get("rehearsal") == "time zone":
        import datetime, zoneinfo, tzdata
        zoneinfo.reset_tzpath([])  # no time-zone data from the operating system at all
        zone = zoneinfo.ZoneInfo(event["zone"])
        offset = datetime.datetime(2026, 7, 1, 12, tzinfo=zone).utcoffset()
        answer = {"tzpath": list(zoneinfo.TZPATH), "summer_offset_hours": offset.total_seconds() / 3600,
                  "tzdata": tzdata.__file__}
    else:
        answer = app.handler(event, None)
    sys.stdout.write("@@rehearsal " + json.dumps(answer) + "\n")
    sys.stdout.flush()
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`our-rituals bundle --no-compile`, as an operator without a Python 3.12 would run it."""
    out = tmp_path_factory.mktemp("rehearsal") / "lambda"
    result = subprocess.run(
        [sys.executable, "-m", "skill.cli.main", "bundle", "--no-compile", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "NOT byte-compiled" in result.stdout
    return out


@dataclass
class LambdaInstance:
    """One warm instance: a process that imported app.py once and answers events in turn."""

    process: subprocess.Popen[str]
    bundle: Path
    runtime: Path

    def __call__(self, event: dict[str, Any]) -> Any:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(json.dumps(event) + "\n")
        stdin.flush()
        return self._answer(stdout)

    def _answer(self, stdout: IO[str]) -> Any:
        for line in stdout:
            if line.startswith(MARK):
                return json.loads(line[len(MARK) :])
        raise AssertionError(f"the function stopped (exit {self.process.wait(timeout=10)})")

    def loaded_files(self) -> dict[str, str | None]:
        return dict(self({"rehearsal": "modules"}))


@pytest.fixture
def function(bundle: Path, dynamodb_table: str, tmp_path: Path) -> Iterator[LambdaInstance]:
    runtime = lambda_runtime_packages(tmp_path / "runtime")
    task = tmp_path / "task"
    task.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(task),
        # What template.yaml gives the function, pointed at DynamoDB Local.
        "SKILL_TABLE": dynamodb_table,
        "SKILL_ID": SKILL_ID,
        "AWS_ENDPOINT_URL_DYNAMODB": os.environ["AWS_ENDPOINT_URL_DYNAMODB"],
        "AWS_EC2_METADATA_DISABLED": "true",
        **CREDENTIALS,
    }
    with open(tmp_path / "stderr.txt", "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _LAMBDA, str(bundle), str(runtime)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=task, env=env,
        )  # fmt: skip
        try:
            yield LambdaInstance(process, bundle, runtime)
        finally:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=30)
            assert process.returncode == 0, (tmp_path / "stderr.txt").read_text()


def test_an_evening_from_first_launch_to_forget_us(function: LambdaInstance) -> None:
    couple = Couple(send=function)
    store = open_store()  # the same DynamoDB table, read from the test's side

    said = couple.launch()
    assert "what are your first names" in said.text.lower()
    said = couple.intent("SetNamesIntent", first="Maya", second="Sam")
    assert "Maya" in said.text and "Sam" in said.text
    assert {"Joanna", "Matthew"} <= set(said.voices), "each partner hears their own voice"
    assert store.load(couple.key).document["names"] == ["Maya", "Sam"]

    said = couple.intent("HugIntent", one_shot=True)
    assert said.ends_session and said.timed_seconds() == pytest.approx(20.0)

    said = couple.later(days=1).launch()
    assert "Maya and Sam" in said.text

    couple.intent("ForgetUsIntent", one_shot=True)
    said = couple.intent("AMAZON.YesIntent")
    assert said.ends_session
    assert store.load(couple.key).document == {}
    said = couple.later(days=1).launch()
    assert "what are your first names" in said.text.lower()


def test_only_the_bundle_the_runtimes_aws_sdk_and_the_standard_library_were_loaded(function: LambdaInstance) -> None:
    couple = Couple(send=function)
    couple.meet("Maya", "Sam")
    stdlib = {Path(sysconfig.get_paths()[key]) for key in ("stdlib", "platstdlib")}
    allowed = (function.bundle, function.runtime, *stdlib)
    loaded = function.loaded_files()
    elsewhere = {
        name: file
        for name, file in loaded.items()
        if file and not any(Path(file).is_relative_to(folder) for folder in allowed)
    }
    assert not elsewhere, elsewhere
    assert Path(str(loaded["skill"])).is_relative_to(function.bundle), "the bundle's copy, not this checkout"
    # The store's DynamoDB client is made by botocore itself (skill/store/dynamodb.py): the runtime's copy, and
    # boto3's session layer is never imported on the way.
    assert Path(str(loaded["botocore"])).is_relative_to(function.runtime), "the runtime's botocore, not a bundled one"
    assert Path(str(loaded["skill.store.dynamodb"])).is_relative_to(function.bundle)
    assert "boto3" not in loaded, "no boto3 at the cold start: botocore makes the client"
    assert "flask" not in loaded and "cryptography" not in loaded


def test_time_zones_come_with_the_bundle_not_from_the_operating_system(function: LambdaInstance) -> None:
    answer = function({"rehearsal": "time zone", "zone": "Europe/London"})
    assert answer["tzpath"] == []
    assert answer["summer_offset_hours"] == 1.0, "British Summer Time, from the bundled IANA data"
    assert Path(answer["tzdata"]).is_relative_to(function.bundle)
