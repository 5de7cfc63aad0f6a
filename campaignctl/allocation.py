"""Fewer garbage-collector passes while a command builds many small objects that all live on.

CPython starts a young-generation collection every 700 net allocations, and every tenth
of those an older one. Loading and planning 5,000 posts builds about a million objects
(YAML nodes, marks, contexts, rendered posts) that stay alive until the command ends, so
those passes free nothing while the older ones re-scan everything built so far: measured
with ``gc.callbacks``, a third of validate's time on 5,000 posts went to them. mypy raises
the threshold for its builds the same way.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young-generation threshold while bulk-building: big enough that a plan of thousands of
# posts triggers few collections, small enough that real garbage cycles (Jinja's render
# contexts) are still freed on the way.
BULK_THRESHOLD = 100_000


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Raise the collector's young threshold for the block, then restore what was set."""
    old = gc.get_threshold()
    if old[0] >= BULK_THRESHOLD:  # an enclosing block (or the caller) raised it already
        yield
        return
    gc.set_threshold(BULK_THRESHOLD, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
