"""One request, end to end: read the facts, run the engine on the household, render the reply as SSML."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.request import RequestFacts, read_facts
from skill.content import Content, load_content
from skill.engine.script import Reply
from skill.engine.session_keys import LAST_REPROMPT, LAST_SPEECH, TOLD
from skill.engine.turn import Turn
from skill.household import Household
from skill.screen import HOUSEHOLD as SCREEN_HOUSEHOLD
from skill.screen import REPLY as SCREEN_REPLY
from skill.speech.ssml import compose
from skill.state import Households, household_key, speaker_key

if TYPE_CHECKING:
    from datetime import datetime

    from ask_sdk_model.interfaces.connections import SendRequestDirective

    from skill.alexa.api import CallBudget, RequestAlerts
    from skill.engine.alerts import AlertResult, Alerts, HandBack


Produce = Callable[[Turn], Reply]


def ask_for_permission(scope: str) -> SendRequestDirective:
    """Voice permission consent: Alexa asks the couple to allow `scope` (AskForPermissionsConsentRequest v2)."""
    # Imported here, not at import: only a ritual asking for a permission needs it.
    from ask_sdk_model.interfaces.connections import SendRequestDirective

    return SendRequestDirective(
        name="AskFor",
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": scope, "consentLevel": "ACCOUNT"}],
        },
        token="",
    )


class AlertsOnFirstUse:
    """This request's timers and reminders (the engine's Alerts port): the Alexa API client behind it is imported
    and made when a ritual first sets one. Most requests set none, and a cold start then does without it."""

    def __init__(
        self,
        api_endpoint: str,
        api_access_token: str,
        now: datetime,
        budget: Callable[[], CallBudget],
        skill_id: str | None = None,
    ) -> None:
        self._endpoint, self._token, self._now, self._budget = api_endpoint, api_access_token, now, budget
        self._skill_id = skill_id
        self._alerts: RequestAlerts | None = None

    def __repr__(self) -> str:
        return "AlertsOnFirstUse(...)"  # never the token

    def _made(self) -> RequestAlerts:
        if self._alerts is None:
            from skill.alexa.api import RequestAlerts

            self._alerts = RequestAlerts(self._endpoint, self._token, self._now, self._budget(), self._skill_id)
        return self._alerts

    def start_timer(
        self, seconds: int, label: str, announcement: str, locale: str, hand_back: HandBack | None = None
    ) -> AlertResult:
        return self._made().start_timer(seconds, label, announcement, locale, hand_back)

    def create_weekly_reminder(
        self, first: datetime, text: str, locale: str, time_zone: str | None, replacing: str | None = None
    ) -> AlertResult:
        return self._made().create_weekly_reminder(first, text, locale, time_zone, replacing)

    def create_reminder(
        self, first: datetime, rule: str, text: str, locale: str, time_zone: str | None, replacing: str | None = None
    ) -> AlertResult:
        return self._made().create_reminder(first, rule, text, locale, time_zone, replacing)

    def delete_reminder(self, token: str) -> AlertResult:
        return self._made().delete_reminder(token)

    def cancel_timer(self, timer_id: str) -> AlertResult:
        return self._made().cancel_timer(timer_id)


class Services:
    """What every handler shares; the store is opened on first use, never at import.

    A plain class: a dataclass would cost every cold start about a millisecond to generate its methods.
    """

    def __init__(self, open_households: Callable[[], Households]) -> None:
        self.open_households = open_households

    @cached_property
    def households(self) -> Households:
        return self.open_households()


class Conversation:
    """The glue between one Alexa request and the engine."""

    def __init__(self, handler_input: HandlerInput, services: Services) -> None:
        self.started = time.monotonic()  # Alexa's APIs share one time budget from here (api.CallBudget)
        self.handler_input = handler_input
        self.services = services
        self.facts: RequestFacts = read_facts(handler_input)
        self.section: str | None = None  # the content section this request's reply speaks from
        self.content: Content = load_content(self.facts.locale or "")

    def _turn(self, household: Household, section: str) -> Turn:
        # Seeded by the request id, so a re-applied change after a write conflict picks the same wording. An int seed
        # made from the text's bytes: a str seed would first be hashed with SHA-512 into a longer int.
        rng = random.Random(int.from_bytes(f"{self.facts.request_id}:{self.facts.now.isoformat()}".encode(), "big"))
        return Turn(
            household=household,
            content=self.content,
            section=self.content.section(section),
            now=self.facts.now,
            rng=rng,
            slots=self.facts.slots,
            session=self.facts.session,
            intent=self.facts.intent,
            speaker=speaker_key(self.facts.person_id) if self.facts.person_id else None,
            alerts=self.alerts,
            look_up_time_zone=self.time_zone_lookup,
        )

    @property
    def skill_id(self) -> str | None:
        envelope = self.handler_input.request_envelope
        system = envelope.context.system if envelope.context else None
        return getattr(getattr(system, "application", None), "application_id", None)

    @cached_property
    def alerts(self) -> Alerts | None:
        """Timers and reminders through the Alexa APIs with this request's endpoint and token, if it has them.

        One instance per request, so a change re-applied after a write conflict does not set a second timer.
        """
        envelope = self.handler_input.request_envelope
        system = envelope.context.system if envelope.context else None
        endpoint = getattr(system, "api_endpoint", None)
        token = getattr(system, "api_access_token", None)
        if not endpoint or not token:
            return None
        return AlertsOnFirstUse(endpoint, token, self.facts.now, lambda: self.api_budget, self.skill_id)

    @cached_property
    def api_budget(self) -> CallBudget:
        """What this request may spend waiting on Alexa's APIs, all of its calls together."""
        from skill.alexa.api import CallBudget

        return CallBudget(started=self.started)

    @cached_property
    def time_zone_lookup(self) -> Callable[[], str | None] | None:
        """Asks the Alexa Settings API for this Echo's time zone, at most once per request (it may be re-applied)."""
        envelope = self.handler_input.request_envelope
        system = envelope.context.system if envelope.context else None
        endpoint = getattr(system, "api_endpoint", None)
        token = getattr(system, "api_access_token", None)
        device_id = getattr(getattr(system, "device", None), "device_id", None)
        if not endpoint or not token or not device_id:
            return None
        answers: list[str | None] = []

        def look_up() -> str | None:
            if not answers:
                from skill.alexa.api import device_time_zone

                answers.append(device_time_zone(endpoint, token, device_id, self.api_budget))
            return answers[0]

        return look_up

    def respond(self, produce: Produce, *, section: str = "narrator", remember: bool = True) -> Response:
        """Run `produce` on this couple's household (stored when `remember`) and render what it says."""
        self.section = section
        final: dict[str, Household] = {}

        widget_due: list[dict[str, object] | None] = [None]

        def change(household: Household) -> Reply:
            final["household"] = household
            household.drop_expired_progress(self.facts.now.timestamp())
            reply = produce(self._turn(household, section))
            widget_due[0] = self._widget_due(household)
            return reply

        if remember and self.facts.user_id:
            reply, saved = self.services.households.attempt(
                household_key(self.facts.user_id), int(self.facts.now.timestamp()), change
            )
            if not saved:
                reply = self.unsaved(reply)
            elif widget_due[0] is not None:
                self._push_widget(widget_due[0])
        else:
            reply = change(Household())
        return self.render(reply, final["household"])

    def _ritual_of_reply(self, household: Household) -> str | None:
        """The ritual this reply speaks for: the section it was asked from, else the ritual the intent starts
        (the router answers every intent from the narrator's section), else the one in progress (a follow-up)."""
        if self.section and self.section != "narrator":
            return self.section
        if self.facts.intent:  # a launch never loads the rituals for this
            from skill.engine.ritual import registry

            started = registry().get(self.facts.intent)
            if started is not None:
                return started.name
        progress = household.in_progress
        return str(progress["ritual"]) if isinstance(progress, dict) and progress.get("ritual") else None

    def _widget_due(self, household: Household) -> dict[str, object] | None:
        """What the couple's Echo Show widget should show now, if they have one and it shows something else."""
        if "widget" not in household.rituals:
            return None  # most couples: nothing more is imported or computed
        from skill.alexa.widget import due
        from skill.engine.turn import _zone

        return due(household, self.content, self.facts.now.astimezone(_zone(household.time_zone)).date())

    def _push_widget(self, data: dict[str, object]) -> None:
        """The widget's data store gets what changed, once the household is stored."""
        from skill.alexa.widget import push

        envelope = self.handler_input.request_envelope
        system = envelope.context.system if envelope.context else None
        push(getattr(system, "api_endpoint", None), self.facts.user_id, data, self.api_budget)

    def unsaved(self, reply: Reply) -> Reply:
        """The change could not be stored: the couple hears so first, never led to believe it was kept."""
        from skill.engine.script import narrate

        wordings = self.content.section("saving").lines.variants("unsaved")
        note = random.Random(self.facts.request_id).choice(wordings)
        return reply._replace(speech=(narrate(note), *reply.speech))

    def render(self, reply: Reply, household: Household) -> Response:
        # For a screen, if the device has one (skill.screen.ScreenResponse); a speaker ignores them.
        self.handler_input.attributes_manager.request_attributes.update(
            {SCREEN_REPLY: reply, SCREEN_HOUSEHOLD: household}
        )
        from skill.engine.voices import partner_voices

        voices = partner_voices(household, self.content, reply.session)  # a voice being tried, for this reply
        speech = compose(reply.speech, voices, self.content.sounds)
        from skill.alexa.sound_bed import bed_for

        builder = self.handler_input.response_builder
        ritual = self._ritual_of_reply(household)
        bed = bed_for(reply, household, ritual, self.content, speech)
        if bed is not None:
            builder.add_directive(bed)  # the same speech, over a soft sound bed (APL for audio)
        else:
            builder.speak(speech)
        from skill.alexa.cards import card_for

        if (card := card_for(reply, household, ritual)) is not None:
            builder.set_card(card)
        if reply.offer_routine is not None and self.skill_id and self.facts.locale:
            # Alexa asks the couple itself and resumes the session with the answer (skill/alexa/routines.py).
            from skill.alexa.routines import offer_directive

            builder.add_directive(offer_directive(reply.offer_routine, self.skill_id, self.facts.locale, self.content))
            self._keep_in_session({})
            return builder.response
        if reply.ask_permission is not None:
            # Alexa asks the consent question itself and answers with a Connections.Response request;
            # the ritual kept its place in the household, so nothing here depends on session attributes.
            builder.add_directive(ask_for_permission(reply.ask_permission))
            builder.set_should_end_session(True)
            self._keep_in_session({})
        elif reply.end_session:
            builder.set_should_end_session(True)
            self._keep_in_session({})
        else:
            reprompt = compose(reply.reprompt, voices, self.content.sounds, reprompt=True)
            builder.ask(reprompt)
            # What this session has been told ("told_..." keys) stays known for the rest of it, whatever replies next.
            told = {k: v for k, v in self.facts.session.items() if k.startswith(TOLD)}
            self._keep_in_session({**told, **reply.session, LAST_SPEECH: speech, LAST_REPROMPT: reprompt})
        return builder.response

    def _keep_in_session(self, attributes: dict[str, object]) -> None:
        """Session attributes for the next turn; a request outside a session (Alexa's answer to a permission
        question may come without one) has none to keep, and the SDK refuses to set them."""
        if self.handler_input.request_envelope.session is not None:
            self.handler_input.attributes_manager.session_attributes = attributes

    def repeat(self, fallback: Produce, current: Callable[[Turn], Reply | None] | None = None) -> Response:
        """Inside a ritual, its `current` prompt again; else the last thing said, exactly; else `fallback`.
        One read of the household at most, as for any request."""
        speech, reprompt = self.facts.session.get(LAST_SPEECH), self.facts.session.get(LAST_REPROMPT)
        said_before = isinstance(speech, str) and isinstance(reprompt, str)
        if not self.facts.user_id:
            return self.respond(fallback) if not said_before else self._say_again(str(speech), str(reprompt))

        def change(household: Household) -> tuple[Reply, Household] | None:
            household.drop_expired_progress(self.facts.now.timestamp())
            turn = self._turn(household, "narrator")
            reply = current(turn) if current is not None else None
            if reply is None and not said_before:
                reply = fallback(turn)  # on their household: a ritual kept for later is offered again
            return None if reply is None else (reply, household)

        found, saved = self.services.households.attempt(
            household_key(self.facts.user_id), int(self.facts.now.timestamp()), change
        )
        if found is not None:
            reply, household = found
            return self.render(reply if saved else self.unsaved(reply), household)
        return self._say_again(str(speech), str(reprompt))

    def _say_again(self, speech: str, reprompt: str) -> Response:
        self._keep_in_session(dict(self.facts.session))
        return self.handler_input.response_builder.speak(speech).ask(reprompt).response
