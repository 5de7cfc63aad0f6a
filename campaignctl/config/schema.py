"""JSON Schemas (draft 2020-12) of campaign files and channels.yaml, for editors."""

from __future__ import annotations

from typing import Any

from ..channels import limits_for, platforms
from .specs import CampaignFile, _ChannelsFile
from .values import _ACCOUNT_RE


def campaign_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a campaign file, for editors (yaml-language-server)."""
    schema = CampaignFile.model_json_schema(by_alias=True)
    options = {}
    for platform in platforms():
        fields = limits_for(platform).option_fields
        options[platform] = {"type": "object", "properties": {f: {} for f in fields},
                             "additionalProperties": False}
    post = schema["$defs"]["PostSpec"]
    post["properties"]["options"] = {
        "type": "object", "properties": options, "additionalProperties": False,
        "description": "Per-platform fields.",
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema, "title": "campaignctl campaign"}


def channels_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of channels.yaml, for editors (yaml-language-server)."""
    schema = _ChannelsFile.model_json_schema(by_alias=True)
    schema["$defs"]["_AccountSpec"]["properties"]["platform"]["enum"] = list(platforms())
    schema["properties"]["channels"]["propertyNames"] = {"pattern": _ACCOUNT_RE.pattern}
    schema["$defs"]["_Defaults"]["properties"]["catch_up"]["default"] = "1h"  # 3600 s, as written
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema, "title": "campaignctl channels.yaml"}
