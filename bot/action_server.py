"""The action server, locked down: ``python -m bot.action_server``.

Rasa SDK's own ``rasa run actions`` trusts any caller, answers every origin (CORS ``*``), reads
``text/plain`` bodies a web page can send cross-site, binds every interface and echoes the
request body in its error answers. This wraps the same app (same actions, same ``/webhook``)
and adds:

- a shared token: Rasa's ``action_endpoint`` sends ``Authorization: Bearer <LWFD_ACTION_TOKEN>``
  (``endpoints.yml``); anything else gets 401, compared in constant time;
- JSON only: a ``/webhook`` POST without ``Content-Type: application/json`` gets 415;
- no CORS headers at all, and errors that say nothing about the request;
- loopback by default (``LWFD_ACTIONS_HOST``), and a refusal to start outside development with
  the built-in token (``bot.config.refuse_built_in_secrets``).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import refuse_built_in_secrets, settings

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055
OPEN_PATHS = frozenset({"/health"})  # the only path a caller without the token may reach


def token_matches(header: str | None, token: str) -> bool:
    """True when ``header`` is ``Bearer <token>`` (constant-time comparison)."""
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def is_json(request: Request) -> bool:
    """True for ``application/json`` (with or without a charset), nothing else."""
    return request.headers.get("Content-Type", "").split(";")[0].strip().lower() == "application/json"


def create_app(actions_package: str = "actions", token: str | None = None) -> Sanic:
    """Rasa SDK's action app with the token, JSON-only and no-CORS rules in front of it."""
    from rasa_sdk.endpoint import create_app as sdk_app

    token = token if token is not None else settings().action_token
    app: Sanic = sdk_app(actions_package, cors_origins=None)

    @app.on_request
    async def guard(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        if not token_matches(request.headers.get("Authorization"), token):
            return response.json({"error": "unauthorised"}, status=401)
        if request.method == "POST" and not is_json(request):
            return response.json({"error": "JSON only"}, status=415)
        return None

    @app.exception(Exception)
    async def quiet_error(request: Request, exception: Exception) -> HTTPResponse:
        # The SDK's handler echoes the whole request body (a person's words) back and into logs.
        status = getattr(exception, "status_code", 500)
        if status >= 500:
            logger.error("Action server error: %s", type(exception).__name__)
        return response.json({"error": "failed" if status >= 500 else "bad request"}, status=status)

    return app


def main(argv: list[str] | None = None) -> None:
    """Parse ``--port``/``--host``, refuse built-in secrets, serve."""
    parser = argparse.ArgumentParser(description="The Living Well action server (token required).")
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LWFD_ACTIONS_PORT", DEFAULT_PORT)))
    parser.add_argument("--host", default=os.environ.get("LWFD_ACTIONS_HOST", DEFAULT_HOST))
    args = parser.parse_args(argv)
    refuse_built_in_secrets("The action server", ("LWFD_ACTION_TOKEN", "LWFD_DATA_KEY"))
    logging.basicConfig(level=logging.INFO)
    app = create_app(args.actions)
    print(f"Action server on http://{args.host}:{args.port}/webhook (token required)", flush=True)
    app.run(host=args.host, port=args.port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
