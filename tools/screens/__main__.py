"""Screenshots of every APL document, per viewport, into docs/screens/: `python -m tools.screens`.

The documents and their data come from a real evening with the skill (through the Lambda handler, an
Echo with a screen, an embedded SQLite file in a temporary folder). Each is drawn by tools/screens/apl-lite.js
in headless Chromium (Debian: `apt-get install chromium`) at a chosen moment of its timeline, on a
landscape hub, a round hub and a TV. apl-lite stands in for Amazon's web viewhost, which cannot be
installed offline (its npm package downloads the renderer from Amazon's CDN at install time).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screens"
LITE = Path(__file__).with_name("apl-lite.js")

# Sizes in dp (APL's unit): an Echo Show 8/10-class landscape hub, an Echo Spot-class round hub, a Fire TV.
VIEWPORTS = {
    "landscape": {"width": 1280, "height": 800, "shape": "rectangle", "mode": "hub"},
    "round": {"width": 480, "height": 480, "shape": "round", "mode": "hub"},
    "tv": {"width": 960, "height": 540, "shape": "rectangle", "mode": "tv"},
}
# The Echo Show widget is drawn in a medium widget's slot (WIDGET_M), not full screen.
WIDGET_VIEWPORTS = {"medium": {"width": 400, "height": 400, "shape": "rectangle", "mode": "hub"}}
WIDGET_PACKAGE = ROOT / "skill-package" / "dataStorePackages" / "OurRitualsWidget"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]  # fmt: skip
NOW = datetime(2026, 11, 22, 19, 30, tzinfo=timezone.utc)


class Evening:
    """One couple on an Echo Show, talking to the skill's Lambda handler."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.ids = itertools.count(1)
        self.attributes: dict[str, Any] = {}
        self.open = False

    def send(self, request: dict[str, Any], *, one_shot: bool = False) -> dict[str, Any]:
        new = one_shot or not self.open
        if new:
            self.attributes = {}
        system = {
            "application": {"applicationId": "amzn1.ask.skill.screens"},
            "user": {"userId": "amzn1.ask.account.SCREENS"},
            "device": {"deviceId": "amzn1.ask.device.SHOW",
                       "supportedInterfaces": {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.2"}}}},
        }  # fmt: skip
        event = {
            "version": "1.0",
            "session": {"new": new, "sessionId": "amzn1.echo-api.session.screens", "attributes": self.attributes,
                        "application": system["application"], "user": system["user"]},
            "context": {"System": system},
            "request": {"requestId": f"amzn1.echo-api.request.screens-{next(self.ids)}",
                        "timestamp": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "locale": "en-US", **request},
        }  # fmt: skip
        envelope: dict[str, Any] = self.handler(event, None)
        response = envelope["response"]
        self.attributes = envelope.get("sessionAttributes") or {}
        self.open = response.get("shouldEndSession") is False
        return envelope

    def intent(self, name: str, *, one_shot: bool = False, **slots: str) -> dict[str, Any]:
        slot_objects = {k: {"name": k, "value": v} for k, v in slots.items()}
        return self.send({"type": "IntentRequest", "intent": {"name": name, "slots": slot_objects}}, one_shot=one_shot)


def _screen(envelope: dict[str, Any]) -> dict[str, Any]:
    directive = next(
        d for d in envelope["response"]["directives"] if d["type"] == "Alexa.Presentation.APL.RenderDocument"
    )
    return {"document": directive["document"], "datasources": directive["datasources"]}


def collect() -> dict[str, tuple[dict[str, Any], int]]:
    """Each document with its data from a real evening, and the moment (elapsedTime, ms) to picture it at."""
    folder = tempfile.mkdtemp(prefix="our-rituals-screens-")
    os.environ["OUR_RITUALS_DB"] = str(Path(folder) / "screens.db")
    os.environ.pop("SKILL_TABLE", None)
    os.environ.pop("SKILL_ID", None)
    sys.path.insert(0, str(ROOT / "lambda"))
    sys.path.insert(0, str(ROOT))
    import app  # the Lambda entry point

    from skill.engine.trend import week_key
    from skill.state import household_key
    from skill.store.sqlite import SQLiteStore

    evening = Evening(app.handler)
    evening.send({"type": "LaunchRequest"})
    evening.intent("SetNamesIntent", first="Maya", second="Sam")
    shots: dict[str, tuple[dict[str, Any], int]] = {}
    shots["menu"] = (_screen(evening.send({"type": "LaunchRequest"}, one_shot=True)), 0)
    hug = _screen(evening.intent("HugIntent", one_shot=True))
    shots["hug"] = (hug, hug["datasources"]["hug"]["holdStartMs"] + 7300)
    breathe = _screen(evening.intent("BreatheIntent", one_shot=True))
    phase = breathe["datasources"]["breathe"]["phases"][2]  # the second in-breath, two thirds in
    shots["breathe"] = (breathe, phase["startMs"] + (phase["endMs"] - phase["startMs"]) * 2 // 3)
    shots["question"] = (_screen(evening.intent("TonightsQuestionIntent", one_shot=True, depth="deeper")), 0)
    evening.intent("AMAZON.StopIntent")
    shots["turns"] = (_screen(evening.intent("RoseThornBudIntent", one_shot=True)), 0)
    # Eight weeks of check-ins before tonight's, drifting apart and back together.
    store = SQLiteStore(Path(os.environ["OUR_RITUALS_DB"]))
    key = household_key("amzn1.ask.account.SCREENS")
    snapshot = store.load(key)
    document = dict(snapshot.document)
    ratings = [(6, 7), (7, 7), (5, 6), (6, 5), (7, 6), (7, 8), (8, 8)]
    weeks = {week_key((NOW - timedelta(weeks=7 - i)).date()): list(r) for i, r in enumerate(ratings)}
    document["rituals"] = {
        **document.get("rituals", {}),
        "check_in": {"weeks": weeks, "count": 7, "last": "2026-11-15"},
    }
    store.save(key, document, snapshot.version, int(NOW.timestamp()))
    evening.intent("CheckInIntent", one_shot=True)  # hands-free: both turns, then the first number is asked
    evening.intent("RatingIntent", rating="8")
    shots["history"] = (_screen(evening.intent("RatingIntent", rating="9")), 0)
    shots.update(_widget_shots(store, key, evening))
    shutil.rmtree(folder, ignore_errors=True)
    return shots


def _widget_shots(store: Any, key: str, evening: Evening) -> dict[str, tuple[dict[str, Any], int]]:
    """The widget as the couple's data store holds it after this evening (a question, their jar, the check-in day),
    and as it shows before the skill has pushed anything (its package's own data)."""
    from skill.content import load_content
    from skill.engine.widget import view
    from skill.household import Household

    evening.intent("AddToJarIntent", one_shot=True, question="what made you proud of us this year")
    evening.intent("AMAZON.YesIntent")
    evening.intent("TonightsQuestionIntent", one_shot=True, depth="light")
    household = Household.from_document(store.load(key).document)
    definition = json.loads((WIDGET_PACKAGE / "presentations" / "default.tpl").read_text(encoding="utf-8"))
    package = {
        "document": json.loads((WIDGET_PACKAGE / definition["documentUrl"]).read_text(encoding="utf-8")),
        "datasources": json.loads((WIDGET_PACKAGE / definition["datasourceUrl"]).read_text(encoding="utf-8")),
    }
    pushed = view(household, load_content("en-US"), NOW.date())
    return {
        "widget": (
            {"document": package["document"], "datasources": package["datasources"], "globals": {"ourRituals": pushed}},
            0,
        ),
        "widget-new": (
            {"document": package["document"], "datasources": package["datasources"], "globals": {"ourRituals": {}}},
            0,
        ),
    }


PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; padding: 0; overflow: hidden; font-family: "DejaVu Sans", "Liberation Sans", sans-serif; color: #FAFAFA; }}
#screen {{ position: relative; overflow: hidden; }}
#screen > div {{ width: 100%; height: 100%; }}
</style></head><body><div id="screen"></div><script>{lite}</script><script>
renderApl({document}, {datasources}, {viewport}, {elapsed}, {globals});
</script></body></html>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise SystemExit("headless Chromium is needed: apt-get install -y chromium (Debian)")
    return found


def shoot(shots: dict[str, tuple[dict[str, Any], int]], out: Path) -> list[Path]:
    browser = chromium()
    out.mkdir(parents=True, exist_ok=True)
    lite = LITE.read_text(encoding="utf-8")
    written = []
    with tempfile.TemporaryDirectory(prefix="our-rituals-chromium-") as work:
        for name, (shot, elapsed) in shots.items():
            for label, viewport in (WIDGET_VIEWPORTS if name.startswith("widget") else VIEWPORTS).items():
                page = Path(work) / f"{name}-{label}.html"
                page.write_text(
                    PAGE.format(lite=lite, document=json.dumps(shot["document"]), datasources=json.dumps(shot["datasources"]),
                                viewport=json.dumps(viewport), elapsed=elapsed, globals=json.dumps(shot.get("globals", {}))),
                    encoding="utf-8",
                )  # fmt: skip
                png = out / f"{name}-{label}.png"
                profile = Path(work) / f"profile-{name}-{label}"  # a fresh profile for every shot
                subprocess.run(
                    [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
                     f"--window-size={viewport['width']},{viewport['height']}", page.as_uri()],
                    check=True, capture_output=True, timeout=120,
                )  # fmt: skip
                written.append(png)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screens", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go (default docs/screens/)")
    args = parser.parse_args(argv)
    for png in shoot(collect(), args.out):
        print(f"{png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}  {png.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
