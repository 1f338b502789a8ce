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


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")

    # Log in as `admin`, a user of the SYS account (server.conf names SYS
    # as `system_account`).
    sys_nc = await nats.connect(servers, user="admin", password="admin-secret", name="monitor")

    # Servers announce every client that connects or disconnects, on
    # `$SYS.ACCOUNT.<account>.CONNECT` and `.DISCONNECT`. The event is JSON
    # describing the client: its account, user, name, address and more.
    async def on_event(msg):
        event = json.loads(msg.data)
        kind = event["type"].rsplit(".", 1)[-1]
        client = event["client"]
        print(f"event {kind}: account {client['acc']}, user {client['user']}, {client['name']}")

    await sys_nc.subscribe("$SYS.ACCOUNT.*.CONNECT", cb=on_event)
    await sys_nc.subscribe("$SYS.ACCOUNT.*.DISCONNECT", cb=on_event)
    await sys_nc.flush()

    # Two application clients connect; the events above report them.
    orders = await nats.connect(servers, user="app", password="app-secret", name="orders")
    billing = await nats.connect(servers, user="app", password="app-secret", name="billing")
    await asyncio.sleep(0.2)

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

    # `$SYS` subjects exist only in the system account. In APP they are
    # ordinary, unused subjects, so an application user cannot reach the
    # servers' monitoring this way.
    try:
        await orders.request("$SYS.REQ.SERVER.PING", b"", timeout=1)
    except NoRespondersError:
        print("orders (account APP): request $SYS.REQ.SERVER.PING -> no responders")

    # Closing a client produces a DISCONNECT event.
    await billing.close()
    await asyncio.sleep(0.2)

    # The monitor stops listening before the last client leaves, so its
    # disconnect is not part of the output.
    await sys_nc.drain()
    await orders.drain()


if __name__ == "__main__":
    asyncio.run(main())
