"""Creating a workspace (`campaignctl init`) from the template shipped in the package."""

from __future__ import annotations

import json
from importlib.resources import as_file, files
from datetime import date, timedelta
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


# What a blank workspace keeps of the example: the accounts and the files git needs.
BLANK_KEEPS = ("channels.yaml", ".gitignore", ".env.example")
BLANK_CAMPAIGN = "campaigns/kampanye-pertama.yaml"

_BLANK_CAMPAIGN_TEXT = """\
# yaml-language-server: $schema=../campaign.schema.json
# Your first campaign. Check it with `campaignctl validate`, see it with `campaignctl preview`.
campaign: kampanye-pertama
name: Kampanye Pertama
channels: [x]
vars:
  hotline: "119"
posts:
  - id: pengumuman
    at: {day} 09:00
    text: "Informasi layanan: hubungi {{{{ hotline }}}}."
"""


def create_workspace(target: Path, *, force: bool = False, blank: bool = False,
                     today: date | None = None) -> list[Path]:
    """Copy the example workspace into ``target`` (``blank``: only channels.yaml and one
    tiny campaign, due the day after ``today``); refuse to overwrite unless ``force``."""
    with as_file(files("campaignctl") / "init_template") as source:
        sources = sorted(p for p in Path(source).rglob("*") if p.is_file()
                         and "__pycache__" not in p.parts)
        plan: list[tuple[Path | str, Path]] = [
            (src, target / src.relative_to(source)) for src in sources
            if not blank or src.relative_to(source).as_posix() in BLANK_KEEPS]
        if blank:
            day = (today or date.today()) + timedelta(days=1)
            plan.append((_BLANK_CAMPAIGN_TEXT.format(day=day.isoformat()),
                         target / BLANK_CAMPAIGN))
        clashes = [dst for _, dst in plan if dst.exists()]
        if clashes and not force:
            raise UsageError(
                t("{path} already exists", path=str(clashes[0])),
                t("choose an empty folder, or pass --force to overwrite the example files"),
            )
        written = []
        for src, dst in plan:
            dst.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(src, str):
                dst.write_text(src, encoding="utf-8")
            else:
                dst.write_bytes(src.read_bytes())
            written.append(dst)
    for name, text in schema_files().items():
        (target / name).write_text(text)
        written.append(target / name)
    return written
