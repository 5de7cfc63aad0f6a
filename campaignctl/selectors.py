"""The names a user types — CAMPAIGN, CAMPAIGN/POST, a channel — checked against what the
workspace knows before a command does any work.

A name the workspace does not know is never an empty result (a mistyped `retract` that says
"nothing was published" is the worst answer in a takedown): it is a UsageError, exit 2, one
line naming what was given, with "did you mean …?" when a known name is close, else the
names there are. Callers say what is known: the campaign files' ids and post ids, plus, for
commands about what was sent (status, report, retract), what the ledger holds, so a campaign
whose file was removed can still be looked at and taken down.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Mapping

from .errors import UsageError
from .i18n import t
from .models import Campaign

Known = Mapping[str, Collection[str]]  # campaign id -> its post ids


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name close enough to ``name`` to be what was meant, if there is one."""
    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    return close[0] if close else None


def _hint(name: str, known: Iterable[str], listing: Callable[[str], str]) -> str:
    names = sorted(set(known))
    suggestion = closest(name, names)
    if suggestion is not None:
        return t("did you mean {suggestion}?", suggestion=suggestion)
    return listing(", ".join(names) or "-")


def known_posts(campaigns: Iterable[Campaign]) -> dict[str, set[str]]:
    """Campaign id -> post ids, of the campaign files loaded."""
    return {c.id: {p.id for p in c.posts} for c in campaigns}


def merged(*sources: Known) -> dict[str, set[str]]:
    """One campaign id -> post ids map of several (the files' and the ledger's)."""
    names: dict[str, set[str]] = {}
    for source in sources:
        for campaign, posts in source.items():
            names.setdefault(campaign, set()).update(posts)
    return names


def resolve_campaign(name: str, known: Known, post: str | None = None) -> str:
    """``name`` if it is a known campaign. ``post`` (of CAMPAIGN/POST) makes the suggestion
    a whole target the user can paste back."""
    if name in known:
        return name
    suggestion = closest(name, known)
    if suggestion is None:
        hint = t("campaigns here: {names}", names=", ".join(sorted(known)) or "-")
    else:
        if post:
            meant = post if post in known[suggestion] else closest(post, known[suggestion])
            suggestion += f"/{meant}" if meant else ""
        hint = t("did you mean {suggestion}?", suggestion=suggestion)
    raise UsageError(t("no campaign {name!r}", name=name), hint)


def resolve_post(campaign: str, post: str, known: Collection[str]) -> str:
    """``post`` if ``campaign`` has it; the suggestion is CAMPAIGN/POST, ready to paste."""
    if post in known:
        return post
    suggestion = closest(post, known)
    hint = (t("did you mean {suggestion}?", suggestion=f"{campaign}/{suggestion}")
            if suggestion is not None else
            t("posts of {campaign}: {names}", campaign=campaign,
              names=", ".join(sorted(known)) or "-"))
    raise UsageError(t("campaign {campaign} has no post {post!r}", campaign=campaign, post=post),
                     hint)


def resolve_any_post(post: str, known: Known) -> str:
    """``post`` if some campaign has a post of that id (`preview --post`)."""
    every = {p for posts in known.values() for p in posts}
    if post in every:
        return post
    raise UsageError(t("no campaign has a post {post!r}", post=post),
                     _hint(post, every, lambda names: t("posts here: {names}", names=names)))


def resolve_target(campaign: str | None, post: str | None, known: Known) -> None:
    """Check CAMPAIGN, CAMPAIGN/POST, or a POST of any campaign, against ``known``."""
    if campaign:
        resolve_campaign(campaign, known, post)
        if post:
            resolve_post(campaign, post, known[campaign])
    elif post:
        resolve_any_post(post, known)


def resolve_channels(names: Iterable[str], known: Iterable[str]) -> list[str]:
    """``names`` once each, in the order given, if each is an account of channels.yaml."""
    chosen = list(dict.fromkeys(names))
    accounts = set(known)
    for name in chosen:
        if name not in accounts:
            raise UsageError(t("no channel {name!r} in channels.yaml", name=name),
                             _hint(name, accounts,
                                   lambda listed: t("channels here: {names}", names=listed)))
    return chosen


def resolve_channel(name: str, known: Iterable[str]) -> str:
    """``name`` if it is an account of channels.yaml."""
    return resolve_channels([name], known)[0]
