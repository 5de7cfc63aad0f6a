"""Creating a workspace (`campaignctl init`) from the template shipped in the package."""

from __future__ import annotations

import json
from importlib.resources import as_file, files
from pathlib import Path

from .errors import UsageError
from .i18n import t

SCHEMA_FILE = "campaign.schema.json"


def create_workspace(target: Path, *, force: bool = False) -> list[Path]:
    """Copy the example workspace into ``target``; refuse to overwrite unless ``force``."""
    from .config import campaign_json_schema

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
    schema_path = target / SCHEMA_FILE
    schema_path.write_text(json.dumps(campaign_json_schema(), indent=2) + "\n")
    written.append(schema_path)
    return written
