"""The benchmark's own machinery (its figures come from `python -m bench`, never from a test): the scripted
evening, the simulated year, the call counting and the verdicts it reports."""

from __future__ import annotations

from types import ModuleType, SimpleNamespace
from typing import Any

from bench import conversation, run, warm


def recording(lambda_app: ModuleType, sent: list[dict[str, Any]]) -> conversation.Send:
    def send(event: dict[str, Any]) -> dict[str, Any]:
        sent.append(event)
        return lambda_app.handler(event, None)  # type: ignore[no-any-return]

    return send


def test_the_scripted_evening_is_twenty_turns_through_the_rituals(lambda_app: ModuleType) -> None:
    sent: list[dict[str, Any]] = []
    said = conversation.evening(conversation.new_couple(recording(lambda_app, sent)))
    names = [warm.request_name(event) for event in sent]
    assert len(said) == len(names) == conversation.TURNS
    assert names[:2] == ["LaunchRequest", "SetNamesIntent"] and names[-1] == "AMAZON.StopIntent"
    assert {"HugIntent", "BreatheIntent", "MorningCoffeeIntent"} <= set(names)
    assert not any("apiAccessToken" in event["context"]["System"] for event in sent), "no Amazon API call is timed"


def test_a_simulated_year_starts_each_ritual_every_week(lambda_app: ModuleType) -> None:
    sent: list[dict[str, Any]] = []
    report = conversation.year(conversation.new_couple(recording(lambda_app, sent)), weeks=2)
    assert report.weeks == 2 and report.requests == len(sent)
    assert [warm.request_name(event) for event in sent].count("HugIntent") == 2


def test_the_store_watch_counts_reads_writes_and_writes_that_changed_nothing() -> None:
    counter = warm.CallCounter()
    stored = {"value": "a"}
    watch = warm.StoreWatch(counter, lambda _key: stored["value"])
    event = conversation.launch_event()
    for change in (True, False):
        watch.before(event)
        counter(SimpleNamespace(name="GetItem"))
        counter(SimpleNamespace(name="PutItem"))
        if change:
            stored["value"] += "b"
        watch.after(event, {})
    summary = watch.summary()
    assert (summary["max_reads_per_request"], summary["max_writes_per_request"]) == (1, 1)
    assert summary["requests_that_changed_nothing"] == 1 and summary["writes_on_requests_that_changed_nothing"] == 1


def test_verdicts_report_a_missed_target_as_missed() -> None:
    results = {
        "warm_embedded": {"project": {"p99_ms": 7.5}},
        "warm_dynamodb": {"calls": {"max_reads_per_request": 1, "max_writes_per_request": 2,
                                    "writes_on_requests_that_changed_nothing": 0}},
    }  # fmt: skip
    verdicts = run.verdicts(results)
    assert verdicts["warm p99 with the embedded store under 5.0 ms"] == {"value": 7.5, "met": False}
    assert verdicts["at most one write per request"]["met"] is False
    assert verdicts["no write on a request that changes nothing"]["met"] is True
