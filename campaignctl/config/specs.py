"""The file formats as strict pydantic models (``extra="forbid"``), and the keys each allows."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from .values import (
    _CREDENTIAL_PATTERN,
    _DURATION_PATTERN,
    _RATE_PATTERN,
    BlackoutBound,
    Cron,
    Ident,
    LocalDate,
    LocalDateTime,
    TemplateName,
    TimeZoneName,
    VarName,
    _account_name,
    _base_url,
    _credential,
    _duration,
    _platform,
    _rate_limit,
    _string,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class BlackoutSpec(_Strict):
    """A window with no posts, in local time; an end given to the minute covers that minute."""

    start: BlackoutBound
    end: BlackoutBound
    reason: str = "blackout"


class MediaSpec(_Strict):
    """An attachment; ``path`` is relative to the workspace root."""

    path: str = Field(description="File path relative to the workspace root.")
    alt: str | None = Field(None, description="Alt text (required by the channel rules).")


class PostSpec(_Strict):
    """One entry of ``posts:``."""

    id: Ident = Field(description="Unique within the campaign: lowercase, digits, dashes.")
    at: LocalDateTime = Field(None, description="One time, local: YYYY-MM-DD HH:MM.")
    every: Cron = Field(None, description="5-field cron in the campaign's time zone.")
    from_: LocalDate = Field(None, alias="from", description="First day of `every`.")
    until: LocalDate = Field(None, description="Last day of `every` (inclusive).")
    template: TemplateName = Field(None, description="templates/NAME.j2 or NAME/CHANNEL.j2.")
    text: str | None = Field(None, description="Inline Jinja text instead of a template.")
    channels: list[str] | None = Field(None, description="Overrides the campaign's channels.")
    vars: dict[VarName, Any] = Field(default_factory=dict)
    media: list[MediaSpec] = Field(default_factory=list)
    options: dict[str, dict[str, Any]] = Field(default_factory=dict,
                                               description="Per-platform fields.")
    priority: Literal["normal", "emergency"] = "normal"


class _CampaignHead(_Strict):
    """The campaign's own keys; posts are validated one by one so every problem shows."""

    campaign: Ident = Field(description="Campaign id: lowercase letters, digits, dashes.")
    name: str | None = Field(None, description="Human name; defaults to the id.")
    timezone: TimeZoneName | None = Field(None, description="IANA time zone.")
    channels: list[str] | None = Field(None, description="Account names from channels.yaml.")
    vars: dict[VarName, Any] = Field(default_factory=dict)
    blackouts: list[BlackoutSpec] = Field(default_factory=list)
    posts: list[Any]


class CampaignFile(_CampaignHead):
    """A whole campaign file (used for the JSON Schema)."""

    posts: list[PostSpec]


class _Defaults(_Strict):
    timezone: TimeZoneName = Field(
        "UTC", description="IANA time zone of campaigns that name none, e.g. Asia/Jakarta.")
    catch_up: Annotated[Any, BeforeValidator(_duration), _string(_DURATION_PATTERN)] = Field(
        3600, description="How late a post may still go out (90s, 30m, 1h, 1h30m); "
                          "later ones are reported as missed.")
    blackouts: list[BlackoutSpec] = Field(
        default_factory=list, description="Windows with no posts in any campaign.")


class _Approvals(_Strict):
    required: bool = Field(False, description="Every post needs `campaignctl approve` first.")


class _AccountSpec(_Strict):
    platform: Annotated[str, AfterValidator(_platform)] = Field(
        description="x, facebook, youtube or tiktok.")
    sandbox: bool = Field(False, description="Send to the local emulators instead.")
    base_url: Annotated[str | None, AfterValidator(_base_url)] = Field(
        None, description="Another API base (a proxy or an emulator).")
    approval_required: bool | None = Field(
        None, description="Overrides approvals.required for this account.")
    credentials: dict[str, Annotated[str, AfterValidator(_credential),
                                     _string(_CREDENTIAL_PATTERN)]] = Field(
        default_factory=dict,
        description="References only: ${ENV_VAR} or keyring:service/user.")
    options: dict[str, Any] = Field(default_factory=dict,
                                    description="Platform settings, e.g. page_id.")
    rate_limit: Annotated[Any, BeforeValidator(_rate_limit), _string(_RATE_PATTERN)] = Field(
        None, description="This account's own publishing limit when its access tier differs "
                          "from the platform's usual one (its developer portal says), "
                          "e.g. 17/24h.")


class _ChannelsFile(_Strict):
    defaults: _Defaults = Field(default_factory=_Defaults)
    ledger: str | None = Field(
        None, description="SQLAlchemy URL of the ledger; default: .campaignctl/ledger.db.")
    approvals: _Approvals = Field(default_factory=_Approvals)
    channels: dict[Annotated[str, AfterValidator(_account_name)], _AccountSpec] = Field(
        default_factory=dict, description="Named accounts; campaigns list these names.")


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


# Which keys are allowed where, for did-you-mean on unknown keys (list indexes are "*").
_CAMPAIGN_KEYS = {"": _keys(_CampaignHead), "blackouts.*": _keys(BlackoutSpec)}
_POST_KEYS = {"": _keys(PostSpec), "media.*": _keys(MediaSpec)}
_CHANNELS_KEYS = {"": _keys(_ChannelsFile), "defaults": _keys(_Defaults),
                  "defaults.blackouts.*": _keys(BlackoutSpec), "approvals": _keys(_Approvals),
                  "channels.*": _keys(_AccountSpec)}
