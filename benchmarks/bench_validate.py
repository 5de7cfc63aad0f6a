"""`validate` on a 5,000-post campaign (x and facebook: 10,000 renders) against the least work
it needs: the YAML C loader, one Jinja render per post and channel, and twitter-text's count of
each X text.

Goal: within 1.5x. Both sides run in this process on the same generated
workspace, alternately, and the best of several runs is compared. validate builds its plan
with fewer garbage-collector passes (campaignctl.allocation); the goal is checked against
the plain baseline, and the ratio against the baseline under the same collector setting is
printed too, as the measure of validate's own work.

    python benchmarks/bench_validate.py [--posts 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

TEMPLATES = {
    "announce.j2": "📢 {{ vars.title }} di {{ vars.place }} pada {{ when | date_long }}.\n"
                   "Info: {{ vars.url | utm }} · hotline {{ vars.hotline }}",
    "announce/x.j2": "📢 {{ vars.title }} — {{ vars.place }}, {{ when | date_short }}.\n"
                     "{{ vars.url | utm }}",
    "reminder.j2": "⏰ Jangan lupa: {{ vars.title }} ({{ vars.place }}). "
                   "Hotline {{ vars.hotline }}.",
}


def make_workspace(root: Path, posts: int) -> Path:
    """A workspace with one campaign of ``posts`` one-off posts on x and facebook."""
    (root / "campaigns").mkdir(parents=True)
    (root / "templates" / "announce").mkdir(parents=True)
    for name, body in TEMPLATES.items():
        (root / "templates" / name).write_text(body + "\n")
    (root / "channels.yaml").write_text(
        "defaults: {timezone: Asia/Jakarta}\n"
        "channels:\n"
        "  x: {platform: x, credentials: {access_token: '${X_TOKEN}'}}\n"
        "  facebook: {platform: facebook, options: {page_id: '1'}}\n")
    start = datetime(2027, 1, 1, 8, 0)
    lines = ["campaign: bench", "name: Benchmark", "timezone: Asia/Jakarta",
             "channels: [x, facebook]",
             "vars: {hotline: '119', url: 'https://example.go.id/layanan'}", "posts:"]
    for i in range(posts):
        at = start + timedelta(hours=i)
        template = "announce" if i % 3 else "reminder"
        lines += [f"  - id: post-{i}", f"    at: {at:%Y-%m-%d %H:%M}", f"    template: {template}",
                  f"    vars: {{title: 'Layanan {i}', place: 'Puskesmas {i % 97}'}}"]
    (root / "campaigns" / "bench.yaml").write_text("\n".join(lines) + "\n")
    return root


def run_validate(root: Path) -> int:
    """What `campaignctl validate` does, in process; returns the number of renders."""
    from campaignctl import rules
    from campaignctl.config import load_campaigns, load_workspace
    from campaignctl.planner import build_plan

    rules.x_weighted_length.cache_clear()  # every run counts every text afresh
    workspace = load_workspace(root)
    campaigns, problems = load_campaigns(workspace)
    plan = build_plan(workspace, campaigns)
    errors = [p for p in [*problems, *plan.problems] if p.is_error]
    if errors:
        raise SystemExit(f"benchmark campaign is invalid: {errors[0].one_line()}")
    return sum(1 for e in plan.entries if e.rendered is not None)


def run_baseline(root: Path, fast_count: bool = False) -> int:
    """The least work: C-loaded YAML, one render per (post, channel) in the renderer's own
    Jinja environment (same sandbox, same filters), and twitter-text's count of X texts
    (stock, or with ``fast_count`` the same sped-up emoji scan validate uses)."""
    import yaml
    from twitter_text import parse_tweet
    from zoneinfo import ZoneInfo

    if fast_count:
        from campaignctl.rules import _parse_tweet

        parse_tweet = _parse_tweet()
    from campaignctl.render import _make_env

    with open(root / "campaigns" / "bench.yaml", "rb") as fh:
        data = yaml.load(fh, Loader=yaml.CSafeLoader)
    env = _make_env(root / "templates")
    compiled = {name: env.get_template(name) for name in ("announce.j2", "announce/x.j2",
                                                         "reminder.j2")}
    tz = ZoneInfo(data["timezone"])
    campaign = {"id": data["campaign"], "name": data["name"], "timezone": data["timezone"],
                "vars": data["vars"]}
    renders = 0
    for post in data["posts"]:
        when = datetime.strptime(post["at"], "%Y-%m-%d %H:%M").replace(tzinfo=tz)
        variables = {**data["vars"], **post["vars"]}
        for channel in data["channels"]:
            per_channel = channel == "x" and post["template"] == "announce"
            name = f"{post['template']}/x.j2" if per_channel else f"{post['template']}.j2"
            ctx = {"campaign": campaign, "post": {"id": post["id"], "vars": post["vars"]},
                   "channel": {"name": channel, "platform": channel}, "vars": variables,
                   "when": when}
            text = compiled[name].render(ctx).strip()
            if channel == "x":
                parse_tweet(text)
            renders += 1
    return renders


def run_baseline_bulk(root: Path) -> int:
    """The baseline under the same garbage-collector setting validate uses
    (campaignctl.allocation): the like-for-like comparison of the work itself."""
    from campaignctl.allocation import bulk_allocation

    with bulk_allocation():
        return run_baseline(root)


def best_of(fn, root: Path, runs: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        count = fn(root)
        best = min(best, time.perf_counter() - start)
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_workspace(Path(tmp), args.posts)
        run_validate(root), run_baseline(root)  # warm imports once
        ours = base = strict = alike = float("inf")
        for _ in range(args.runs):  # alternate so all see the same machine load
            t_ours, renders = best_of(run_validate, root, 1)
            t_base, base_renders = best_of(run_baseline, root, 1)
            t_strict, _ = best_of(lambda r: run_baseline(r, fast_count=True), root, 1)
            t_alike, _ = best_of(run_baseline_bulk, root, 1)
            ours, base, strict = min(ours, t_ours), min(base, t_base), min(strict, t_strict)
            alike = min(alike, t_alike)
    ratio = ours / base
    print(f"posts: {args.posts}, renders: validate {renders}, baseline {base_renders}")
    print(f"baseline (C YAML + render + stock twitter-text count): {base * 1000:.0f} ms")
    print(f"baseline with validate's faster emoji scan:            {strict * 1000:.0f} ms")
    print(f"campaignctl validate (in process):                     {ours * 1000:.0f} ms")
    print(f"ratio vs the stock baseline: {ratio:.2f}x (goal <= 1.50x) "
          f"{'OK' if ratio <= 1.5 else 'OVER'}")
    print(f"baseline with validate's collector setting (bulk_allocation): "
          f"{alike * 1000:.0f} ms")
    print(f"ratio vs the sped-up baseline: {ours / strict:.2f}x")
    print(f"ratio vs the baseline with the same collector setting: {ours / alike:.2f}x "
          "(what validate's own work adds)")
    sys.exit(0 if ratio <= 1.5 else 1)


if __name__ == "__main__":
    main()
