# An object store keeps, next to each object's chunks, one small metadata
# message: name, size, digest, description, headers. Watching a bucket
# means following those messages, changing metadata means replacing one,
# and a link is an object that has nothing but metadata. This program
# uses nats-py's object store API and its metadata types.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.api import ObjectLink, ObjectMeta, ObjectMetaOptions
from nats.js.errors import NotFoundError, ObjectNotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the buckets if an interrupted run left them.
    for bucket in ["assets", "releases"]:
        with suppress(NotFoundError):
            await js.delete_object_store(bucket)
    assets = await js.create_object_store("assets")
    releases = await js.create_object_store("releases")

    async def stored():
        return (await js.stream_info("OBJ_assets")).state.messages

    # A 300 KiB logo, the same bytes on every run. nats-py cuts it into
    # 128 KiB chunks: three chunk messages plus one metadata message.
    logo = bytes(range(256)) * 1200
    info = await assets.put("logo.png", logo)
    print(f"put logo.png: {info.size} bytes in {info.chunks} chunks")
    print(f"OBJ_assets holds {await stored()} messages")

    # A watcher started now first reports the objects already there, then
    # `None` to say it has caught up, then every change as it happens.
    # Each update is an `ObjectInfo`, read from the metadata message.
    # (`updates_only=True` would skip the objects already there.)
    watcher = await assets.watch()

    async def show_update():
        info = await watcher.updates(timeout=2)
        if info is None:
            print("  watch: caught up")
        elif info.deleted:
            print(f"  watch: {info.name} deleted")
        else:
            details = [f"{info.size} bytes"]
            if info.description:
                details.append(repr(info.description))
            for name, values in (info.headers or {}).items():
                details.append(f"{name}: {', '.join(values)}")
            print(f"  watch: {info.name}: {', '.join(details)}")

    await show_update()
    await show_update()

    # `update_meta` publishes a new metadata message for the object and
    # the stream's rollup drops the old one: the chunks are not touched,
    # and the stream holds as many messages as before. It takes a whole
    # `ObjectMeta`: fields left out are cleared. Headers map each name to
    # a list of values, as in NATS message headers, which is how other
    # clients read them. (The name must stay the same: renaming fails in
    # nats-py 2.16, which checks the old name where it should check the
    # new one.)
    meta = ObjectMeta(
        name="logo.png", description="company logo", headers={"Content-Type": ["image/png"]}
    )
    await assets.update_meta("logo.png", meta)
    print("update_meta logo.png: a description and a header")
    await show_update()
    print(f"OBJ_assets still holds {await stored()} messages")

    # A link is an object whose metadata points at another object, here
    # in another bucket; reading the link reads the target. nats-py 2.16
    # follows links in `get` but has no call to make one, so we store an
    # empty object whose metadata carries the link: the shape other
    # clients' `add_link` writes (no chunks, a pointer).
    pointer = ObjectMetaOptions(
        link=ObjectLink(bucket="assets", name="logo.png"), max_chunk_size=128 * 1024
    )
    await releases.put("current-logo", b"", meta=ObjectMeta(name="current-logo", options=pointer))
    result = await releases.get("current-logo")
    print(
        f"get releases/current-logo -> {result.info.bucket}/{result.info.name}: "
        f"{len(result.data)} bytes, identical: {result.data == logo}"
    )

    # Putting `logo.png` again replaces it: new chunks, and new metadata
    # (the description and headers are gone, since this put gave none).
    # The link names an object, not a version, so it now reads the new
    # logo.
    info = await assets.put("logo.png", logo[:2048])
    print(f"put logo.png again: {info.size} bytes")
    await show_update()
    result = await releases.get("current-logo")
    print(f"get releases/current-logo: {len(result.data)} bytes")

    # Deleting the target leaves the link dangling: reading it fails as if
    # the object had never been there.
    await assets.delete("logo.png")
    print("delete logo.png")
    await show_update()
    try:
        await releases.get("current-logo")
    except ObjectNotFoundError:
        print("get releases/current-logo: not found")

    # Clean up: stop the watcher, then delete both buckets.
    await watcher.stop()
    for bucket in ["assets", "releases"]:
        await js.delete_object_store(bucket)
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
