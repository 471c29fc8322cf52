"""Helpers the tests share: a real Rasa stack on loopback ports."""
