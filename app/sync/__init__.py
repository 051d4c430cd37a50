"""Directory pull (Nexudus -> store) and the outbox (store -> Nexudus)."""

from app.sync.directory import SyncReport, pull_directory
from app.sync.outbox import FlushReport, OutboxSender

__all__ = ["FlushReport", "OutboxSender", "SyncReport", "pull_directory"]
