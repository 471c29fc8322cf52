-- The tracker store's database (the app database is POSTGRES_DB). Runs once, on a new volume.
CREATE DATABASE lwfd_tracker OWNER lwfd;
