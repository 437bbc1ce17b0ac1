"""The `our-rituals` command: run the web service, talk to the skill in a terminal, regenerate the models."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _serve(args: argparse.Namespace) -> int:
    from werkzeug.serving import run_simple

    from skill.store import default_sqlite_path
    from skill.web import create_app

    app = create_app(verify_requests=not args.no_verify)
    where = "the embedded store at " + str(default_sqlite_path())
    checks = "OFF (local development only)" if args.no_verify else "ON"
    print(f"Our Rituals on http://{args.host}:{args.port}/alexa, state in {where}; request verification {checks}.")
    run_simple(args.host, args.port, app, threaded=True)
    return 0


def _dialog(args: argparse.Namespace) -> int:
    from skill.alexa.skill import build_skill, invoke
    from skill.dialog import Dialog, lines_from

    skill = build_skill()
    sleep = (lambda _seconds: None) if args.fast else None
    options = {"sleep": sleep} if sleep else {}
    dialog = Dialog(lambda event: invoke(skill, event), locale=args.locale, household=args.household, speak=args.speak, **options)
    dialog.intro()
    for utterance in lines_from(sys.stdin, "    you: ", interactive=sys.stdin.isatty()):
        if utterance.strip().lower() in ("quit", "exit"):
            break
        dialog.say(utterance)
    return 0


def _models(args: argparse.Namespace) -> int:
    from skill.models import stale_models, write_models

    if args.check:
        stale = stale_models()
        if stale:
            print(f"interaction models out of date: {', '.join(stale)}; run: our-rituals models", file=sys.stderr)
            return 1
        print("interaction models are up to date")
        return 0
    for path in write_models():
        print(f"wrote {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="our-rituals", description="Our Rituals, an Alexa skill for couples.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the skill as a local web service (embedded SQLite store)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--no-verify", action="store_true", help="skip Alexa signature and timestamp checks (local testing only)")
    serve.set_defaults(run=_serve)

    dialog = commands.add_parser("dialog", help="talk to the skill in this terminal, offline")
    dialog.add_argument("--locale", default="en-US", choices=("en-US", "en-GB", "en-CA", "en-AU", "en-IN"))
    dialog.add_argument("--household", default="local-household", help="which local couple you are (default: local-household)")
    dialog.add_argument("--speak", action="store_true", help="speak aloud through espeak-ng, one voice per partner")
    dialog.add_argument("--fast", action="store_true", help="print pauses without waiting them out")
    dialog.set_defaults(run=_dialog)

    models = commands.add_parser("models", help="regenerate interaction_models/ from the content files")
    models.add_argument("--check", action="store_true", help="only check the committed models are up to date")
    models.set_defaults(run=_models)

    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
