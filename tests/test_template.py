"""template.yaml: cfn-lint clean, and the table it declares is the one the store writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from skill.store.dynamodb import KEY_ATTRIBUTE, TTL_ATTRIBUTE
from tests.dynamodb_local import template

ROOT = Path(__file__).resolve().parent.parent


def test_cfn_lint_is_clean() -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), str(ROOT / "template.yaml")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_table_matches_what_the_store_writes() -> None:
    table = template()["Resources"]["RitualsTable"]["Properties"]
    assert table["KeySchema"] == [{"AttributeName": KEY_ATTRIBUTE, "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": KEY_ATTRIBUTE, "AttributeType": "S"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST" and table["SSESpecification"]["SSEEnabled"] is True


def test_the_function_is_least_privilege_and_only_alexa_may_call_it() -> None:
    function = template()["Resources"]["RitualsFunction"]["Properties"]
    statement = function["Policies"][0]["Statement"][0]
    assert sorted(statement["Action"]) == ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
    assert statement["Resource"] == {"GetAtt": "RitualsTable.Arn"}
    assert function["Events"]["AlexaSkill"]["Properties"]["SkillId"] == {"Ref": "SkillId"}
    assert function["Handler"] == "app.handler" and function["Architectures"] == ["arm64"]
    assert function["Timeout"] < 8, "Alexa gives up after 8 seconds"
    assert function["Environment"]["Variables"]["SKILL_TABLE"] == {"Ref": "RitualsTable"}
