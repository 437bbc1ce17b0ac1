"""template.yaml: cfn-lint clean, and the table it declares is the one the store writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from skill.store.dynamodb import KEY_ATTRIBUTE, TTL_ATTRIBUTE
from tests.support.dynamodb_local import template

ROOT = Path(__file__).resolve().parents[2]


def test_cfn_lint_is_clean() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(ROOT / "template.yaml")],
        capture_output=True,
        text=True,
        timeout=300,
    )
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
    assert statement["Resource"] == {
        "Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}"
    }
    assert function["Events"]["AlexaSkill"]["Properties"]["SkillId"] == {"Ref": "SkillId"}
    assert function["Handler"] == "app.handler" and function["Architectures"] == ["arm64"]
    assert function["Timeout"] < 8, "Alexa gives up after 8 seconds"
    assert function["Environment"]["Variables"]["SKILL_TABLE"] == {"Ref": "TableName"}


def test_the_table_has_a_fixed_name_so_a_redeploy_after_sam_delete_finds_it() -> None:
    declared = template()
    parameter = declared["Parameters"]["TableName"]
    assert parameter["Default"] == "our-rituals-households"
    table = declared["Resources"]["RitualsTable"]
    assert table["Properties"]["TableName"] == {"Ref": "TableName"}
    assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
    # After `sam delete` the kept table is there: TableExists=yes uses it rather than failing to create it again.
    assert table["Condition"] == "CreateTable"
    assert declared["Conditions"]["CreateTable"] == {"Equals": [{"Ref": "TableExists"}, "no"]}
    assert declared["Parameters"]["TableExists"]["Default"] == "no"
    assert declared["Outputs"]["TableName"]["Value"] == {"Ref": "TableName"}


def test_snapstart_is_an_option_off_by_default_on_the_alias_alexa_calls() -> None:
    declared = template()
    assert declared["Parameters"]["SnapStart"]["Default"] == "off"
    assert declared["Conditions"]["SnapStartOn"] == {"Equals": [{"Ref": "SnapStart"}, "on"]}
    function = declared["Resources"]["RitualsFunction"]["Properties"]
    assert function["SnapStart"] == {"ApplyOn": {"If": ["SnapStartOn", "PublishedVersions", "None"]}}
    # SnapStart runs only on published versions: every deploy publishes one behind the alias, and SAM connects the
    # AlexaSkill trigger to the alias; the skill's endpoint is the alias too.
    assert function["AutoPublishAlias"] == "live"
    assert declared["Outputs"]["FunctionArn"]["Value"] == {"Ref": "RitualsFunction.Alias"}


def test_deletions_the_table_cannot_take_wait_in_a_queue_drained_by_a_least_privilege_function() -> None:
    import importlib

    from skill.store.deletion_queue import QUEUE_ENV

    resources = template()["Resources"]
    table = resources["RitualsTable"]["Properties"]
    assert table["DeletionProtectionEnabled"] is True
    queue = resources["DeletionQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"GetAtt": "DeletionDeadLetterQueue.Arn"}
    assert queue["MessageRetentionPeriod"] == 1209600 and queue["SqsManagedSseEnabled"] is True
    skill = resources["RitualsFunction"]["Properties"]
    assert skill["Environment"]["Variables"][QUEUE_ENV] == {"Ref": "DeletionQueue"}
    sending = skill["Policies"][0]["Statement"][1]
    assert sending["Action"] == ["sqs:SendMessage"] and sending["Resource"] == {"GetAtt": "DeletionQueue.Arn"}
    drain = resources["DeletionDrainFunction"]["Properties"]
    module, function = drain["Handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), function)), "the handler is in the bundle's skill package"
    assert drain["Environment"]["Variables"] == {"SKILL_TABLE": {"Ref": "TableName"}}
    deleting, reading = drain["Policies"][0]["Statement"]
    assert deleting["Action"] == ["dynamodb:DeleteItem"], "the drain may delete households, nothing else"
    assert deleting["Resource"] == skill["Policies"][0]["Statement"][0]["Resource"]
    assert sorted(reading["Action"]) == ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                         "sqs:ReceiveMessage"]  # fmt: skip
    assert reading["Resource"] == {"GetAtt": "DeletionQueue.Arn"}
    trigger = drain["Events"]["Deletions"]["Properties"]
    assert trigger["Queue"] == {"GetAtt": "DeletionQueue.Arn"} and trigger["FunctionResponseTypes"] == [
        "ReportBatchItemFailures"
    ]
    assert queue["VisibilityTimeout"] >= 6 * drain["Timeout"], "AWS's advice for a Lambda trigger"
