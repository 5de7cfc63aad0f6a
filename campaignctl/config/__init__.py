"""Loading channels.yaml and campaign files: the only YAML reader in campaignctl.

How a file is read, and why this way:

1. The YAML is *composed* (not loaded) with libyaml's CSafeLoader into nodes, so every
   value still knows its line (``marks``).
2. One walk over the nodes builds plain Python values plus a ``{"dotted.path": Mark}``
   map; each post gets a map of its own, which becomes ``Post.marks``.
3. pydantic (strict, ``extra="forbid"``; ``specs`` with the validators in ``values``) checks
   shapes and types; each error's ``loc`` is mapped back to a line through the map, and
   unknown keys get a did-you-mean (``problems``).
4. Checks that need the workspace (channel names, template files, option fields,
   exactly-one-of rules) run afterwards on whatever passed step 3 (``campaign_file``); a
   campaign whose own keys are partly wrong is checked again without them, so these still
   run. The posts of a file that does not become a campaign have their texts and templates
   read for undefined names (``template_check``); a campaign's are read by the plan.

How problems come back:

- Campaign files: ``load_campaigns`` returns every problem of every file as a
  ``Problem`` (file relative to the workspace root, 1-based line). A campaign with any
  error is left out of the returned campaigns; warnings do not exclude it.
- channels.yaml: ``load_workspace`` raises one ``ConfigError`` whose ``problems``
  attribute lists every Problem. With a single problem, the error's message, hint, file
  and line are that problem's; with several, the message lists each on its own line.
"""

from __future__ import annotations

from .campaign_file import load_campaigns
from .channels_file import CHANNELS_FILE, load_workspace
from .schema import campaign_json_schema
from .schema import channels_json_schema as channels_json_schema

__all__ = ["CHANNELS_FILE", "campaign_json_schema", "load_campaigns", "load_workspace"]
