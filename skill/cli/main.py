"""The `our-rituals` command: run the web service, talk to the skill in a terminal, regenerate the models."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from skill.web.server import DEFAULT_THREADS  # waitress itself is imported only when serving


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _serve(args: argparse.Namespace) -> int:
    import os

    from skill.store import default_sqlite_path
    from skill.web import create_app

    app = create_app(verify_requests=not args.no_verify)
    table = os.environ.get("SKILL_TABLE")  # the store the app opens follows the same setting (skill.store.open_store)
    where = f"the DynamoDB table {table}" if table else "the embedded store at " + str(default_sqlite_path())
    checks = "OFF (local development only)" if args.no_verify else "ON"
    if args.dev:
        from werkzeug.serving import run_simple

        print(f"Our Rituals on Werkzeug's development server (--dev: not for a home server), state in {where}; "
              f"request verification {checks}.", flush=True)  # fmt: skip
        run_simple(args.host, args.port, app, threaded=True)
        return 0

    from skill.web.server import serve

    def announce(host: str, port: int) -> None:
        print(f"Our Rituals on http://{host}:{port}/alexa (waitress, {args.threads} threads), state in {where}; "
              f"request verification {checks}.", flush=True)  # fmt: skip

    return serve(app, host=args.host, port=args.port, threads=args.threads, announce=announce)


def _embedded_store_path() -> Path | None:
    import os

    from skill.store import default_sqlite_path

    if os.environ.get("SKILL_TABLE"):
        print("SKILL_TABLE is set, so households live in DynamoDB: back them up with its point-in-time recovery "
              "(template.yaml turns it on); backup and restore are for the embedded SQLite file.", file=sys.stderr)  # fmt: skip
        return None
    return Path(default_sqlite_path())


def _backup(args: argparse.Namespace) -> int:
    from skill.store.backup import BackupError, backup

    live = _embedded_store_path()
    if live is None:
        return 2
    try:
        done = backup(live, args.path, keep=args.keep)
    except BackupError as error:
        print(f"No backup made: {error}.", file=sys.stderr)
        return 1
    print(done.summary, file=sys.stderr if args.path == "-" else sys.stdout)
    return 0


def _restore(args: argparse.Namespace) -> int:
    from skill.store.backup import BackupError, restore

    live = _embedded_store_path()
    if live is None:
        return 2
    try:
        done = restore(live, args.path)
    except BackupError as error:
        print(f"Nothing restored: {error}.", file=sys.stderr)
        return 1
    print(done.summary)
    return 0


def _dialog(args: argparse.Namespace) -> int:
    import logging
    import time

    from skill.alexa.skill import build_skill, expected_skill_id, invoke
    from skill.cli.dialog import LOCAL_SKILL_ID, Dialog, lines_from
    from skill.logs import get_logger

    # A person is reading the conversation here: only warnings and errors, not a JSON line per request.
    get_logger().setLevel(logging.INFO if args.verbose else logging.WARNING)
    skill = build_skill()
    sleep = (lambda _seconds: None) if args.fast else time.sleep
    # With SKILL_ID set (as in the container) the handlers refuse any other skill's requests: speak as that skill.
    dialog = Dialog(lambda event: invoke(skill, event), locale=args.locale, household=args.household, speak=args.speak,
                    sleep=sleep, skill_id=expected_skill_id() or LOCAL_SKILL_ID)  # fmt: skip
    dialog.intro()
    for utterance in lines_from(sys.stdin, "    you: ", interactive=sys.stdin.isatty()):
        if utterance.strip().lower() in ("quit", "exit"):
            break
        dialog.say(utterance)
    return 0


def _models(args: argparse.Namespace) -> int:
    from skill.deploy.models import stale_models, write_models
    from skill.deploy.project import ProjectNotFound, project_root

    try:
        project_root()  # the committed models live in the checkout, not in an installed package
    except ProjectNotFound as error:
        print(f"our-rituals models: {error}", file=sys.stderr)
        return 1
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


def _bundle(args: argparse.Namespace) -> int:
    from skill.deploy.bundle import BundleError, build

    try:
        report = build(args.out, python=args.python, bytecode=not args.no_compile)
    except BundleError as error:
        print(f"bundle not built: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _ask_package(args: argparse.Namespace) -> int:
    from skill.deploy.project import ProjectNotFound, project_root

    try:
        project_root()  # the manifest and committed models live in the checkout, not in an installed package
    except ProjectNotFound as error:
        print(f"our-rituals ask-package: {error}", file=sys.stderr)
        return 1
    from skill.deploy.ask_package import DEFAULT_PROFILE, Operator, PackageError, assemble, remembered

    before = remembered(args.out)  # an earlier run into the same folder: its choices are the defaults
    endpoint = args.endpoint or before.get("endpoint")
    contact = args.contact or before.get("contact")
    name = args.operator_name or before.get("name")
    missing = [option for option, value in (("--endpoint", endpoint), ("--contact", contact), ("--operator-name", name))
               if not value]  # fmt: skip
    if args.repository:
        links = Operator.from_repository(contact or "", args.repository)
        privacy, terms = args.privacy_url or links.privacy_url, args.terms_url or links.terms_url
    else:
        privacy, terms = args.privacy_url or before.get("privacy_url"), args.terms_url or before.get("terms_url")
    if not (privacy and terms):
        missing.append("--repository (or --privacy-url and --terms-url)")
    if missing:
        print(f"ASK project not assembled: give {', '.join(missing)}", file=sys.stderr)
        return 1
    try:
        assembled = assemble(
            str(endpoint),
            args.out,
            operator=Operator(str(contact), str(privacy), str(terms), str(name)),
            skill_id=args.skill_id,
            profile=args.profile or before.get("profile") or DEFAULT_PROFILE,
        )
    except PackageError as error:
        print(f"ASK project not assembled: {error}", file=sys.stderr)
        return 1
    print(assembled.summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="our-rituals", description="Our Rituals, an Alexa skill for couples.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the skill as a local web service (embedded SQLite store)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1; 0.0.0.0 for all)"
    )
    serve.add_argument(
        "--port", type=int, default=5000, help="the port to listen on (default 5000; 0 picks a free one)"
    )
    serve.add_argument(
        "--threads",
        type=_positive,
        default=DEFAULT_THREADS,
        help=f"requests served at once (default {DEFAULT_THREADS})",
    )
    serve.add_argument(
        "--dev",
        action="store_true",
        help="use Werkzeug's development server instead of waitress (local development only)",
    )
    serve.add_argument(
        "--no-verify", action="store_true", help="skip Alexa signature and timestamp checks (local testing only)"
    )
    serve.set_defaults(run=_serve)

    backup = commands.add_parser("backup", help="copy the household file (embedded SQLite) safely, even while serving")
    backup.add_argument(
        "path", help="the backup file to write, a folder for a dated file in it, or - for standard output"
    )
    backup.add_argument("--keep", type=int, metavar="N", help="with a folder: after a good backup, keep the N newest dated "
                        "backups there and delete older ones (a failed backup deletes nothing)")  # fmt: skip
    backup.set_defaults(run=_backup)

    restore = commands.add_parser("restore", help="replace the household file's contents with a checked backup")
    restore.add_argument("path", help="the backup file to restore, or - for standard input")
    restore.set_defaults(run=_restore)

    dialog = commands.add_parser("dialog", help="talk to the skill in this terminal, offline")
    dialog.add_argument("--locale", default="en-US", choices=("en-US", "en-GB", "en-CA", "en-AU", "en-IN"))
    dialog.add_argument(
        "--household", default="local-household", help="which local couple you are (default: local-household)"
    )
    dialog.add_argument("--speak", action="store_true", help="speak aloud through espeak-ng, one voice per partner")
    dialog.add_argument("--fast", action="store_true", help="print pauses without waiting them out")
    dialog.add_argument("--verbose", action="store_true", help="also print the skill's JSON log line for each request")
    dialog.set_defaults(run=_dialog)

    models = commands.add_parser("models", help="regenerate interaction_models/ from the content files")
    models.add_argument("--check", action="store_true", help="only check the committed models are up to date")
    models.set_defaults(run=_models)

    bundle = commands.add_parser("bundle", help="build the Lambda bundle (.build/lambda/) that template.yaml deploys")
    bundle.add_argument(
        "--out", type=Path, default=None, help="where to build it (default: .build/lambda/ in the project)"
    )
    bundle.add_argument(
        "--python", help="a Python 3.12 interpreter to byte-compile with (found automatically if installed)"
    )
    bundle.add_argument(
        "--no-compile", action="store_true", help="skip byte-compiling (cold starts then compile in memory)"
    )
    bundle.set_defaults(run=_bundle)

    package = commands.add_parser(
        "ask-package",
        help="assemble the ASK CLI project (skill.json, models) for `ask deploy`",
        description="Assemble the ASK CLI project for `ask deploy`. Every choice is remembered in OUT/our-rituals.json: "
        "run it again with only --out after an update.",
    )
    package.add_argument("--endpoint", help="the Lambda function ARN (the FunctionArn output of sam deploy)")
    package.add_argument("--out", type=Path, required=True, help="the folder to write the ASK CLI project into")
    package.add_argument(
        "--skill-id", help="the skill to update (amzn1.ask.skill...); without it, ask deploy creates one"
    )
    package.add_argument("--profile", help="the ASK CLI profile `ask deploy -p` will use (default: default)")
    package.add_argument("--contact", help="how couples reach you, the operator: an email address or an https:// page")
    package.add_argument(
        "--operator-name", help="who runs this copy (you, or your organisation), as PRIVACY.md names them"
    )
    package.add_argument("--repository", help="your public copy of this repository (https://github.com/you/our-rituals): "
                         "the privacy and terms links point at its PRIVACY.md and TERMS.md")  # fmt: skip
    package.add_argument("--privacy-url", help="your privacy policy, if not your repository's PRIVACY.md")
    package.add_argument("--terms-url", help="your terms of use, if not your repository's TERMS.md")
    package.set_defaults(run=_ask_package)

    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
