"""`nbe run` against running the example directly with python, side by side.

Both run the same example the same number of times, interleaved, in one
process; the direct runs get a server started once (as a developer would
have), `nbe run` starts and stops its own each time. Prints medians and the
ratio.

    .venv/bin/python bench/run_overhead.py [example-id] [rounds]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from recorder import procs, servers
from recorder.model import Topology

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    example = sys.argv[1] if len(sys.argv) > 1 else "messaging/request-reply/python"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    folder = ROOT / "examples" / example
    bare_env = {k: v for k, v in os.environ.items() if k != "NATS_URL"}
    direct, via_nbe = [], []
    with servers.start(Topology(), procs.new_run_id()) as started:
        direct_env = {**bare_env, "NATS_URL": started.env["NATS_URL"]}
        for _ in range(rounds):
            direct.append(timed([sys.executable, "main.py"], direct_env, folder))
            via_nbe.append(timed([str(BIN / "nbe"), "run", example], bare_env, ROOT))
    d, n = statistics.median(direct), statistics.median(via_nbe)
    print(f"example: {example}, {rounds} rounds each, interleaved")
    print(f"python main.py (server already running): median {d * 1000:.0f} ms")
    print(f"nbe run (starts and stops its server):   median {n * 1000:.0f} ms")
    print(f"ratio nbe run / direct: {n / d:.2f}x, overhead {(n - d) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
