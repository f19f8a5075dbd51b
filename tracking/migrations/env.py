"""Alembic environment, configured in code by ``tracking.store.Store.upgrade`` (no alembic.ini).

The store passes an open connection in ``config.attributes["connection"]``; migrations run inside its
transaction, so a failed upgrade leaves the database as it was.
"""
from __future__ import annotations

from alembic import context

from tracking.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
