"""The user's files: transcripts written as a session goes, the SQLite history index and the
audience cache. Only the services layer imports this package."""
