"""The app database: models, sessions and migrations (SQLite by default, PostgreSQL in production)."""
