"""The Hub console: where a Hub worker picks up a person's conversation from the assistant.

The Rasa tracker store stays the one record of what was said; this package only reads it
(through Rasa's HTTP API and the SQL event broker's ``events`` table) and writes what the
service does about it: staff, claims, notes, outcomes and the audit log.
"""
