"""Commands registered on the campaignctl app (see cli.py); this module is being written."""

from __future__ import annotations
