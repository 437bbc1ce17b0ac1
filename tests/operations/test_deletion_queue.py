"""Issue 28: a deletion asked for during a DynamoDB outage survives the instance and the outage (Lambda path).

Everything here is real but Amazon: DynamoDB Local behind a TCP proxy the test can cut, and an SQS server that
speaks SQS's own API (moto in server mode, its own process). The test pumps the queue into the drain function as
Lambda's SQS trigger does: up to ten messages an invocation; those the function reports failed go back to the
queue, the rest are deleted; a message received maxReceiveCount times moves to the dead-letter queue.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.handlers import DeletionDeferred
from skill.content import load_content
from skill.store import open_store
from skill.store.deletion_queue import QUEUE_ENV, drain
from tests.conftest import load_lambda_app
from tests.operations.test_adversarial import skill_disabled
from tests.support.conversation import Couple
from tests.support.dynamodb_local import CREDENTIALS, free_port

FORGET = load_content("en-US").section("forget").lines
MAX_RECEIVES = 3  # template.yaml says 1000 (days of tries); three keep the test short


class CutOffProxy:
    """A TCP proxy to DynamoDB Local; `cut()` drops every connection and refuses new ones until `restore()`."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.is_cut = False
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.is_cut:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()  # a reset: the table's endpoint is gone
                continue
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for each in (source, target):
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.is_cut = True
        with self.lock:
            for each in self.open:
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)
            self.open.clear()

    def restore(self) -> None:
        self.is_cut = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture(scope="module")
def sqs_server() -> Iterator[str]:
    """moto's server mode as its own process, speaking SQS's API on a loopback port."""
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("moto_server did not start")
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)


class Queues:
    """The deletion queue and its dead-letter queue, as template.yaml declares them, on the SQS server."""

    def __init__(self, endpoint: str) -> None:
        import boto3

        self.sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
                                aws_access_key_id="local", aws_secret_access_key="local")  # fmt: skip
        suffix = f"{time.monotonic_ns()}"
        self.dead_letters = self.sqs.create_queue(QueueName=f"deletions-dlq-{suffix}")["QueueUrl"]
        dead_arn = self.sqs.get_queue_attributes(QueueUrl=self.dead_letters, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        redrive = json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": MAX_RECEIVES})
        self.url = self.sqs.create_queue(QueueName=f"deletions-{suffix}", Attributes={"RedrivePolicy": redrive,
                                         "VisibilityTimeout": "300"})["QueueUrl"]  # fmt: skip

    def waiting(self, url: str | None = None) -> int:
        """What the operator reads (ApproximateNumberOfMessages, the queue's CloudWatch metric too)."""
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=url or self.url, AttributeNames=["ApproximateNumberOfMessages"]
        )
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])

    def trigger(self) -> list[str]:
        """One poll of Lambda's SQS trigger: invoke the drain with what is there; returns the failed message ids."""
        received = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, AttributeNames=["All"])
        messages = received.get("Messages", [])
        if not messages:
            return []
        event = {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                              "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                              "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:deletions",
                              "awsRegion": "us-east-1"} for m in messages]}  # fmt: skip
        failed = {f["itemIdentifier"] for f in drain(event, None)["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] in failed:  # the visibility timeout, passed at once
                self.sqs.change_message_visibility(
                    QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return sorted(failed)


@pytest.fixture
def cloud(dynamodb_table: str, dynamodb_local: str, sqs_server: str, monkeypatch: pytest.MonkeyPatch,
          tmp_path: Path) -> Iterator[tuple[CutOffProxy, Queues]]:  # fmt: skip
    proxy = CutOffProxy(dynamodb_local)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", proxy.endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", sqs_server)
    queues = Queues(sqs_server)
    monkeypatch.setenv(QUEUE_ENV, queues.url)
    new_instance(tmp_path, monkeypatch, "first")
    try:
        yield proxy, queues
    finally:
        proxy.close()


def new_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Any:
    """A Lambda instance of its own: a cold start with a /tmp of its own (where the local journal would be)."""
    folder = tmp_path / f"instance-{name}"
    folder.mkdir(exist_ok=True)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return load_lambda_app()


def test_forget_us_and_skill_disabled_during_an_outage_are_done_by_the_drain_on_a_new_instance(
    cloud: tuple[CutOffProxy, Queues], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, queues = cloud
    app = new_instance(tmp_path, monkeypatch, "before")
    ines = Couple(send=lambda event: app.handler(event, None))
    ines.meet("Ines", "Tomas")
    ines.intent("AddToJarIntent", one_shot=True, question="where shall we walk on sunday")
    ines.intent("AMAZON.YesIntent")
    ana = Couple(send=lambda event: app.handler(event, None), user_id="amzn1.ask.account.ANA-AND-LEO")
    ana.meet("Ana", "Leo")
    neighbours = Couple(send=lambda event: app.handler(event, None), user_id="amzn1.ask.account.THE-NEIGHBOURS")
    neighbours.meet("Mia", "Noor")
    ines.intent("ForgetUsIntent", one_shot=True)

    proxy.cut()  # DynamoDB unreachable
    during = new_instance(tmp_path, monkeypatch, "during")
    ines.send = lambda event: during.handler(event, None)
    said = ines.intent("AMAZON.YesIntent")
    assert said.text in FORGET.variants("not_forgotten"), f"told it will be done, because it is queued: {said.text}"
    with pytest.raises(DeletionDeferred):  # Ana and Leo disable the skill: the event fails, and is queued too
        during.handler(skill_disabled(ana), None)
    assert queues.waiting() == 2, "the operator sees two deletions waiting"
    assert queues.trigger() != [], "the drain cannot delete while the table is down: the messages go back"
    assert queues.waiting() == 2

    proxy.restore()  # the table is back; the instances that saw the outage are gone, and so is their /tmp
    after = new_instance(tmp_path, monkeypatch, "after")
    assert open_store().load(ines.key).document["names"] == ["Ines", "Tomas"], "nothing deleted it yet"
    assert queues.trigger() == []
    assert queues.waiting() == 0
    for gone in (ines, ana):
        assert open_store().load(gone.key).version == 0, "the names and the jar are gone"
    assert open_store().load(neighbours.key).document["names"] == ["Mia", "Noor"]
    said = Couple(send=lambda event: after.handler(event, None), user_id=ines.user_id).launch()
    assert "Ines" not in said.text


def test_a_deletion_that_keeps_failing_is_set_aside_where_the_operator_sees_it(
    cloud: tuple[CutOffProxy, Queues], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, queues = cloud
    app = new_instance(tmp_path, monkeypatch, "before")
    couple = Couple(send=lambda event: app.handler(event, None))
    couple.meet("Ines", "Tomas")
    proxy.cut()
    with pytest.raises(DeletionDeferred):
        app.handler(skill_disabled(couple), None)
    for _ in range(MAX_RECEIVES + 1):
        queues.trigger()
    assert queues.waiting() == 0 and queues.waiting(queues.dead_letters) == 1, "in the dead-letter queue, not lost"


def test_with_neither_the_table_nor_the_queue_the_couple_is_not_told_it_will_be_done(
    cloud: tuple[CutOffProxy, Queues], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, _ = cloud
    app = new_instance(tmp_path, monkeypatch, "before")
    couple = Couple(send=lambda event: app.handler(event, None))
    couple.meet("Ines", "Tomas")
    couple.intent("ForgetUsIntent", one_shot=True)
    proxy.cut()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", f"http://127.0.0.1:{free_port()}")  # the queue unreachable too
    said = couple.intent("AMAZON.YesIntent")
    assert said.text in FORGET.variants("not_noted"), said.text
