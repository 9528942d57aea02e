"""Reusable widgets of the play and debrief screens."""
