"""Directory tables, shaped after Open Referral UK (the UK profile of HSDS).

Keeping ORUK's shape (organization, service, location, service_at_location, contact, phone,
regular_schedule, taxonomy, eligibility, language, cost_option) means a borough can load its
existing export and send corrections back in the same terms. ``oruk_id`` keeps the original id,
so a re-import updates a row instead of adding a second one. Our own additions (needs and
strengths tags, modes, 24/7, sample/national flags, provenance) live on ``dir_service`` and
``dir_tag``. Tables are prefixed ``dir_`` so other rooms can never collide with them.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from bot.store.db import Base
from bot.store.models import utcnow

TAG_SOURCES = ("taxonomy", "inferred", "curated")


class Organization(Base):
    """Who runs an offer (ORUK ``organization``)."""

    __tablename__ = "dir_organization"

    id = Column(Integer, primary_key=True)
    oruk_id = Column(String(255), nullable=False, unique=True)
    name = Column(Text, nullable=False)
    description = Column(Text, nullable=True)
    url = Column(Text, nullable=True)
    email = Column(Text, nullable=True)

    services = relationship("Service", back_populates="organization")


class Service(Base):
    """One offer a person can be signposted to (ORUK ``service``) plus our own fields."""

    __tablename__ = "dir_service"

    id = Column(Integer, primary_key=True)
    oruk_id = Column(String(255), nullable=False, unique=True)
    organization_id = Column(Integer, ForeignKey("dir_organization.id"), nullable=True, index=True)
    name = Column(Text, nullable=False)
    description = Column(Text, nullable=True)  # full cleaned plain text
    summary = Column(Text, nullable=True)  # short plain text that fits in an SMS
    description_raw = Column(Text, nullable=True)  # exactly as the source gave it
    url = Column(Text, nullable=True)
    email = Column(Text, nullable=True)
    status = Column(String(32), nullable=False, default="active")
    fees = Column(Text, nullable=True)
    last_verified = Column(Date, nullable=True)
    source = Column(Text, nullable=True)  # file path or URL the record came from
    source_url = Column(Text, nullable=True)  # where a person can check the record
    is_sample = Column(Boolean, nullable=False, default=False)
    is_national = Column(Boolean, nullable=False, default=False)
    mode_phone = Column(Boolean, nullable=False, default=False)
    mode_online = Column(Boolean, nullable=False, default=False)
    mode_in_person = Column(Boolean, nullable=False, default=False)
    open_24_7 = Column(Boolean, nullable=False, default=False)
    content_hash = Column(String(64), nullable=False)  # of the cleaned record: unchanged detection
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    organization = relationship("Organization", back_populates="services")
    locations = relationship("ServiceAtLocation", cascade="all, delete-orphan", back_populates="service")
    contacts = relationship("Contact", cascade="all, delete-orphan", back_populates="service")
    phones = relationship("Phone", cascade="all, delete-orphan", back_populates="service")
    schedules = relationship("RegularSchedule", cascade="all, delete-orphan", back_populates="service")
    taxonomies = relationship("ServiceTaxonomy", cascade="all, delete-orphan", back_populates="service")
    eligibilities = relationship("Eligibility", cascade="all, delete-orphan", back_populates="service")
    languages = relationship("Language", cascade="all, delete-orphan", back_populates="service")
    cost_options = relationship("CostOption", cascade="all, delete-orphan", back_populates="service")
    tags = relationship("Tag", cascade="all, delete-orphan", back_populates="service")


class Location(Base):
    """A place (ORUK ``location`` with its physical address folded in)."""

    __tablename__ = "dir_location"

    id = Column(Integer, primary_key=True)
    oruk_id = Column(String(255), nullable=False, unique=True)
    name = Column(Text, nullable=True)
    address_1 = Column(Text, nullable=True)
    city = Column(Text, nullable=True)
    postcode = Column(String(16), nullable=True)
    postcode_district = Column(String(8), nullable=True, index=True)  # "SW9"
    latitude = Column(Float, nullable=True)
    longitude = Column(Float, nullable=True)


class ServiceAtLocation(Base):
    """Where an offer is delivered (ORUK ``service_at_location``)."""

    __tablename__ = "dir_service_at_location"

    id = Column(Integer, primary_key=True)
    oruk_id = Column(String(255), nullable=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    location_id = Column(Integer, ForeignKey("dir_location.id"), nullable=False, index=True)

    service = relationship("Service", back_populates="locations")
    location = relationship("Location")


class Contact(Base):
    """A named contact for an offer (ORUK ``contact``)."""

    __tablename__ = "dir_contact"

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    name = Column(Text, nullable=True)
    title = Column(Text, nullable=True)
    email = Column(Text, nullable=True)

    service = relationship("Service", back_populates="contacts")


class Phone(Base):
    """A number to call or text (ORUK ``phone``), normalised for display."""

    __tablename__ = "dir_phone"

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    number = Column(String(32), nullable=False)  # "020 7926 1000", "116 123", "85258"
    raw = Column(Text, nullable=True)
    kind = Column(String(16), nullable=False, default="voice")  # voice | text
    description = Column(Text, nullable=True)  # e.g. "text SHOUT"

    service = relationship("Service", back_populates="phones")


class RegularSchedule(Base):
    """Opening times on one weekday (ORUK ``regular_schedule``), Europe/London wall clock."""

    __tablename__ = "dir_regular_schedule"

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    weekday = Column(Integer, nullable=False)  # 0 = Monday
    byday = Column(String(4), nullable=False)  # "MO"
    opens_at = Column(String(5), nullable=False)  # "HH:MM"
    closes_at = Column(String(5), nullable=False)  # "HH:MM"; earlier than opens_at = overnight
    valid_from = Column(Date, nullable=True)
    valid_to = Column(Date, nullable=True)
    description = Column(Text, nullable=True)

    service = relationship("Service", back_populates="schedules")


class Taxonomy(Base):
    """A taxonomy term from the source vocabulary (ORUK ``taxonomy``)."""

    __tablename__ = "dir_taxonomy"

    id = Column(Integer, primary_key=True)
    oruk_id = Column(String(255), nullable=False, unique=True)
    name = Column(Text, nullable=False)
    vocabulary = Column(String(255), nullable=True)


class ServiceTaxonomy(Base):
    """Links an offer to a taxonomy term (ORUK ``service_taxonomy``)."""

    __tablename__ = "dir_service_taxonomy"

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    taxonomy_id = Column(Integer, ForeignKey("dir_taxonomy.id"), nullable=False, index=True)

    service = relationship("Service", back_populates="taxonomies")
    taxonomy = relationship("Taxonomy")


class Eligibility(Base):
    """Who an offer is for (ORUK ``eligibility``)."""

    __tablename__ = "dir_eligibility"

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    eligibility = Column(Text, nullable=True)
    minimum_age = Column(Integer, nullable=True)
    maximum_age = Column(Integer, nullable=True)

    service = relationship("Service", back_populates="eligibilities")


class Language(Base):
    """A language an offer is available in (ORUK ``language``)."""

    __tablename__ = "dir_language"

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    language = Column(String(64), nullable=False)

    service = relationship("Service", back_populates="languages")


class CostOption(Base):
    """What an offer costs (ORUK ``cost_option``); most are free."""

    __tablename__ = "dir_cost_option"

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    amount = Column(Float, nullable=True)
    amount_description = Column(Text, nullable=True)
    option = Column(Text, nullable=True)

    service = relationship("Service", back_populates="cost_options")


class Tag(Base):
    """A needs or strengths code on an offer and where it came from.

    ``source`` is ``taxonomy`` (mapped from ORUK terms), ``inferred`` (found in the name and
    description by the lexicon, for a person to confirm) or ``curated`` (set by a person).
    """

    __tablename__ = "dir_tag"
    __table_args__ = (UniqueConstraint("service_id", "kind", "code", name="uq_dir_tag"),)

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)  # need | strength
    code = Column(String(64), nullable=False, index=True)
    source = Column(String(16), nullable=False)

    service = relationship("Service", back_populates="tags")
