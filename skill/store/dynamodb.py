"""The production store: one DynamoDB item per household, written conditionally on a version number.

The item: `pk`, `version`, `expires_at`, `doc` (the household's hot fields and wording memory, JSON), and one
attribute per ritual, `r_<ritual>`: its state's JSON as a string, or as compressed bytes once it is large
(skill/household.py decides), so nothing is escaped or base64-encoded and the item stays as small as it can:
DynamoDB bills a write by the whole item's size, a read by it too. A household stored in the first layout
(everything in `doc`) still loads; its next write stores the new one.
"""

from __future__ import annotations

import json
import os
import threading
import weakref
from typing import Any

from skill.store.base import RETENTION_SECONDS, Snapshot, StoreUnavailable, VersionConflict

# Short timeouts and few retries: Alexa waits 8 seconds for the whole answer, and a ritual must go on
# (unsaved) rather than make the couple wait on a struggling database.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 1.0
MAX_ATTEMPTS = 2

# The item layout; template.yaml's RitualsTable declares the same key and TTL attribute.
KEY_ATTRIBUTE = "pk"
TTL_ATTRIBUTE = "expires_at"
RITUAL_PREFIX = "r_"
_COMPRESSED = "z:"  # how skill/household.py marks a compressed state in a JSON document (base64 after it)


class DynamoDBStore:
    """A HouseholdStore on a DynamoDB table keyed by `pk`, with `expires_at` as its TTL attribute.

    The boto3 client is made on first use, so importing this module or building the skill costs
    nothing on a Lambda cold start until a request needs the household.
    """

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self.table_name = table_name
        self._client = client
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        """The botocore DynamoDB client, created on first use."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = _make_client()
        return self._client

    def load(self, household_key: str) -> Snapshot:
        """One consistent GetItem; an empty snapshot when the household has no item."""
        try:
            item = self.client.get_item(
                TableName=self.table_name, Key={KEY_ATTRIBUTE: {"S": household_key}}, ConsistentRead=True
            ).get("Item")
        except _boto_errors() as error:
            raise _unavailable("read", error) from error
        return _snapshot(item) or Snapshot({})

    def save(self, household_key: str, document: dict[str, Any], expected_version: int, now: int) -> int:
        """One conditional PutItem: it only lands if nobody wrote since `expected_version` was read."""
        new_version = expected_version + 1
        rituals = document.get("rituals")
        separate = document.get("layout") == 2 and isinstance(rituals, dict)
        hot = {k: v for k, v in document.items() if k != "rituals"} if separate else document
        item = {
            KEY_ATTRIBUTE: {"S": household_key},
            "doc": {"S": json.dumps(hot, separators=(",", ":"), sort_keys=True)},
            "version": {"N": str(new_version)},
            TTL_ATTRIBUTE: {"N": str(now + RETENTION_SECONDS)},
        }
        if separate:
            assert isinstance(rituals, dict)
            item.update({RITUAL_PREFIX + name: _ritual_value(state) for name, state in rituals.items()})
        condition: dict[str, Any] = (
            {"ConditionExpression": f"attribute_not_exists({KEY_ATTRIBUTE})"}
            if expected_version == 0
            else {
                "ConditionExpression": "version = :expected",
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        )
        try:
            # On a conflict DynamoDB sends back the item that won, so the retry needs no second read.
            self.client.put_item(
                TableName=self.table_name, Item=item, ReturnValuesOnConditionCheckFailure="ALL_OLD", **condition
            )
        except _boto_errors() as error:
            if _error_code(error) == "ConditionalCheckFailedException":
                raise VersionConflict(household_key, _snapshot(getattr(error, "response", {}).get("Item"))) from None
            raise _unavailable("write", error) from error
        return new_version

    def delete(self, household_key: str) -> None:
        """One DeleteItem: everything stored for the household is gone."""
        try:
            self.client.delete_item(TableName=self.table_name, Key={KEY_ATTRIBUTE: {"S": household_key}})
        except _boto_errors() as error:
            raise _unavailable("delete", error) from error


def _snapshot(item: dict[str, Any] | None) -> Snapshot | None:
    """A stored item as a Snapshot; None when there is no (readable) item."""
    if not item or "doc" not in item or "version" not in item:
        return None
    document = json.loads(item["doc"]["S"])
    if isinstance(document, dict) and document.get("layout") == 2:
        document["rituals"] = {
            name[len(RITUAL_PREFIX) :]: value["B"] if "B" in value else value.get("S", "")
            for name, value in item.items()
            if name.startswith(RITUAL_PREFIX)
        }
    return Snapshot(document=document, version=int(item["version"]["N"]))


def _ritual_value(state: Any) -> dict[str, Any]:
    """A ritual's stored state as an attribute: compressed bytes as binary, JSON text as a string."""
    if isinstance(state, bytes):
        return {"B": state}
    text = state if isinstance(state, str) else json.dumps(state, separators=(",", ":"), sort_keys=True)
    if text.startswith(_COMPRESSED):
        import base64
        import binascii

        try:
            return {"B": base64.b64decode(text[len(_COMPRESSED) :], validate=True)}
        except binascii.Error:
            pass  # not ours: kept as it came, and read as a damaged state
    return {"S": text}


def _make_client() -> Any:
    """A DynamoDB client with short timeouts; region from the environment, endpoint override left to botocore.

    Made by botocore itself: boto3's session would add an import of boto3, s3transfer and the resource
    layer to every cold start, for a client that is the same either way.
    """
    import botocore.session
    from botocore.config import Config

    from skill.logs import quiet_request_logging

    quiet_request_logging()  # botocore's DEBUG lines would print each item: names, keys

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )
    # AWS_ENDPOINT_URL_DYNAMODB, when set, is applied by botocore itself.
    client = botocore.session.get_session().create_client("dynamodb", region_name=region, config=config)
    _CLIENTS.add(client)
    return client


# Every client made here, so their pooled connections can be renewed (skill/snapstart.py, after a SnapStart restore).
_CLIENTS: weakref.WeakSet[Any] = weakref.WeakSet()


def close_connections() -> None:
    """Close the pooled connections of every client made here; each opens fresh ones on its next call."""
    for client in list(_CLIENTS):
        client.close()


def _boto_errors() -> tuple[type[Exception], ...]:
    """botocore's failures (network, timeouts, throttling, service errors); evaluated only when one is raised."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def _error_code(error: Exception) -> str | None:
    """The service's error code (e.g. ConditionalCheckFailedException), None for client-side failures."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code")
    return None


def _unavailable(action: str, error: Exception) -> StoreUnavailable:
    """A short StoreUnavailable naming only the action and the error's kind (no keys, no document)."""
    code = _error_code(error) or type(error).__name__
    return StoreUnavailable(f"DynamoDB {action} failed: {code}")
