# A key-value bucket is not a separate storage engine: it is a stream with
# a naming convention, a few settings, and a header that marks deletes.
# This program looks underneath a bucket with the ordinary stream API, so
# it needs nats-py's key-value and stream calls and two of its errors.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.errors import KeyNotFoundError, NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the bucket if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_key_value("profiles")

    # Creating bucket `profiles` creates stream `KV_profiles`, listening
    # on `$KV.profiles.>`: key `alice` is subject `$KV.profiles.alice`.
    # `history` becomes the stream's limit of messages per subject, so a
    # key's oldest revisions make way for new ones. `discard=new` makes a
    # full bucket (one that reached its `max_bytes`) refuse writes rather
    # than drop the oldest messages, which could be other keys' current
    # values. `deny_delete` forbids removing single messages through the
    # stream API, and `allow_rollup_hdrs` lets a purge replace a key's
    # whole history (see below). Other clients also turn on `allow_direct`,
    # so that reads use direct get; nats-py 2.16 does only when given
    # `direct=True`.
    kv = await js.create_key_value(bucket="profiles", history=5)
    c = (await js.stream_info("KV_profiles")).config
    print(f"bucket profiles is stream {c.name}, subjects {', '.join(c.subjects)}")
    print(
        f"  max_msgs_per_subject={c.max_msgs_per_subject} discard={c.discard} "
        f"deny_delete={c.deny_delete} allow_rollup_hdrs={c.allow_rollup_hdrs}"
    )

    # A put is a JetStream publish, and the revision is the stream
    # sequence. So a plain publish on the key's subject is a put too,
    # and the bucket API reads it back like any other value.
    await kv.put("alice", b"v1")
    await kv.put("alice", b"v2")
    await js.publish("$KV.profiles.bob", b"published")
    bob = await kv.get("bob")
    print(f"publish $KV.profiles.bob -> get bob = {bob.value.decode()!r} (rev {bob.revision})")
    await kv.put("carol", b"c1")
    await kv.put("carol", b"c2")

    # Deleting a key cannot remove its messages (`deny_delete`), so the
    # client writes a new message on the key's subject: empty, with the
    # header `KV-Operation: DEL`. Readers treat it as "no value", and the
    # earlier revisions stay in the history. Purging writes
    # `KV-Operation: PURGE` together with `Nats-Rollup: sub`, which makes
    # the server drop every earlier message of that subject. The markers
    # themselves stay, as tombstones, until `purge_deletes` clears out
    # the old ones.
    await kv.delete("alice")
    await kv.purge("carol")

    # Read the stream itself, message by message. Sequences 4 and 5, the
    # two values of carol, are gone: the purge rolled them up.
    info = await js.stream_info("KV_profiles")
    print(f"stream KV_profiles: {info.state.messages} messages")
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        try:
            msg = await js.get_msg("KV_profiles", seq)
        except NotFoundError:
            print(f"  seq {seq}: removed")
            continue
        headers = ", ".join(f"{k}: {v}" for k, v in (msg.headers or {}).items())
        data = repr(msg.data.decode()) if msg.data else "(no data)"
        print(f"  seq {seq}: {msg.subject} {data} {headers}".rstrip())

    # Through the bucket API: a deleted key is not found, but its history
    # is still there, ending with the delete; a purged key keeps only the
    # purge marker; and the key listing skips both.
    try:
        await kv.get("alice")
    except KeyNotFoundError:
        print("get alice -> not found")
    alice = await kv.history("alice")
    print("history of alice: " + ", ".join(e.operation or e.value.decode() for e in alice))
    carol = await kv.history("carol")
    print("history of carol: " + ", ".join(e.operation or e.value.decode() for e in carol))
    print(f"keys: {', '.join(await kv.keys())}")

    # Clean up: deleting the bucket deletes its stream.
    await js.delete_key_value("profiles")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
