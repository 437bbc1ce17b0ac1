"""The DynamoDB store against a real DynamoDB Local: round trips, conflicts, TTL, concurrency, size, outages."""

from __future__ import annotations

import json
import threading

import pytest

from skill.household import Household
from skill.state import Households
from skill.store.base import RETENTION_SECONDS, StoreUnavailable, VersionConflict
from skill.store.dynamodb import DynamoDBStore
from tests.support.conversation import Couple
from tests.support.dynamodb_local import free_port

NOW = 1_800_000_000


@pytest.fixture
def store(dynamodb_table: str) -> DynamoDBStore:
    return DynamoDBStore(dynamodb_table)


def count_calls(store: DynamoDBStore) -> dict[str, int]:
    calls: dict[str, int] = {}

    def count(event_name: str, **_: object) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        calls[operation] = calls.get(operation, 0) + 1

    store.client.meta.events.register("before-call.dynamodb.*", count)
    return calls


def test_nothing_is_created_until_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    store = DynamoDBStore("rituals")
    assert store._client is None
    config = store.client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (1, 1)
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}
    assert store.client.meta.region_name == "us-east-1"


def test_round_trip_conflicts_and_delete(store: DynamoDBStore) -> None:
    assert store.load("k").version == 0
    document = {"names": ["Maya", "Sam"], "ritual": {"name": "hug", "step": 2, "expires_at": NOW - 60}, "é": "ü"}
    assert store.save("k", document, 0, NOW) == 1
    assert store.load("k").document == document, "stored as given, even an expired ritual (the engine judges expiry)"
    assert store.load("k").version == 1
    with pytest.raises(VersionConflict):
        store.save("k", {}, 0, NOW)
    with pytest.raises(VersionConflict):
        store.save("k", {}, 7, NOW)
    assert store.save("k", {"names": ["Ana", "Leo"]}, 1, NOW) == 2
    store.delete("k")
    assert store.load("k").version == 0


def test_each_operation_is_one_call(store: DynamoDBStore) -> None:
    calls = count_calls(store)
    store.load("k")
    store.save("k", {}, 0, NOW)
    store.delete("k")
    assert calls == {"GetItem": 1, "PutItem": 1, "DeleteItem": 1}


def test_the_ttl_attribute_is_set_and_enabled(store: DynamoDBStore, dynamodb_table: str) -> None:
    store.save("k", {}, 0, NOW)
    item = store.client.get_item(TableName=dynamodb_table, Key={"pk": {"S": "k"}})["Item"]
    assert int(item["expires_at"]["N"]) == NOW + RETENTION_SECONDS
    ttl = store.client.describe_time_to_live(TableName=dynamodb_table)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at" and ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING")


def test_many_writers_on_one_household_lose_nothing(store: DynamoDBStore) -> None:
    def writer(worker: int) -> None:
        for step in range(10):
            while True:
                snapshot = store.load("home")
                document = dict(snapshot.document)
                document.setdefault("ratings", [])
                document["ratings"] = [*document["ratings"], f"{worker}-{step}"]
                try:
                    store.save("home", document, snapshot.version, NOW)
                    break
                except VersionConflict:
                    continue

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = store.load("home")
    assert sorted(final.document["ratings"]) == sorted(f"{w}-{s}" for w in range(8) for s in range(10))
    assert final.version == 80


def test_two_echos_through_the_skills_own_retry_lose_nothing(store: DynamoDBStore) -> None:
    households = Households(store)

    def echo(worker: int) -> None:
        for step in range(10):
            households.apply(
                "home", NOW, lambda h, step=step: h.rituals.setdefault("log", {}).__setitem__(f"{worker}-{step}", 1)
            )

    threads = [threading.Thread(target=echo, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(Household.from_document(store.load("home").document).rituals["log"]) == 20


def test_a_year_of_history_stays_small(store: DynamoDBStore, dynamodb_table: str) -> None:
    household = Household(
        names=["Maya", "Sam"], phrasing={f"ritual{i}.line{j}": j for i in range(12) for j in range(4)}
    )
    household.rituals["check_in"] = {"weeks": {f"2026-W{w:02d}": [7, 8] for w in range(1, 53)}, "count": 52}
    household.rituals["tonights_question"] = {
        "decks": {d: {"seed": 123456789, "round": 3, "cursor": 40} for d in ("light", "deeper", "deepest")}
    }
    store.save("k", household.to_document(), 0, NOW)
    answer = store.client.get_item(
        TableName=dynamodb_table, Key={"pk": {"S": "k"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    item = answer["Item"]
    size = sum(
        len(name) + (len(value["B"]) if "B" in value else len(value.get("S", value.get("N", ""))))
        for name, value in item.items()
    )
    assert size < 1024, f"{size} bytes: one write unit, one read unit"
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert "B" in item["r_check_in"] and "S" in item["r_tonights_question"], "a long history compressed, as bytes"
    again = Household.from_document(store.load("k").document)
    assert again.rituals["check_in"] == household.rituals["check_in"] and again.phrasing["ritual3.line2"] == 2


def test_an_item_of_the_first_layout_loads_and_is_stored_in_the_new_one(
    store: DynamoDBStore, dynamodb_table: str
) -> None:
    first = {"names": ["Maya", "Sam"], "next_first": 1, "phrasing": {"hug.intro": 1},
             "rituals": {"check_in": {"weeks": {"2026-W45": [7, 8]}, "count": 3}}, "in_progress": None}  # fmt: skip
    store.client.put_item(
        TableName=dynamodb_table,
        Item={
            "pk": {"S": "old"},
            "doc": {"S": json.dumps(first)},
            "version": {"N": "7"},
            "expires_at": {"N": str(NOW)},
        },
    )
    snapshot = store.load("old")
    household = Household.from_document(snapshot.document)
    assert household.names == ["Maya", "Sam"] and household.rituals["check_in"]["count"] == 3
    assert household.phrasing["hug.intro"] == 1
    assert household.changed(household.to_document()), "stored again in the new layout by the next write"
    store.save("old", household.to_document(), snapshot.version, NOW)
    item = store.client.get_item(TableName=dynamodb_table, Key={"pk": {"S": "old"}}, ConsistentRead=True)["Item"]
    assert json.loads(item["doc"]["S"])["layout"] == 2 and "rituals" not in json.loads(item["doc"]["S"])
    assert json.loads(item["r_check_in"]["S"]) == first["rituals"]["check_in"]
    reread = Household.from_document(store.load("old").document)
    assert reread.rituals["check_in"]["count"] == 3 and not reread.changed(reread.to_document())


def test_a_stopped_server_is_reported_as_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{free_port()}")
    for variable, value in {
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(variable, value)
    dead = DynamoDBStore("nowhere")
    with pytest.raises(StoreUnavailable):
        dead.load("k")
    with pytest.raises(StoreUnavailable):
        dead.save("k", {}, 0, NOW)
    with pytest.raises(StoreUnavailable) as raised:
        dead.delete("household-key-secret")
    assert "household-key-secret" not in str(raised.value)


def test_the_skill_keeps_its_household_in_dynamodb(dynamodb_table: str, lambda_app, store: DynamoDBStore) -> None:
    couple = Couple(send=lambda event: lambda_app.handler(event, None))
    couple.meet("Maya", "Sam")
    assert store.load(couple.key).document["names"] == ["Maya", "Sam"]
    said = couple.later(days=2).launch()
    assert "Maya and Sam" in said.text


def test_the_skill_still_answers_when_dynamodb_is_down(monkeypatch: pytest.MonkeyPatch, lambda_app) -> None:
    monkeypatch.setenv("SKILL_TABLE", "rituals")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{free_port()}")
    for variable, value in {
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(variable, value)
    couple = Couple(send=lambda event: lambda_app.handler(event, None))
    said = couple.intent("HugIntent", one_shot=True)
    assert said.ends_session and said.timed_seconds() == pytest.approx(20)
    assert "sorry" not in said.text.lower()


def test_a_conflict_hands_back_the_winning_household_so_the_retry_needs_no_read(store: DynamoDBStore) -> None:
    from skill.store.base import VersionConflict

    store.save("home", {"names": ["Maya", "Sam"]}, 0, NOW)
    store.save("home", {"names": ["Maya", "Sam"], "next_first": 1}, 1, NOW)  # the other Echo won
    with pytest.raises(VersionConflict) as refused:
        store.save("home", {"names": ["Ana", "Bo"]}, 1, NOW)
    assert refused.value.current == store.load("home")
    assert refused.value.current is not None and refused.value.current.version == 2
    with pytest.raises(VersionConflict) as refused:
        store.save("home", {"names": ["Ana", "Bo"]}, 0, NOW)  # "nobody stored it yet" was wrong too
    assert refused.value.current == store.load("home")
