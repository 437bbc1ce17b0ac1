"""One cold start, run in a fresh interpreter: import a Lambda entry, answer one request, report.

Usage: python cold_child.py [--lambda-runtime] EVENT_JSON PATH [PATH...] -- the paths go first on
sys.path and one of them holds `app.py`. With --lambda-runtime, the modules the AWS Lambda Python
runtime (awslambdaric's bootstrap) has already imported before it imports a handler come first, as on Lambda. Prints one JSON line: the system-wide monotonic clock when the answer was
ready (the parent started its clock before spawning us), the CPU time spent until then, import and
first-answer times, and peak RSS (VmHWM). Only the standard library is imported before the app, so it is the same for every app.
"""

import sys
import time

started, started_cpu = time.perf_counter(), time.process_time()
arguments = sys.argv[1:]
if arguments[0] == "--lambda-runtime":
    arguments = arguments[1:]
    import concurrent.futures  # noqa: F401
    import decimal  # noqa: F401
    import importlib  # noqa: F401
    import json  # noqa: F401
    import logging  # noqa: F401
    import traceback  # noqa: F401

    # the runtime's own start-up is not the handler's import
    started, started_cpu = (
        time.perf_counter(),
        time.process_time(),
    )
event_path, *paths = arguments
sys.path[:0] = paths

import app  # noqa: E402  (the Lambda entry under test)

imported = time.perf_counter()
with open(event_path, encoding="utf-8") as file:
    text = file.read()
import json  # noqa: E402  (after the app: most apps import it anyway)

response = app.handler(json.loads(text), None)
answered, answered_cpu = time.perf_counter(), time.process_time()
ready = time.monotonic()
cpu_ms = time.process_time() * 1000  # user + system CPU since the process began, interpreter start-up included
with open("/proc/self/status", encoding="ascii") as status:
    hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
speech = ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")
sys.stdout.write(
    json.dumps(
        {
            "ready": ready,
            "cpu_ms": cpu_ms,
            "import_ms": (imported - started) * 1000,
            "answer_ms": (answered - imported) * 1000,
            "window_cpu_ms": (answered_cpu - started_cpu) * 1000,
            "hwm_kb": hwm_kb,
            "spoke": bool(speech),
        }
    )
    + "\n"
)
sys.stdout.flush()
# Lambda never tears a warm container down between requests: skip interpreter teardown.
import os  # noqa: E402

os._exit(0)
