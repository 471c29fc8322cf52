"""A stand-in for Twilio's REST API on loopback, plus a signer for incoming webhooks.

Tests and local demos point the real ``twilio`` client at :class:`FakeTwilio` (set
``LWFD_TWILIO_API_BASE`` or the ``api_base`` credential to :attr:`FakeTwilio.base_url`), so the
code that talks to Twilio in production is the code under test. The fake checks basic auth and
the account SID, refuses what Twilio refuses (no To, no Body, bodies over 1,600 characters,
numbers marked unsubscribed) with Twilio's error codes, answers ``201`` with a ``SM...`` sid,
and records every message in :attr:`FakeTwilio.sent` (also ``GET /_sent``).

:func:`signed_webhook` signs an incoming webhook exactly as Twilio does, with the twilio
library's own ``RequestValidator.compute_signature``.

Run by hand: ``python -m bot.channels.fake_twilio --port 8765``.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import secrets
import threading
from collections.abc import Iterable, Mapping
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

from bot.channels.sms_text import segments

_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")


def signed_webhook(params: Mapping[str, str], url: str, auth_token: str) -> dict[str, str]:
    """Headers for POSTing ``params`` (form-encoded) to ``url`` as Twilio would sign them."""
    signature = RequestValidator(auth_token).compute_signature(url, dict(params))
    return {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"}


def webhook_params(from_: str, body: str, *, to: str = "+447700900000", message_sid: str | None = None,
                   account_sid: str = "ACdev00000000000000000000000000000", num_media: int = 0,
                   ) -> dict[str, str]:
    """The form fields Twilio posts for an incoming SMS (a fresh MessageSid unless given)."""
    sid = message_sid or "SM" + secrets.token_hex(16)
    return {
        "ToCountry": "GB", "ToState": "", "SmsMessageSid": sid, "NumMedia": str(num_media),
        "ToCity": "", "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received",
        "FromCity": "", "Body": body, "FromCountry": "GB", "To": to, "ToZip": "",
        "NumSegments": str(max(1, segments(body))), "MessageSid": sid, "AccountSid": account_sid,
        "From": from_, "ApiVersion": "2010-04-01",
    }


class FakeTwilio:
    """Twilio's ``Messages.json`` endpoint on 127.0.0.1 in a background thread."""

    def __init__(self, account_sid: str = "ACdev00000000000000000000000000000",
                 auth_token: str = "dev-twilio-auth-token", host: str = "127.0.0.1", port: int = 0,
                 verbose: bool = False) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.verbose = verbose
        self.sent: list[dict[str, Any]] = []
        self.unsubscribed: set[str] = set()  # numbers answered with error 21610, as after STOP to Twilio
        self.failures: list[int] = []  # HTTP statuses to answer the next requests with (then normal)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTwilio:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-twilio", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- what tests read ---------------------------------------------------------------------
    def messages_to(self, number: str) -> list[dict[str, Any]]:
        """Messages sent to ``number``, oldest first."""
        with self._lock:
            return [m for m in self.sent if m["to"] == number]

    def bodies_to(self, number: str) -> list[str]:
        return [m["body"] for m in self.messages_to(number)]

    def clear(self) -> None:
        with self._lock:
            self.sent.clear()

    # -- the API -------------------------------------------------------------------------------
    def _authorised(self, header: str | None) -> bool:
        if not header or not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return secrets.compare_digest(user, self.account_sid) and secrets.compare_digest(password,
                                                                                        self.auth_token)

    def create_message(self, account_sid: str, form: Mapping[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """What Twilio answers to ``POST .../Messages.json`` (status, JSON body)."""
        def first(key: str) -> str | None:
            values = form.get(key)
            return values[0] if values else None

        to, from_, body = first("To"), first("From"), first("Body")
        media = form.get("MediaUrl") or []
        if self.failures:
            with self._lock:
                status = self.failures.pop(0)
            return status, _error(status, 20500, "An internal server error has occurred")
        if not to:
            return 400, _error(400, 21604, "A 'To' phone number is required.")
        if not from_ and not first("MessagingServiceSid"):
            return 400, _error(400, 21603, "A 'From' phone number is required.")
        if not body and not media:
            return 400, _error(400, 21602, "Message body is required.")
        if body and len(body) > 1600:
            return 400, _error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        if to in self.unsubscribed:
            return 400, _error(400, 21610, "Attempt to send to unsubscribed recipient")
        sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=True)
        message = {
            "account_sid": account_sid, "api_version": "2010-04-01", "body": body or "",
            "date_created": now, "date_sent": None, "date_updated": now, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": from_, "messaging_service_sid": None,
            "num_media": str(len(media)), "num_segments": str(segments(body or "")), "price": None,
            "price_unit": "GBP", "sid": sid, "status": "queued", "to": to,
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media.json"},
        }
        with self._lock:
            self.sent.append(message)
        if self.verbose:
            print(f"[fake twilio] to {to} ({message['num_segments']} segment(s)):\n{body}\n", flush=True)
        return 201, message

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:  # quiet: bodies are personal data
                pass

            def _reply(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if self.path == "/_sent":
                    with fake._lock:
                        self._reply(200, list(fake.sent))
                else:
                    self._reply(404, _error(404, 20404, "The requested resource was not found"))

            def do_DELETE(self) -> None:  # noqa: N802
                if self.path == "/_sent":
                    fake.clear()
                    self._reply(204, None)
                else:
                    self._reply(404, _error(404, 20404, "The requested resource was not found"))

            def do_POST(self) -> None:  # noqa: N802
                match = _MESSAGES_PATH.match(self.path.split("?")[0])
                if not match:
                    self._reply(404, _error(404, 20404, "The requested resource was not found"))
                    return
                authorised = fake._authorised(self.headers.get("Authorization"))
                if not authorised or match["sid"] != fake.account_sid:
                    self._reply(401, _error(401, 20003, "Authenticate"))
                    return
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
                status, payload = fake.create_message(match["sid"], form)
                self._reply(status, payload)

        return Handler


def _error(status: int, code: int, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def main(argv: Iterable[str] | None = None) -> None:
    """Run the fake until Ctrl+C, printing each message it is asked to send."""
    from bot.config import settings

    s = settings()
    parser = argparse.ArgumentParser(description="A fake Twilio REST API on loopback for local demos.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--account-sid", default=s.twilio_account_sid)
    parser.add_argument("--auth-token", default=s.twilio_auth_token)
    args = parser.parse_args(list(argv) if argv is not None else None)
    fake = FakeTwilio(args.account_sid, args.auth_token, port=args.port, verbose=True).start()
    print(f"Fake Twilio listening on {fake.base_url}\n"
          f"Point the SMS channel at it: export LWFD_TWILIO_API_BASE={fake.base_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
