"""The channels people use to reach the assistant: web chat and a hardened Twilio SMS channel.

Rasa loads them by class path from ``credentials.yml``; see ``docs/channels.md``.
"""
