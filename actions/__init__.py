"""Rasa custom actions: thin translations between Rasa and the ``bot`` library."""
