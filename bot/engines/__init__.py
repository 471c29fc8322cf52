"""The engines Rasa runs on, chosen by a URL each (``bot/config.py``, ``endpoints.yml``).

Rasa imports this package when it loads the tracker store, lock store and event broker that
endpoints.yml names, so it also installs, in every Rasa server, the retry of unsent action
server requests (``action_calls``) and the honest reply when a step cannot run at all
(``action_failures``).
"""

import sys

from bot.engines.action_calls import install as _install_action_retries
from bot.engines.action_failures import install as _install_honest_failures

_install_action_retries()
# Inside a Rasa server its agent (and so Rasa's actions) is loaded before the stores are; the
# ``bot`` command line imports this package too, and must not pay for loading Rasa's actions
# (about 2.5 s). RetryingSQLTrackerStore installs it as well, whichever is first.
if "rasa.core.actions.action" in sys.modules:
    _install_honest_failures()
