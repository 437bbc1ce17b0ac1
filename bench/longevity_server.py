"""Serves one app with the project's own waitress settings (skill/web/server.py) until SIGTERM; prints its port.

Usage: python -m bench.longevity_server project|hello   (the project's store from OUR_RITUALS_DB)
"""

from __future__ import annotations

import sys


def main() -> int:
    from skill.web.server import serve

    if sys.argv[1] == "project":
        from skill.web import create_app

        app = create_app(verify_requests=False)
    else:
        from bench.hello_web import create_app as hello

        app = hello()

    def announce(_host: str, port: int) -> None:
        print(f"PORT {port}", flush=True)

    return serve(app, host="127.0.0.1", port=0, announce=announce, out=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
