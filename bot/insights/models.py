"""The optional "about you" answers, kept apart from the introduction, and the indexes the
insights queries need.

A row holds only codes and 0-10 numbers: never the words a person typed. It points at the
introduction it followed so the figures can be broken down (counted, never shown per person);
the Hub's conversation pages do not read this table.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String

from bot.store.db import Base
from bot.store.models import Handoff, Introduction, utcnow


class AboutYou(Base):
    """One set of answers to the equalities and ONS4 wellbeing questions (all optional).

    ``None`` in any column means the question was skipped ("rather not say") or not reached.
    A person who comes back is asked again, so one person may have several rows over time.
    """

    __tablename__ = "about_you"

    id = Column(Integer, primary_key=True)
    introduction_id = Column(Integer, ForeignKey("introductions.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    asked_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    age_band = Column(String(16), nullable=True)
    ethnicity = Column(String(48), nullable=True)  # an ONS 2021 (England and Wales) category code
    gender = Column(String(24), nullable=True)
    disability = Column(String(8), nullable=True)  # yes | no
    first_language = Column(String(16), nullable=True)  # english | other
    life_satisfaction = Column(Integer, nullable=True)  # ONS4, 0 to 10
    worthwhile = Column(Integer, nullable=True)
    happiness = Column(Integer, nullable=True)
    anxiety = Column(Integer, nullable=True)


# The insights group introductions and handoffs by when they were made.
Index("ix_introductions_created_at", Introduction.created_at)
Index("ix_handoffs_created_at", Handoff.created_at)
