# Wildcards are part of core NATS; the client only needs `nats`.
import asyncio
import os

import nats


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    # Four subscriptions, each with a different pattern:
    #
    # - `orders.*`: `orders` followed by exactly one more token.
    # - `orders.*.shipped`: a `*` can stand in the middle, here for a region.
    # - `orders.>`: everything below `orders`, however deep.
    # - `*.eu.>`: wildcards combine; any first token, then `eu`, then at
    #   least one more token.
    patterns = ["orders.*", "orders.*.shipped", "orders.>", "*.eu.>"]

    # Each handler records the subjects it was given. `msg.subject` is the
    # concrete subject the message was published to, not the pattern, so
    # a wildcard handler can tell the messages apart.
    received = {pattern: set() for pattern in patterns}

    def recorder(pattern):
        async def handler(msg):
            received[pattern].add(msg.subject)

        return handler

    for pattern in patterns:
        await nc.subscribe(pattern, cb=recorder(pattern))

    # Publish one message to each subject. The server compares each subject
    # with every pattern and delivers a copy to each subscription that
    # matches. A subject may match several patterns, or none at all.
    subjects = [
        "orders",
        "orders.new",
        "orders.eu.shipped",
        "orders.us.shipped",
        "orders.eu.paris.shipped",
    ]
    for subject in subjects:
        await nc.publish(subject, b"")

    # Draining waits until every handler has processed the messages already
    # delivered, then closes the connection, so the results are complete.
    await nc.drain()

    # Print one row per subject and one column per subscription. Notice:
    #
    # - `orders` matches nothing: `*` and `>` both need at least one token.
    # - `orders.eu.paris.shipped` has one token too many for
    #   `orders.*.shipped`; a `*` never spans two tokens.
    # - Only `orders.>` sees every order event.
    width = max(len(s) for s in subjects) + 2
    print("subject".ljust(width) + "".join(p.ljust(18) for p in patterns).rstrip())
    for subject in subjects:
        marks = ["yes" if subject in received[p] else "-" for p in patterns]
        print(subject.ljust(width) + "".join(m.ljust(18) for m in marks).rstrip())


if __name__ == "__main__":
    asyncio.run(main())
