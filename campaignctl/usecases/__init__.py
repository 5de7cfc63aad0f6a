"""The jobs a user (or the scheduler) asks for: publish, retract, reconcile, govern, report.

Each use case loads what it needs (ledger, plan, sandbox routing), calls the engine, and
returns data; nothing here prints or exits, so `campaignctl` commands and the `run` service
share one implementation. Modules:

- ``common``: the ledger of a workspace, the ``--only``/``--channel`` selection, plan entries.
- ``sandbox``: routing sends to a local sandbox (one already listening, or one started here).
- ``publishing``: publish, reconcile, retract.
- ``governance``: pause, resume, approve, approvals, audit, the governance part of status.
- ``announce``: emergency announcements.
- ``status``: what `status` shows (occurrences, scheduler heartbeats, rate-limit holds).
- ``plan``: the timeline with what publish would do with each entry; ``plan_ledger`` reads
  the ledger's part of it (loaded only where a ledger exists: it brings SQLAlchemy).
- ``checks``: what the last `channels check` learned of each account, kept for `plan` and
  `validate`.
"""
