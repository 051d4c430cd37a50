"""Alembic environment, driven programmatically by app.store.engine (no alembic.ini).

The caller passes an open connection in `config.attributes["connection"]`.
"""

from alembic import context
from sqlmodel import SQLModel

import app.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
