"""Living Well front door: the project's own library (channels, safety, directory, hub, store)."""

__version__ = "0.1.0"
