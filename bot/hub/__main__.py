"""``python -m bot.hub``: run the console on LWFD_HUB_HOST:LWFD_HUB_PORT."""

from __future__ import annotations

import logging

from bot.config import refuse_built_in_secrets, settings


def main() -> None:
    """Bring the app database up to date, then serve the console (one process)."""
    from bot.hub.app import create_app
    from bot.store.db import migrate

    # Our own INFO lines (the feed consumer, the retention purge's counts) reach the console's
    # output; none holds message text, a phone number or a conversation id.
    ours = logging.getLogger("bot")
    if not ours.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)
        ours.propagate = False
    current = settings()
    refuse_built_in_secrets("The Hub console", ("LWFD_HUB_SECRET", "LWFD_RASA_TOKEN", "LWFD_DATA_KEY"), current)
    migrate(current.database_url)
    app = create_app(current)
    print(f"Hub console: http://{current.hub_host}:{current.hub_port}/", flush=True)
    app.run(host=current.hub_host, port=current.hub_port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
