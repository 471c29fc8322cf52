"""Co-production: checks a volunteer understands, and redaction before anything is kept for review."""
