"""Conflict-event timeline generator: load -> validate -> link -> render -> write."""

__version__ = "0.1.0"
