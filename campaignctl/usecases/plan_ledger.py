"""What the workspace's ledger tells `plan`: rows, retractions, pauses, approvals, holds.

Kept apart from usecases/plan.py because it imports the ledger, and so SQLAlchemy: the
`plan` command loads this module only when a ledger exists. It reads and never writes (no
audit row for an emergency post's bypass, which only a real publish records).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .. import governance
from ..ledger import Ledger
from ..models import PlanEntry, Workspace
from ..publish import PublishSettings
from .plan import LedgerView


def read_ledger(url: str, workspace: Workspace, entries: Sequence[PlanEntry],
                now: datetime) -> LedgerView:
    """Read once, for every entry, what decides its publish: its row, the retraction markers,
    the gate's pauses and approvals (later entries judged by what holds now), the holds."""
    oldest = governance.catch_up_start(workspace, now)
    # The gate looks at due entries only; with the last entry's time as "now" it judges the
    # later ones too, by the pauses in force and the approvals given so far.
    horizon = max([now, *(e.at for e in entries)])
    with Ledger.open(url) as ledger:
        gated = governance.gate(ledger, workspace, entries, horizon, oldest=oldest,
                                audit=False)
        markers = ledger.retraction_markers()
        rows = ledger.rows([e.key for e in entries])
        holds = ledger.channel_holds(now)
    return LedgerView(
        rows=rows,
        governed={e.key: g.reason or "" for e, g in zip(entries, gated) if g is not e},
        retracted={e.key for e in entries
                   if Ledger.is_retracted(markers, e.campaign, e.post, e.channel)},
        holds=holds, deadline=PublishSettings().deadline)
