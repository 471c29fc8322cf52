"""Insights: the service's own figures (introductions, waits, outcomes, equalities, wellbeing).

Figures are counted by grouped SQL in the app database (``figures``); small numbers are
suppressed before anything is shown or exported (``suppression``); ``synthetic`` makes
invented introductions for demos, tests and benchmarks.
"""
