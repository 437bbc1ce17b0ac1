"""Deletions that must outlive the Lambda instance and a DynamoDB outage: an Amazon SQS queue, and its drain.

When the table cannot take a deletion ("forget us", a disabled skill), the request puts the household key
(a one-way hash, never an Alexa id) on the deletion queue (`DELETION_QUEUE_URL`), which keeps it for up to
14 days whatever happens to the instance and whether or not the table is up: a second table would be down
when the first is. `drain`, the handler of its own function (template.yaml's DeletionDrainFunction), gets
the queue's messages from Lambda's SQS trigger and deletes each household; a deletion the table still
refuses is reported as failed, so SQS offers it again after the visibility timeout, and after
maxReceiveCount tries it moves to the dead-letter queue, where the operator sees it (README).
"""

from __future__ import annotations

import json
import os
from typing import Any

from skill.logs import get_logger
from skill.store.base import StoreUnavailable

QUEUE_ENV = "DELETION_QUEUE_URL"
# A request that could not delete waits on this call before it answers: short, as the table's own calls.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 1.0
MAX_ATTEMPTS = 2
MAX_KEY_CHARS = 200


class DeletionQueue:
    """The SQS queue of household keys still to delete."""

    def __init__(self, url: str, client: Any | None = None) -> None:
        self.url = url
        self._client = client

    @classmethod
    def from_environment(cls) -> DeletionQueue | None:
        url = os.environ.get(QUEUE_ENV)
        return cls(url) if url else None

    def send(self, household_key: str) -> bool:
        """Put the key on the queue; True once SQS has stored it, False when it could not be reached."""
        import botocore.exceptions

        try:
            self._sqs().send_message(QueueUrl=self.url, MessageBody=json.dumps({"household_key": household_key}))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            get_logger().error("deletion not queued: queue unavailable", extra={"queue_error": type(error).__name__})
            return False
        get_logger().warning("deletion queued: the table is unavailable; the drain function will delete it")
        return True

    def _sqs(self) -> Any:
        if self._client is None:
            self._client = _make_client()
        return self._client


def _make_client() -> Any:
    """An SQS client with short timeouts; AWS_ENDPOINT_URL_SQS, when set, is applied by botocore itself."""
    import botocore.session
    from botocore.config import Config

    from skill.logs import quiet_request_logging

    quiet_request_logging()
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    config = Config(connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS,
                    retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS})  # fmt: skip
    return botocore.session.get_session().create_client("sqs", region_name=region, config=config)


def drain(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda handler for the queue's SQS trigger: delete each household; report the ones the table refused.

    With ReportBatchItemFailures (template.yaml), only the failed messages go back to the queue. A message that is
    not ours (no proper key) is dropped, not retried: it can never succeed.
    """
    store = _drain_store()
    failed: list[dict[str, str]] = []
    for record in event.get("Records", []):
        key = _household_key(record.get("body"))
        if key is None:
            get_logger().warning("deletion message dropped: not a household key")
            continue
        try:
            store.delete(key)
        except StoreUnavailable as error:
            get_logger().warning(
                "queued deletion still waiting: store unavailable", extra={"store_error": type(error).__name__}
            )
            failed.append({"itemIdentifier": str(record.get("messageId", ""))})
            continue
        get_logger().info("queued deletion done")
    return {"batchItemFailures": failed}


_STORES: dict[str, Any] = {}  # the drain's store per table, made on first use and kept, as the skill's is


def _drain_store() -> Any:
    from skill.store import open_store

    table = os.environ.get("SKILL_TABLE", "")
    if table not in _STORES:
        _STORES[table] = open_store()
    return _STORES[table]


def _household_key(body: Any) -> str | None:
    try:
        key = json.loads(body).get("household_key") if isinstance(body, str) else None
    except (ValueError, AttributeError):
        return None
    return key if isinstance(key, str) and 0 < len(key) <= MAX_KEY_CHARS and key.isprintable() else None
