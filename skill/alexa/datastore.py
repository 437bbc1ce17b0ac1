"""The Alexa Data Store REST API: puts an object into a couple's devices' data store, where a widget reads it.

Unlike the timers API, it takes a Login with Amazon token of the skill itself (client credentials, scope
`alexa::datastore`): the operator sets the skill's Alexa client id and secret (`ALEXA_CLIENT_ID`,
`ALEXA_CLIENT_SECRET`, from the developer console's Permissions page). Without them, nothing is pushed and the
widget keeps what it showed. The token is kept in memory until shortly before it expires. Neither the secret,
the token nor the user id is ever logged.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from skill.alexa.api import CallBudget, _opener, _url
from skill.logs import get_logger

COMMANDS_PATH = "/v1/datastore/commands"
TOKEN_URL = "https://api.amazon.com/auth/o2/token"
SCOPE = "alexa::datastore"
_token: dict[str, Any] = {}


def credentials() -> tuple[str, str] | None:
    client_id, secret = os.environ.get("ALEXA_CLIENT_ID"), os.environ.get("ALEXA_CLIENT_SECRET")
    return (client_id, secret) if client_id and secret else None


def _token_url() -> str | None:
    """Amazon's token endpoint; a local stand-in only when `ALEXA_LWA_TOKEN_URL` names this machine (tests)."""
    override = os.environ.get("ALEXA_LWA_TOKEN_URL")
    if not override:
        return TOKEN_URL
    from urllib.parse import urlsplit

    parts = urlsplit(override)
    return _url(f"{parts.scheme}://{parts.netloc}", parts.path or "/")


def _request(url: str, data: bytes, headers: dict[str, str], budget: CallBudget) -> tuple[int, bytes]:
    import http.client
    import urllib.error
    import urllib.request

    timeout = budget.timeout()
    if timeout is None:
        return 0, b""
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with _opener().open(request, timeout=timeout) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
        return status, b""
    except (urllib.error.URLError, http.client.HTTPException, OSError):
        return 0, b""


def access_token(budget: CallBudget) -> str | None:
    """The skill's data store token, from memory or from Login with Amazon."""
    if _token.get("value") and _token.get("until", 0) > time.monotonic():
        return str(_token["value"])
    found = credentials()
    url = _token_url()
    if found is None or url is None:
        return None
    from urllib.parse import urlencode

    body = urlencode(
        {"grant_type": "client_credentials", "client_id": found[0], "client_secret": found[1], "scope": SCOPE}
    )
    status, raw = _request(url, body.encode(), {"Content-Type": "application/x-www-form-urlencoded"}, budget)
    try:
        answer = json.loads(raw) if status == 200 else {}
    except ValueError:
        answer = {}
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str):
        get_logger().warning("data store token refused", extra={"status": status})
        return None
    lifetime = answer.get("expires_in")
    _token.update(value=token, until=time.monotonic() + (int(lifetime) if isinstance(lifetime, int) else 3600) - 60)
    return token


def put_object(
    api_endpoint: str, user_id: str, namespace: str, key: str, content: dict[str, Any], budget: CallBudget
) -> bool:
    """PUT_OBJECT for every device of this user; True when Alexa took the command."""
    url = _url(api_endpoint, COMMANDS_PATH)
    token = access_token(budget) if url else None
    if url is None or token is None:
        return False
    body = {
        "commands": [{"type": "PUT_OBJECT", "namespace": namespace, "key": key, "content": content}],
        "target": {"type": "USER", "id": user_id},
    }
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"}
    status, _ = _request(url, json.dumps(body).encode(), headers, budget)
    if status == 401:
        _token.clear()  # a stale token: the next push asks for a new one
    get_logger().info("data store answered", extra={"status": status})
    return 200 <= status < 300
