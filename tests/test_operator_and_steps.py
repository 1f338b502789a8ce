"""Operator mode minted at record time (JWTs, creds), account keys for an
example's config, and server steps (restart, stop, lame-duck) fired by the
program's output, in `nbe run` and in a recording, shown on the page."""

from __future__ import annotations

import re
from pathlib import Path

from recorder import jwts, loader, render

from conftest import build_site, nbe

OPERATOR_CONF = """\
operator: {{operator_jwt}}
system_account: {{system_account}}
resolver: MEMORY
resolver_preload: {{resolver_preload}}
jetstream {}
"""

OPERATOR_MAIN = """\
import asyncio, os
import nats

async def main():
    servers = os.environ["NATS_URL"].split(",")
    nc = await nats.connect(servers, user_credentials=os.environ["NATS_CREDS_APP_ALICE"])
    sub = await nc.subscribe("greet")
    await nc.publish("greet", b"hello")
    print("alice got", (await sub.next_msg(2)).data.decode())
    js = nc.jetstream()
    print("jetstream streams:", (await js.account_info()).streams)
    async def quiet(err):
        pass

    try:
        await nats.connect(servers, user="nobody", password="x", allow_reconnect=False,
                           error_cb=quiet)
    except Exception as err:
        print("a stranger is refused:", type(err).__name__)
    await nc.close()

asyncio.run(main())
"""

KEYS_CONF = """\
accounts {
  APP { users: [ { user: app, password: app } ] }
}
# A real config would name the issuer of an auth callout here.
# issuer: {{key_issuer}}
"""

KEYS_MAIN = """\
import os
seed = os.environ["NATS_SEED_ISSUER"]
print("seed kind:", seed[:2])
"""

RESTART_MAIN = """\
import asyncio, os
import nats

async def main():
    back = asyncio.Event()

    async def reconnected():
        print("reconnected")
        back.set()

    async def quiet(err):
        pass

    nc = await nats.connect(os.environ["NATS_URL"].split(","), reconnected_cb=reconnected,
                            reconnect_time_wait=0.2, error_cb=quiet)
    print("waiting for the server to restart")
    await asyncio.wait_for(back.wait(), 15)
    await nc.close()

asyncio.run(main())
"""


def _tree(tmp_path: Path, examples: dict[str, tuple[str, str, dict[str, str]]]) -> Path:
    root = tmp_path / "examples"
    (root / "demo").mkdir(parents=True)
    (root / "meta.yaml").write_text("categories: [demo]\n")
    (root / "demo/meta.yaml").write_text("title: Demo\n")
    for name, (meta, main, files) in examples.items():
        folder = root / "demo" / name
        (folder / "python").mkdir(parents=True)
        (folder / "meta.yaml").write_text(meta)
        (folder / "python/main.py").write_text(main)
        for file, text in files.items():
            (folder / file).write_text(text)
    return root


def test_operator_mode_is_minted_for_each_run(tmp_path: Path) -> None:
    meta = ("title: Operator\ntopology:\n  kind: config\n  config: server.conf\n"
            "  operator:\n    APP: [alice]\n"
            "expect: ['^alice got hello$', '^jetstream streams: 0$', 'refused']\n")
    root = _tree(tmp_path, {"op": (meta, OPERATOR_MAIN, {"server.conf": OPERATOR_CONF})})
    result = nbe("--examples", str(root), "record", "demo/op/python")
    assert result.returncode == 0, result.stderr
    text = (root / "demo/op/python/output.txt").read_text()
    assert "alice got hello" in text and "a stranger is refused" in text
    # Nothing minted lands in the tree.
    assert sorted(p.name for p in (root / "demo/op").rglob("*") if p.is_file()) == [
        "main.py", "meta.yaml", "output.cast", "output.json", "output.txt", "server.conf"]


def test_account_keys_reach_the_config_and_the_program(tmp_path: Path) -> None:
    meta = ("title: Keys\ntopology: {kind: config, config: server.conf, keys: [issuer]}\n"
            "expect: ['^seed kind: SA$']\n")
    root = _tree(tmp_path, {"keys": (meta, KEYS_MAIN, {"server.conf": KEYS_CONF})})
    result = nbe("--examples", str(root), "run", "demo/keys/python")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "seed kind: SA\n"


def test_minted_tokens_are_nats_jwts() -> None:
    op = jwts.operator_for({"APP": ("alice",)})
    claims = jwts.decode(op.jwt())
    assert claims["nats"]["type"] == "operator"
    assert claims["iss"] == claims["sub"] == op.key.public
    account_key, account_jwt = op.accounts["APP"]
    assert jwts.decode(account_jwt)["iss"] == op.key.public
    user_key, user_jwt = op.users[("APP", "alice")]
    user = jwts.decode(user_jwt)
    assert (user["iss"], user["sub"], user["nats"]["type"]) == (account_key.public,
                                                              user_key.public, "user")
    assert user_key.seed.startswith("SU") and account_key.public.startswith("A")


def test_a_step_restarts_the_server_when_the_program_says_so(tmp_path: Path) -> None:
    meta = ("title: Restart\nsteps:\n  - when: '^waiting for the server to restart'\n"
            "    do: restart\n    server: n1\nexpect: ['^reconnected$']\n")
    root = _tree(tmp_path, {"restart": (meta, RESTART_MAIN, {})})
    run = nbe("--examples", str(root), "run", "demo/restart/python")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["waiting for the server to restart", "reconnected"]
    record = nbe("--examples", str(root), "record", "demo/restart/python")
    assert record.returncode == 0, record.stderr
    site = build_site(tmp_path, root)
    assert site.returncode == 0, site.stderr
    page = (tmp_path / "site/demo/restart/index.html").read_text()
    note = re.sub(r"\s+", " ", page[page.index("nbe-steps"):][:600])
    assert ("when the program prints a line matching <code>^waiting for the server to "
            "restart</code>, the recorder restarts server <code>n1</code>") in note


STOP_START_MAIN = """\
import asyncio, os
import nats

async def main():
    ldm, gone, back = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def on_ldm():
        ldm.set()

    async def disconnected():
        gone.set()

    async def reconnected():
        back.set()

    async def quiet(err):
        pass

    nc = await nats.connect(os.environ["NATS_URL_N1"], disconnected_cb=disconnected,
                            lame_duck_mode_cb=on_ldm, reconnected_cb=reconnected,
                            reconnect_time_wait=0.2, error_cb=quiet)
    print("lame duck n1")
    await asyncio.wait_for(ldm.wait(), 15)
    print("told to move")
    gone.clear()
    print("stopping every server")
    await asyncio.wait_for(gone.wait(), 15)
    back.clear()
    print("starting every server")
    await asyncio.wait_for(back.wait(), 20)
    print("reconnected")
    await nc.close()

asyncio.run(main())
"""


def test_steps_run_in_order_and_outlive_the_session(tmp_path: Path) -> None:
    """A start never overtakes the stop before it, and a recording does not
    end the servers a step is still starting."""
    meta = ("title: Stop Start\ntopology: {kind: cluster, size: 2}\nsteps:\n"
            "  - {when: '^lame duck n1', do: lame-duck, server: n1}\n"
            "  - {when: '^stopping every server', do: stop, server: c1}\n"
            "  - {when: '^starting every server', do: start}\n"
            "expect: ['^told to move$', '^reconnected$']\n")
    root = _tree(tmp_path, {"stopstart": (meta, STOP_START_MAIN, {})})
    run = nbe("--examples", str(root), "run", "demo/stopstart/python", timeout=120)
    assert run.returncode == 0, run.stderr
    record = nbe("--examples", str(root), "record", "demo/stopstart/python", timeout=120)
    assert record.returncode == 0, record.stderr
    assert "puts server <code>n1</code> into lame-duck mode" in render.steps_note(
        loader.load(root)[0].examples()[0])
    assert "stops the servers of cluster <code>c1</code>" in render.steps_note(
        loader.load(root)[0].examples()[0])


def test_a_step_that_never_fires_fails_the_recording(tmp_path: Path) -> None:
    meta = ("title: Never\nsteps:\n  - {when: '^never printed', do: stop}\n")
    root = _tree(tmp_path, {"never": (meta, "print('done')\n", {})})
    result = nbe("--examples", str(root), "record", "demo/never/python")
    assert result.returncode == 1
    assert "step 'stop' never fired: no line matched '^never printed'" in result.stderr


def test_bad_steps_and_operators_are_named(tmp_path: Path) -> None:
    bad = {
        "a": ("steps: [{when: x, do: explode}]\n", "do must be one of stop, start, restart"),
        "b": ("steps: [{when: '(', do: stop}]\n", "is not a valid regular expression"),
        "c": ("topology: {kind: single, operator: {APP: [a]}}\n", "need kind config"),
        "d": ("topology: {kind: config, config: s.conf, operator: {SYS: [a]}}\n",
              "SYS is made for you"),
    }
    root = _tree(tmp_path, {name: (f"title: T\n{meta}", "print(1)\n", {"s.conf": "\n"})
                            for name, (meta, _) in bad.items()})
    _, problems = loader.load(root)
    messages = {p.path.parent.name: p.problem for p in problems}
    for name, (_, words) in bad.items():
        assert words in messages[name], messages
