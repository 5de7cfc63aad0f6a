"""Reach and engagement: collecting metrics, summarising them, joining conversions, and the
report's CSV, terminal and HTML forms.

- ``metrics``: collect snapshots through the adapters, summarise them (the vocabulary and the
  rules of the numbers are in its docstring).
- ``conversions``: web-analytics exports (Matomo, Google Analytics) joined on UTM tags.
- ``text``: CSV and terminal tables. ``html``: the self-contained page and the preview cards.

The whole job (ledger, routing to a sandbox, when to collect) is ``usecases.report``.
"""

from .conversions import (
    DEFAULT_COLUMNS,
    ConversionJoin,
    ConversionRow,
    join_conversions,
    load_conversions,
    parse_mapping,
)
from .metrics import (
    CORE,
    ENGAGING,
    MAX_AGE,
    METRIC_MAP,
    RESPONSE_WINDOW,
    CampaignReport,
    ChannelReport,
    Collection,
    CollectionGap,
    PostReport,
    Report,
    ReportGap,
    Snapshot,
    Totals,
    collect,
    needs_collection,
    normalize,
    rate,
    summarize,
)
from .text import CSV_COLUMNS, NUMBERS, csv_rows, fmt_number, fmt_rate, report_csv, report_table

__all__ = [
    "DEFAULT_COLUMNS", "ConversionJoin", "ConversionRow", "join_conversions", "load_conversions",
    "parse_mapping", "CORE", "ENGAGING", "MAX_AGE", "METRIC_MAP", "RESPONSE_WINDOW",
    "CampaignReport", "ChannelReport", "Collection", "CollectionGap", "PostReport", "Report",
    "ReportGap", "Snapshot", "Totals", "collect", "needs_collection", "normalize", "rate",
    "summarize", "CSV_COLUMNS", "NUMBERS", "csv_rows", "fmt_number", "fmt_rate", "report_csv",
    "report_table",
]
