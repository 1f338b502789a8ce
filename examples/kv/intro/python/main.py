# A key-value bucket gives JetStream the interface of a map: put, get and
# delete values by key. nats-py exposes it through the JetStream context;
# `KeyNotFoundError` is what `get` raises for a missing or deleted key, and
# `NotFoundError` what deleting a bucket that does not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.errors import KeyNotFoundError, NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Create a bucket for an application's settings. Behind the scenes
    # this is a stream named `KV_settings`, keeping the latest value of
    # every key. Other programs open the same bucket with
    # `js.key_value("settings")`. (Start clean: delete the bucket first if
    # an interrupted run left it.)
    with suppress(NotFoundError):
        await js.delete_key_value("settings")
    kv = await js.create_key_value(bucket="settings")
    print("created bucket 'settings'")

    # `put` stores a value (always bytes) and returns the key's new
    # revision, a number that grows with every change in the bucket. Keys
    # may contain dots, which makes them hierarchical like subjects.
    for key, value in [("theme", b"dark"), ("language", b"en"), ("ui.font.size", b"14")]:
        revision = await kv.put(key, value)
        print(f"put {key} = {value.decode()!r} -> revision {revision}")

    # `get` returns an entry with the value and the revision that wrote it.
    entry = await kv.get("theme")
    print(f"get {entry.key} -> {entry.value.decode()!r} (revision {entry.revision})")

    # Putting a key again replaces its value; the revision moves on.
    revision = await kv.put("theme", b"light")
    entry = await kv.get("theme")
    print(f"put theme = 'light' -> revision {revision}; get theme -> {entry.value.decode()!r}")

    # `keys` lists the keys that currently have a value. The server sends
    # them in the order they were last written, so we sort them for
    # display.
    print(f"keys: {sorted(await kv.keys())}")

    # `delete` removes a key. It writes a small delete marker rather than
    # erasing the past, so watchers learn about the deletion. Reading the
    # key now raises `KeyNotFoundError`, and it is gone from the key list.
    await kv.delete("language")
    try:
        await kv.get("language")
    except KeyNotFoundError:
        print("get language -> not found (deleted)")
    print(f"keys: {sorted(await kv.keys())}")

    # `status` describes the bucket. `values` counts the stored entries,
    # delete markers included, and `history` is how many values each key
    # keeps (one by default; see the history example).
    status = await kv.status()
    print(f"status: bucket={status.bucket} values={status.values} history={status.history}")

    # Clean up: deleting the bucket deletes its stream and every key.
    await js.delete_key_value("settings")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
