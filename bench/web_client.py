"""The load generator for the web benchmark, run as its own process: POST prepared requests, count answers.

Usage: python web_client.py PLAN_JSON. The plan gives the port, the requests (body and headers),
how many to send at most, for how long at most, and how many connections send at once (each a
keep-alive HTTP/1.1 connection of its own). Prints one JSON line: sent, ok, errors, seconds,
requests per second and per-request latency percentiles.
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import sys
import threading
import time


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        plan = json.load(file)
    requests = [(r["body"].encode("utf-8"), r["headers"]) for r in plan["requests"]]
    counter = itertools.count()
    deadline = time.monotonic() + plan["max_seconds"]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", plan["port"], timeout=30)
        mine: list[float] = []
        codes: dict[int, int] = {}
        while time.monotonic() < deadline:
            index = next(counter)
            if index >= plan["max_requests"]:
                break
            body, headers = requests[index % len(requests)]
            started = time.perf_counter()
            try:
                connection.request("POST", "/alexa", body=body, headers={"Content-Type": "application/json", **headers})
                response = connection.getresponse()
                response.read()
                code = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", plan["port"], timeout=30)
                code = 0
            mine.append((time.perf_counter() - started) * 1000)
            codes[code] = codes.get(code, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=worker) for _ in range(plan["connections"])]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    ordered = sorted(latencies)

    def pct(fraction: float) -> float:
        return round(ordered[max(0, math.ceil(fraction * len(ordered)) - 1)], 2)

    sent = len(latencies)
    ok = statuses.get(200, 0)
    print(
        json.dumps(
            {
                "sent": sent,
                "ok": ok,
                "statuses": {str(k): v for k, v in sorted(statuses.items())},
                "seconds": round(seconds, 2),
                "rps": round(ok / seconds, 1) if seconds else 0.0,
                "p50_ms": pct(0.5) if ordered else None,
                "p99_ms": pct(0.99) if ordered else None,
            }
        )
    )


if __name__ == "__main__":
    main()
