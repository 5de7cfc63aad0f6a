"""Creating a workspace (`campaignctl init`) from the template shipped in the package."""

from __future__ import annotations

import json
from importlib.resources import as_file, files
from pathlib import Path

from .config import campaign_json_schema, channels_json_schema
from .errors import UsageError
from .i18n import t

SCHEMA_FILE = "campaign.schema.json"
CHANNELS_SCHEMA_FILE = "channels.schema.json"


def schema_files() -> dict[str, str]:
    """File name -> text of the JSON Schemas a workspace carries for editors (campaign files
    point at the first, channels.yaml at the second)."""
    return {SCHEMA_FILE: json.dumps(campaign_json_schema(), indent=2) + "\n",
            CHANNELS_SCHEMA_FILE: json.dumps(channels_json_schema(), indent=2) + "\n"}


def create_workspace(target: Path, *, force: bool = False) -> list[Path]:
    """Copy the example workspace into ``target``; refuse to overwrite unless ``force``."""
    with as_file(files("campaignctl") / "init_template") as source:
        sources = sorted(p for p in Path(source).rglob("*") if p.is_file()
                         and "__pycache__" not in p.parts)
        plan = [(src, target / src.relative_to(source)) for src in sources]
        clashes = [dst for _, dst in plan if dst.exists()]
        if clashes and not force:
            raise UsageError(
                t("{path} already exists", path=str(clashes[0])),
                t("choose an empty folder, or pass --force to overwrite the example files"),
            )
        written = []
        for src, dst in plan:
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src.read_bytes())
            written.append(dst)
    for name, text in schema_files().items():
        (target / name).write_text(text)
        written.append(target / name)
    return written
