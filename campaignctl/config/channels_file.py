"""Reading channels.yaml into a Workspace; every problem comes back in one ConfigError."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from ..errors import ConfigError, Problem
from ..i18n import t
from ..models import Account, Mark, Workspace
from .blackouts import _blackout_order, _blackouts
from .marks import _document, _Tree
from .problems import _problems_from
from .specs import _CHANNELS_KEYS, _ChannelsFile

CHANNELS_FILE = "channels.yaml"


def load_workspace(root: Path | None = None) -> Workspace:
    """Read ``<root>/channels.yaml`` (root: the current folder) into a Workspace.

    Raises ConfigError listing every problem (``.problems``). Credentials stay references.
    """
    root = Path(root or Path.cwd()).absolute()
    path = root / CHANNELS_FILE
    if not path.is_file():
        raise ConfigError(t("no {file} in {folder}", file=CHANNELS_FILE, folder=str(root)),
                          t("run `campaignctl init` or cd into your workspace"))
    node, problem = _document(
        path, CHANNELS_FILE, t("{file} is empty", file=CHANNELS_FILE),
        t("{file} must be a mapping with defaults: and channels:", file=CHANNELS_FILE),
        t("run `campaignctl init` to get an example"))
    if problem is not None:
        _raise_config([problem])

    tree = _Tree(CHANNELS_FILE)
    marks: dict[str, Mark] = {}
    data = tree.values(node, marks)
    problems = list(tree.problems)
    if data is None:  # the walk gave up; its problem says why
        _raise_config(problems)
    spec: _ChannelsFile | None = None
    try:
        spec = _ChannelsFile.model_validate(data)
    except ValidationError as exc:
        problems += _problems_from(exc, CHANNELS_FILE, marks, tree.mark(node), _CHANNELS_KEYS)
    if spec is not None:
        problems += _blackout_order(spec.defaults.blackouts, "defaults.blackouts", marks,
                                    CHANNELS_FILE)
    if problems or spec is None:  # spec is None only with problems; the test is for mypy
        _raise_config(problems)

    tz = spec.defaults.timezone
    return Workspace(
        root=root,
        timezone=tz,
        blackouts=_blackouts(spec.defaults.blackouts, tz, "defaults.blackouts", marks),
        accounts={
            name: Account(name=name, platform=acc.platform, credentials=dict(acc.credentials),
                          sandbox=acc.sandbox, base_url=acc.base_url, options=dict(acc.options),
                          approval_required=acc.approval_required,
                          rate_limit=acc.rate_limit, mark=marks.get(f"channels.{name}"))
            for name, acc in spec.channels.items()
        },
        ledger_url=spec.ledger,
        catch_up_seconds=spec.defaults.catch_up,
        approval_required=spec.approvals.required,
        channels_file=path,
    )


def _raise_config(problems: list[Problem]) -> NoReturn:
    problems = sorted(problems, key=lambda p: p.line or 0)
    if len(problems) == 1:
        p = problems[0]
        err = ConfigError(p.message, p.hint, file=p.file, line=p.line)
    else:
        listing = "\n".join("  " + p.one_line() for p in problems)
        err = ConfigError(t("{count} problems in {file}:\n{listing}", count=len(problems),
                            file=CHANNELS_FILE, listing=listing),
                          t("fix each line above"), file=CHANNELS_FILE)
    err.problems = problems  # type: ignore[attr-defined]
    raise err
