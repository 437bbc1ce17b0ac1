"""Echo Show screens, attached at the edge: nothing here runs, or loads, unless the device has a screen.

Two ask-sdk interceptors, registered in skill/alexa/skill.py:
- `ScreenResponse` adds an APL RenderDocument directive to a reply, only when the request's
  `supportedInterfaces` holds `Alexa.Presentation.APL`; a speaker gets exactly the response it always had.
- `TouchAsSpoken` turns a touch on a screen (an `Alexa.Presentation.APL.UserEvent`) into the intent
  request the couple could have spoken, so it is handled by the very same handlers.
The documents, their text and the code that fills them (skill/screen/render.py and its neighbours) are
imported only inside these interceptors, when a screen asks: a speaker's cold start never pays for them.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

# Request attributes the conversation leaves for the screen: the engine's reply and the household after it.
REPLY = "screen.reply"
HOUSEHOLD = "screen.household"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
# Without this interface in the manifest, Alexa never tells the skill that a device has a screen.
MANIFEST_INTERFACES = ("ALEXA_PRESENTATION_APL",)


def has_screen(handler_input: HandlerInput) -> bool:
    """True when the device says it renders APL (context.System.device.supportedInterfaces)."""
    context = handler_input.request_envelope.context
    device = context.system.device if context and context.system else None
    interfaces = device.supported_interfaces if device else None
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


class ScreenResponse(AbstractResponseInterceptor):
    """Adds what to show to a reply, for a device with a screen; leaves every other response untouched."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if response is None or not has_screen(handler_input):
            return
        try:
            from skill.screen.render import add_screen  # only a screen pays for documents and their code

            add_screen(handler_input, response)
        except Exception:
            # A picture that cannot be drawn must never cost the couple what they were about to hear.
            from skill.logs import get_logger

            get_logger().error("screen left out: it could not be made", exc_info=True)


class TouchAsSpoken(AbstractRequestInterceptor):
    """A touched tile becomes the intent request the couple could have said, before any handler is chosen."""

    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        if getattr(request, "object_type", None) != USER_EVENT:
            return
        from skill.screen.touch import as_spoken

        spoken = as_spoken(request)
        if spoken is not None:
            handler_input.request_envelope.request = spoken
