"""Community offers directory: Open Referral UK import, tagging, checks and matching.

Signposting is only useful if the offer fits the person, is open or reachable now and is near
or online; this room keeps the offers and ranks them. Conversation code calls
:mod:`bot.directory.offers`.
"""
