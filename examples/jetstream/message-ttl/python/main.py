# Since nats-server 2.11 a message can carry its own time to live, and a
# stream can leave a *delete marker* behind when the last message of a
# subject expires, so consumers hear about it. nats-py 2.16 has typed
# settings for both; this program needs them and the JetStream error
# types.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.errors import APIError, NotFoundError


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("PRESENCE")

    # Devices announce that they are online on `presence.<device>`, and
    # the stream keeps the latest announcement of each. Per-message TTL is
    # off by default: a message with a TTL is refused, not stored without
    # one. nats-py's `msg_ttl` puts the TTL in the `Nats-TTL` header.
    await js.add_stream(name="PRESENCE", subjects=["presence.>"], max_msgs_per_subject=1)
    try:
        await js.publish("presence.sensor-1", b"online", msg_ttl=1)
    except APIError as err:
        print(f"publish with a TTL -> {err.description}")

    # The stream is updated to allow it (`allow_msg_ttl`), with a stream
    # wide `max_age` of 3 s for messages without a TTL, and
    # `subject_delete_marker_ttl`: when the last message of a subject
    # expires, the server stores a marker in its place, kept for 1 s.
    # (A `max_age` this short needs a duplicate window no longer than it.)
    config = (await js.stream_info("PRESENCE")).config
    await js.update_stream(
        config.evolve(
            allow_msg_ttl=True,
            subject_delete_marker_ttl=1,
            max_age=3,
            duplicate_window=1,
        )
    )
    print("PRESENCE: allow_msg_ttl, max_age=3s, subject_delete_marker_ttl=1s")

    # Three announcements. sensor-1 is good for 1 s and must announce
    # again to stay listed. sensor-2 sets no TTL, so the stream's `max_age`
    # applies. The gateway's TTL is `never`: it outlives `max_age`.
    # `msg_ttl` takes whole seconds (nats-py 2.16 truncates 0.5 to 0,
    # which the server refuses, and its minimum is 1 s anyway); `never`
    # is set through the header itself.
    await js.publish("presence.sensor-1", b"online", msg_ttl=1)
    await js.publish("presence.sensor-2", b"online")
    await js.publish("presence.gateway", b"online", headers={"Nats-TTL": "never"})

    # A consumer reading the stream sees the three announcements, then,
    # as the sensors expire, a delete marker for each: a message with no
    # data on the same subject, whose `Nats-Marker-Reason` header says
    # why (`MaxAge`, for a TTL or the stream's `max_age`) and whose
    # `Nats-TTL` is the marker's own lifetime. An ordered consumer
    # suits a reader like this one, which only follows along.
    sub = await js.subscribe("presence.>", ordered_consumer=True)
    for _ in range(5):
        msg = await sub.next_msg(timeout=5)
        seq = msg.metadata.sequence.stream
        reason = (msg.headers or {}).get("Nats-Marker-Reason")
        if reason:
            ttl = msg.headers["Nats-TTL"]
            print(f"  seq {seq} {msg.subject}: delete marker, reason {reason}, kept {ttl}")
        else:
            print(f"  seq {seq} {msg.subject}: {msg.data.decode()!r}")
    await sub.unsubscribe()

    # The markers expire in turn. We poll the stream's subjects until only
    # one is left, with a deadline: the gateway, which ignores `max_age`.
    async with asyncio.timeout(5):
        while True:
            info = await js.stream_info("PRESENCE", subjects_filter=">")
            if len(info.state.subjects or {}) == 1:
                break
            await asyncio.sleep(0.1)
    print(f"PRESENCE holds {', '.join(info.state.subjects)}")

    # Clean up.
    await js.delete_stream("PRESENCE")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
