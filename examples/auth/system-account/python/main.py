# The system account is where nats-servers talk about themselves. Every
# server answers monitoring requests on `$SYS.REQ.>` subjects and publishes
# events (connects, disconnects, stats) on `$SYS.>`, all over plain NATS.
# A client in the system account can watch a whole deployment, every
# server of every cluster, through a single connection.
import asyncio
import json
import os

import nats
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError


# A flush is a round trip: the server answers its PING with a PONG once it
# has handled everything the client sent before. nats-py 2.16 writes that
# PING straight to the socket, though, ahead of commands still waiting in
# its write buffer (a SUB made a moment earlier, say). So flush twice: the
# first flush pushes the waiting commands out behind its PING, and the
# second one's PONG confirms the server has handled them.
async def round_trip(nc):
    await nc.flush()
    await nc.flush()


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")

    # Log in as `admin`, a user of the SYS account (server.conf names SYS
    # as `system_account`).
    sys_nc = await nats.connect(servers, user="admin", password="admin-secret", name="monitor")

    # Servers announce every client that connects or disconnects, on
    # `$SYS.ACCOUNT.<account>.CONNECT` and `.DISCONNECT`. The event is JSON
    # describing the client: its account, user, name, address and more.
    # We watch the APP account. (A `*` for the account would watch all of
    # them, and could even catch the announcement of this monitor's own
    # connection, which the server sends a moment after it connected.)
    # The handler also puts each event on a queue, so the program can wait
    # for the ones it expects, with a deadline, instead of sleeping.
    seen = asyncio.Queue()

    async def on_event(msg):
        event = json.loads(msg.data)
        kind = event["type"].rsplit(".", 1)[-1]
        client = event["client"]
        print(f"event {kind}: account {client['acc']}, user {client['user']}, {client['name']}")
        await seen.put(kind)

    async def wait_for_events(count):
        for _ in range(count):
            await asyncio.wait_for(seen.get(), timeout=5)

    await sys_nc.subscribe("$SYS.ACCOUNT.APP.CONNECT", cb=on_event)
    await sys_nc.subscribe("$SYS.ACCOUNT.APP.DISCONNECT", cb=on_event)
    await round_trip(sys_nc)

    # Two application clients connect; the events above report them.
    orders = await nats.connect(servers, user="app", password="app-secret", name="orders")
    await wait_for_events(1)
    billing = await nats.connect(servers, user="app", password="app-secret", name="billing")
    await wait_for_events(1)

    # Requests on `$SYS.REQ.SERVER.PING` go to every server, and each one
    # answers, so this is scatter-gather rather than a plain request:
    # publish with a reply inbox, then collect answers for a short while.
    # (`expected` ends the wait early once we know how many servers exist.)
    async def ping(subject, payload=b"", expected=None):
        inbox = sys_nc.new_inbox()
        sub = await sys_nc.subscribe(inbox)
        await sys_nc.publish(subject, payload, reply=inbox)
        answers = []
        try:
            while expected is None or len(answers) < expected:
                msg = await sub.next_msg(timeout=0.5)
                answers.append(json.loads(msg.data))
        except NatsTimeoutError:
            pass
        await sub.unsubscribe()
        return answers

    # The bare PING returns each server's identity and current statistics
    # (`statsz`). Server IDs and timestamps change on every run, so we
    # print the stable fields: name, version, connection counts.
    answers = await ping("$SYS.REQ.SERVER.PING")
    print(f"PING: {len(answers)} server(s) answered")
    for answer in sorted(answers, key=lambda a: a["server"]["name"]):
        server, stats = answer["server"], answer["statsz"]
        print(
            f"  {server['name']}: version {server['ver']}, "
            f"{stats['connections']} connections, {stats['active_accounts']} active accounts"
        )

    # `PING.<ENDPOINT>` asks every server for one of its monitoring
    # endpoints, the same data the HTTP monitoring port serves (VARZ,
    # CONNZ, ACCOUNTZ, JSZ, HEALTHZ...). The payload carries the
    # endpoint's options: for CONNZ, `auth` adds each connection's account
    # and user.
    for answer in await ping("$SYS.REQ.SERVER.PING.CONNZ", b'{"auth": true}', len(answers)):
        print(f"CONNZ from {answer['server']['name']}:")
        for conn in answer["data"]["connections"]:
            print(f"  {conn['name']}: account {conn['account']}, user {conn['authorized_user']}")

    for answer in await ping("$SYS.REQ.SERVER.PING.HEALTHZ", expected=len(answers)):
        print(f"HEALTHZ from {answer['server']['name']}: {answer['data']['status']}")

    # What can an application account ask? Every account gets three
    # system requests imported by the server, each answered about that
    # account only: `$SYS.REQ.SERVER.PING.CONNZ` and
    # `$SYS.REQ.ACCOUNT.PING.CONNZ` list its own connections, and
    # `$SYS.REQ.ACCOUNT.PING.STATZ` gives its own message and connection
    # counts. (`$SYS.REQ.USER.INFO`, who am I and with what permissions,
    # is there too.) Asking about another account, or with `auth`, still
    # only shows the caller's account: here the monitor's connection in
    # SYS does not appear.
    reply = await orders.request("$SYS.REQ.ACCOUNT.PING.CONNZ", b'{"auth": true}', timeout=1)
    names = sorted(c["name"] for c in json.loads(reply.data)["data"]["connections"])
    print(f"orders (account APP): $SYS.REQ.ACCOUNT.PING.CONNZ -> {', '.join(names)}")

    # Everything else under `$SYS` is out of reach. The server-wide PING,
    # VARZ, HEALTHZ, JSZ, the events: in APP those are ordinary subjects
    # that nobody serves, so a request finds no responders.
    try:
        await orders.request("$SYS.REQ.SERVER.PING", b"", timeout=1)
    except NoRespondersError:
        print("orders (account APP): $SYS.REQ.SERVER.PING -> no responders")

    # Closing a client produces a DISCONNECT event.
    await billing.close()
    await wait_for_events(1)

    # The monitor stops listening before the last client leaves, so its
    # disconnect is not part of the output.
    await sys_nc.drain()
    await orders.drain()


if __name__ == "__main__":
    asyncio.run(main())
