"""SnapStart's runtime hooks: every instance restored from one snapshot draws its own randomness and opens its own
connections.

A snapshot restored twice is two processes with the same memory: here, the function is initialised and
answers once against DynamoDB Local (its client now holds a pooled connection), the before-snapshot
hooks run, and the process forks twice. Each copy runs the after-restore hooks registered with
`snapshot_restore_py` (the module the Lambda runtime provides; from PyPI here), then answers a couple.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.conversation import Couple

ROOT = Path(__file__).resolve().parents[2]

_SNAPSHOT_AND_RESTORE_TWICE = r"""
import json, os, random, sys
sys.path.insert(0, sys.argv[1])
import app  # init
import snapshot_restore_py as runtime

def sockets():
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except FileNotFoundError:  # the listing's own descriptor, closed by now
            pass
    return count

event = json.loads(sys.stdin.read())
app.handler(event, None)
result = {
    "before_snapshot": [f.__module__ + "." + f.__name__ for f, _, _ in runtime.get_before_snapshot()],
    "after_restore": [f.__module__ + "." + f.__name__ for f, _, _ in runtime.get_after_restore()],
    "sockets_at_init": sockets(),
}
for hook, args, kwargs in runtime.get_before_snapshot():
    hook(*args, **kwargs)
result["sockets_in_snapshot"] = sockets()
snapshot_random = random.getstate()
copies = []
for copy in range(2):
    read_end, write_end = os.pipe()
    if os.fork() == 0:  # a restored instance
        os.close(read_end)
        # A restore brings back the snapshot's memory as it was; fork re-seeds `random` in the child, so undo that.
        random.setstate(snapshot_random)
        sockets_restored = sockets()
        for hook, args, kwargs in runtime.get_after_restore():
            hook(*args, **kwargs)
        answer = {"random": random.random(), "sockets_restored": sockets_restored, "response": app.handler(event, None)}
        with os.fdopen(write_end, "w") as out:
            json.dump(answer, out)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        copies.append(json.load(answer))
    os.wait()
result["copies"] = copies
print(json.dumps(result))
"""


def snapshot_and_restore_twice(event: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", _SNAPSHOT_AND_RESTORE_TWICE, str(ROOT / "lambda")],
        input=json.dumps(event), capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        env={**os.environ, "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"},  # as Lambda sets it for a SnapStart init
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_restored_instances_reseed_and_renew_their_connections(couple: Couple, dynamodb_table: str) -> None:
    couple.meet("Maya", "Sam")
    events: list[dict[str, Any]] = []
    recorder = Couple(
        send=lambda event: events.append(event) or {"version": "1.0", "response": {}}, user_id=couple.user_id
    )
    recorder.launch()

    result = snapshot_and_restore_twice(events[-1])
    assert result["before_snapshot"] == ["skill.snapstart.before_snapshot"]
    assert result["after_restore"] == ["skill.snapstart.after_restore"]
    assert result["sockets_at_init"] >= 1, "the DynamoDB client keeps its connection between requests"
    assert result["sockets_in_snapshot"] == 0, "no connection is frozen into the snapshot"
    first, second = result["copies"]
    assert first["random"] != second["random"], "each restored instance draws its own randomness"
    for copy in (first, second):
        assert copy["sockets_restored"] == 0
        speech = copy["response"]["response"]["outputSpeech"]["ssml"]
        assert "Maya" in speech and "Sam" in speech, "each instance reached DynamoDB on a connection of its own"


def test_without_the_runtimes_hook_module_nothing_is_registered() -> None:
    script = "import sys; sys.modules['snapshot_restore_py'] = None; import skill.snapstart as s; print(s.REGISTERED)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"


def test_an_on_demand_cold_start_registers_no_hooks() -> None:
    script = "import sys; sys.path.insert(0, 'lambda'); import app; print('skill.snapstart' in sys.modules)"
    env = {key: value for key, value in os.environ.items() if key != "AWS_LAMBDA_INITIALIZATION_TYPE"}
    for init_type, loaded in ((None, "False"), ("on-demand", "False"), ("snap-start", "True")):
        run_env = env if init_type is None else {**env, "AWS_LAMBDA_INITIALIZATION_TYPE": init_type}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=run_env,
                                timeout=60, check=True)  # fmt: skip
        assert result.stdout.strip().splitlines()[-1] == loaded, init_type
