"""Small example trees for fault and topology tests: each example is a few
lines of Python written into a temporary examples folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml


def make_tree(root: Path, examples: dict[str, tuple[str, dict[str, object]]],
              files: dict[str, str] | None = None) -> Path:
    """examples: "category/name" -> (main.py source, meta.yaml fields)."""
    categories: dict[str, list[str]] = {}
    for example_id, (source, meta) in examples.items():
        category, name = example_id.split("/")
        categories.setdefault(category, []).append(name)
        folder = root / category / name / "python"
        folder.mkdir(parents=True)
        (folder / "main.py").write_text(textwrap.dedent(source).lstrip())
        (root / category / name / "meta.yaml").write_text(
            yaml.safe_dump({"title": name.replace("-", " ").title(), **meta}))
    for category, names in categories.items():
        (root / category / "meta.yaml").write_text(yaml.safe_dump({"examples": names}))
    (root / "meta.yaml").write_text(yaml.safe_dump({"categories": sorted(categories)}))
    for rel, text in (files or {}).items():
        (root / rel).write_text(textwrap.dedent(text).lstrip())
    return root


# Prints the name of every server it can reach through NATS_URL_* variables.
SHOW_SERVERS = """
import asyncio, os
import nats

async def main():
    names = sorted(k for k in os.environ if k.startswith("NATS_URL_"))
    for key in names:
        nc = await nats.connect(os.environ[key])
        info = nc._server_info
        print(f"{key} -> {info['server_name']} cluster={info.get('cluster', '-')}")
        await nc.close()
    nc = await nats.connect(os.environ["NATS_URL"].split(","))
    js = nc.jetstream()
    replicas = min(3, len(os.environ["NATS_URL"].split(",")))
    await js.add_stream(name="S", subjects=["s.>"], num_replicas=replicas)
    print("stream ok")
    await nc.close()

asyncio.run(main())
"""
