"""The engines Rasa runs on, chosen by a URL each (``bot/config.py``, ``endpoints.yml``)."""
