"""The ledger's identity: a random id made with it, so a lost or swapped ledger is noticed.

A workspace keeps the id of the ledger it publishes with; a different id (the file deleted
and made anew, another database configured) means the record of what is already out is not
this one, and sending what is due could post it a second time.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError

from .core import LedgerBase, guarded, utc_now
from .schema import ledger_identity, occurrences


class IdentityRecords(LedgerBase):
    """The ledger's id, and whether it has recorded any occurrence."""

    @guarded
    def identity(self) -> str:
        """This ledger's id (made again if someone emptied its table)."""
        with self.engine.begin() as conn:
            found = conn.execute(select(ledger_identity.c.ledger_id)).scalar()
            if found is None:
                found = uuid.uuid4().hex
                conn.execute(ledger_identity.insert().values(slot=1, ledger_id=found,
                                                             created_at=utc_now()))
            return found

    def identity_now(self) -> str | None:
        """The id of the ledger found at this ledger's URL right now, read afresh; None when
        it is gone or not a ledger. Pooled SQLite connections keep reading a deleted file,
        so the file is opened anew (read-only: a missing one is not created)."""
        url = self.engine.url
        if self.dialect == "sqlite" and url.database and url.database != ":memory:":
            path = Path(url.database)
            if not path.is_file():
                return None
            try:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
                try:
                    row = conn.execute("SELECT ledger_id FROM ledger_identity").fetchone()
                finally:
                    conn.close()
            except sqlite3.Error:
                return None
            return row[0] if row else None
        try:
            with self.engine.connect() as conn:
                return conn.execute(select(ledger_identity.c.ledger_id)).scalar()
        except SQLAlchemyError:
            return None

    @guarded
    def has_occurrences(self) -> bool:
        """Has anything (sent, skipped or pending) ever been recorded here?"""
        with self.engine.connect() as conn:
            return bool(conn.execute(select(exists().select_from(occurrences))).scalar())
