"""Setting up: `init` (a new workspace) and `schema` (JSON Schemas for editors)."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..i18n import t, tn
from ._common import now, print_json


class SchemaKind(str, Enum):
    campaign = "campaign"
    channels = "channels"


def init(
    directory: Annotated[Path, typer.Argument(help="Where to create the workspace.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    blank: Annotated[bool, typer.Option(
        "--blank", help="Only channels.yaml and one tiny campaign: no example media.")] = False,
) -> None:
    """Create a workspace: channels.yaml, an example campaign, its templates and media."""
    from ..workspace import create_workspace

    written = create_workspace(directory, force=force, blank=blank, today=now().date())
    typer.echo(tn("Created a campaignctl workspace in {folder} ({count} file).",
                  "Created a campaignctl workspace in {folder} ({count} files).", len(written),
                  folder=str(directory)))
    typer.echo(t("Next: cd {folder} && campaignctl validate && campaignctl preview",
                 folder=str(directory)))


def schema(
    kind: Annotated[str, typer.Argument(
        help="campaign (campaign files) or channels (channels.yaml).")] = "campaign",
) -> None:
    """Print the JSON Schema of campaign files or channels.yaml (for editors:
    yaml-language-server)."""
    from ..config import campaign_json_schema, channels_json_schema

    if kind not in SchemaKind.__members__:
        raise UsageError(t("unknown schema {kind!r}", kind=kind),
                         t("use `campaignctl schema campaign` or `campaignctl schema channels`"))
    schemas = {SchemaKind.campaign: campaign_json_schema,
               SchemaKind.channels: channels_json_schema}
    print_json(schemas[SchemaKind(kind)]())


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(schema)
