"""The engines Rasa runs on, chosen by a URL each (``bot/config.py``, ``endpoints.yml``).

Rasa imports this package when it loads the tracker store, lock store and event broker that
endpoints.yml names, so it also installs the retry of unsent action server requests
(``action_calls``) in every Rasa server.
"""

from bot.engines.action_calls import install as _install_action_retries

_install_action_retries()
