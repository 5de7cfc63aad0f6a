"""Resolve credential references (``${ENV}``, a .env file, the OS keyring) into masked secrets,
and keep refreshed tokens in a file only the user can read.

channels.yaml holds references, never values:
    ${X_ACCESS_TOKEN}                 environment, then the workspace's .env
    keyring:campaignctl/x-ministry    the OS keyring (service/username)
"""

from __future__ import annotations

import json
import os
import re
import stat
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CredentialError

if TYPE_CHECKING:
    from ..models import Account

_ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


class Secret:
    """A secret value that never prints itself. Call ``reveal()`` at the moment of use."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def is_reference(value: str) -> bool:
    """True for the forms channels.yaml may hold: ${ENV} or keyring:service/user."""
    return bool(_ENV_REF.match(value)) or value.startswith("keyring:")


class SecretSource:
    """Looks references up: the process environment, then ``.env``, then the keyring."""

    def __init__(self, environ: Mapping[str, str] | None = None, dotenv: Path | None = None,
                 token_store: "TokenStore | None" = None) -> None:
        self._environ = dict(os.environ if environ is None else environ)
        self._dotenv_path = dotenv
        self._dotenv: dict[str, str] | None = None
        self.tokens = token_store

    def _dotenv_values(self) -> dict[str, str]:
        if self._dotenv is None:
            self._dotenv = {}
            if self._dotenv_path and self._dotenv_path.is_file():
                from dotenv import dotenv_values  # lazy: costs ~30 ms, needed only with a .env

                self._dotenv = {k: v for k, v in dotenv_values(self._dotenv_path).items() if v}
        return self._dotenv

    def resolve(self, reference: str, *, account: str = "", field: str = "") -> Secret:
        """The secret behind ``reference``; CredentialError naming what to set if absent."""
        what = f"{account}.{field}" if account else field
        m = _ENV_REF.match(reference or "")
        if m:
            name = m.group(1)
            value = self._environ.get(name) or self._dotenv_values().get(name)
            if not value:
                raise CredentialError(
                    f"credential {what} is not set",
                    f"set {name} in the environment or in .env, or run "
                    f"`campaignctl channels login {account}`",
                )
            return Secret(value)
        if reference.startswith("keyring:"):
            service, _, user = reference[len("keyring:"):].partition("/")
            try:
                import keyring  # lazy: its backend discovery costs ~150 ms

                value = keyring.get_password(service, user)
            except Exception as exc:  # no keyring backend on this machine
                raise CredentialError(
                    f"credential {what}: the OS keyring is not available ({type(exc).__name__})",
                    "use a ${ENV_VAR} reference instead",
                ) from None
            if not value:
                raise CredentialError(
                    f"credential {what} is not in the keyring",
                    f"store it with `keyring set {service} {user}`",
                )
            return Secret(value)
        raise CredentialError(
            f"credential {what} must be a reference like ${{ENV_VAR}} or keyring:service/user",
            "never put a secret value itself in channels.yaml",
        )

    def get(self, account: "Account", field: str, default: str | None = None) -> Secret | None:
        """Resolve one credential field of an account; a refreshed token wins over the
        configured reference. None when the account does not name that field."""
        if self.tokens is not None:
            stored = self.tokens.get(account.name, field)
            if stored:
                return Secret(stored)
        ref = account.credentials.get(field)
        if ref is None:
            return Secret(default) if default is not None else None
        return self.resolve(ref, account=account.name, field=field)

    def require(self, account: "Account", field: str) -> Secret:
        """Like get, but a missing field is a CredentialError saying what to add."""
        value = self.get(account, field)
        if value is None:
            raise CredentialError(
                f"account {account.name} has no credential {field!r}",
                f"add `{field}: ${{ENV_VAR}}` under channels.{account.name}.credentials "
                "in channels.yaml",
            )
        return value


class TokenStore:
    """Tokens the platforms hand back on refresh, in a JSON file readable only by the user."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            return json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {}

    def get(self, account: str, field: str) -> str | None:
        return self._read().get(account, {}).get(field)

    def put(self, account: str, values: Mapping[str, str]) -> None:
        """Store (and replace) tokens of one account; the file is created 0600."""
        with self._lock:
            data = self._read()
            data.setdefault(account, {}).update({k: str(v) for k, v in values.items()})
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
            with os.fdopen(fd, "w") as fh:
                json.dump(data, fh)
            os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
            os.replace(tmp, self.path)
