"""The production floor: the hello-world skill with ask-sdk-dynamodb-persistence-adapter doing one get and one save.

What an Alexa developer would write instead of our store: the ASK SDK's own DynamoDB persistence
adapter on a CustomSkillBuilder, built at module level as the SDK's samples do (the adapter module
makes its boto3 resource when it is imported). The LaunchHandler reads the persistent attributes
(one GetItem), counts the visit and saves them (one PutItem). `FLOOR_TABLE` names its table, whose
partition key is the adapter's default, `id`.
"""

from __future__ import annotations

import os
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_dynamodb.adapter import DynamoDbAdapter
from ask_sdk_model import Response


class LaunchHandler(AbstractRequestHandler):
    """Reads the couple's attributes, counts the visit, saves them, and speaks one line."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        attributes = handler_input.attributes_manager.persistent_attributes
        attributes["visits"] = int(attributes.get("visits", 0)) + 1
        handler_input.attributes_manager.save_persistent_attributes()
        return handler_input.response_builder.speak("Hello from the floor.").set_should_end_session(True).response


_builder = CustomSkillBuilder(persistence_adapter=DynamoDbAdapter(table_name=os.environ["FLOOR_TABLE"]))
_builder.add_request_handler(LaunchHandler())
_lambda_handler = _builder.lambda_handler()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _lambda_handler(event, context)  # type: ignore[no-any-return]
