"""Recorder benchmarks, measured side by side in one run.

    .venv/bin/python bench/record_speed.py [--examples N] [--noop N]

Prints:
- overhead: recording an example (servers, pty, shell, `nbe run`; typing excluded)
  against running the same example bare (its server started, `python
  main.py`), as a ratio of medians;
- no-op: `nbe record` over N fresh recordings (nothing to do), wall time;
- parallel: `nbe record --force` of the same examples with --jobs 1 and
  --jobs 2, and the speed-up;
- interrupt: how long `nbe record --jobs 2` takes to exit after SIGINT.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recorder import cast, loader, procs, servers  # noqa: E402
from recorder.record import record_one  # noqa: E402

BIN = Path(sys.executable).parent
SOURCE = ROOT / "examples" / "messaging" / "request-reply"  # copied for no-op and --jobs


def make_copies(dest: Path, count: int, with_outputs: bool) -> Path:
    root = dest / "examples"
    (root / "bench").mkdir(parents=True)
    (root / "meta.yaml").write_text("categories: [bench]\n")
    (root / "bench" / "meta.yaml").write_text("title: Bench\n")
    outputs = [] if with_outputs else ["output.*"]
    # The Python implementation only: the other languages' lock files are
    # not part of this tree.
    others = [p.name for p in SOURCE.iterdir() if p.is_dir() and p.name != "python"]
    for i in range(count):
        shutil.copytree(SOURCE, root / "bench" / f"copy-{i:03d}",
                        ignore=shutil.ignore_patterns(*outputs, *others))
    return root


def typing_seconds(recorded: cast.Cast) -> float:
    """Time from the first prompt being ready to the command starting."""
    t_ready = t_start = None
    for ts, _, data in recorded.events:
        if t_ready is None and "133;B" in data:
            t_ready = ts
        if "133;C" in data:
            t_start = ts
            break
    return (t_start or 0.0) - (t_ready or 0.0)


OVERHEAD_EXAMPLES = ("messaging/request-reply", "messaging/pub-sub", "kv/intro",
                     "jetstream/pull-consumer")


def overhead(rounds: int) -> None:
    """For each example: bare = its servers started + `python main.py`;
    recorded = record_one minus the typing. Ratio of the summed medians, and
    the fixed cost per recording (their difference)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "examples"
        shutil.copytree(ROOT / "examples", root, ignore=shutil.ignore_patterns("output.*"))
        tree, _ = loader.load(root)
        chosen = [(e, i) for e, i in tree.implementations()
                  if e.id in OVERHEAD_EXAMPLES and i.language.folder == "python"]
        bare_total = recorded_total = 0.0
        for example, impl in chosen:
            bare, recorded = [], []
            for _ in range(rounds):
                start = time.perf_counter()
                with servers.start(example.topology, procs.new_run_id(), example.path) as s:
                    subprocess.run([sys.executable, "main.py"], cwd=impl.path, check=True,
                                   env={**os.environ, **s.env}, stdout=subprocess.DEVNULL)
                bare.append(time.perf_counter() - start)
                start = time.perf_counter()
                result = record_one(example, impl, root)
                elapsed = time.perf_counter() - start
                assert result.ok, result.reason
                recorded.append(elapsed - typing_seconds(cast.read(impl.cast_path)))
            b, r = statistics.median(bare), statistics.median(recorded)
            bare_total, recorded_total = bare_total + b, recorded_total + r
            print(f"  {impl.id}: bare {b * 1000:.0f} ms, recorded without typing "
                  f"{r * 1000:.0f} ms, ratio {r / b:.2f}x")
    print(f"overhead ({len(chosen)} examples, {rounds} rounds each, interleaved): bare "
          f"{bare_total:.2f} s, recorded without typing {recorded_total:.2f} s, "
          f"ratio {recorded_total / bare_total:.2f}x; fixed cost per recording "
          f"{(recorded_total - bare_total) / max(1, len(chosen)):.2f} s")


def noop(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_copies(Path(tmp), count, with_outputs=True)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            out = subprocess.run([str(BIN / "nbe"), "--examples", str(root), "record"],
                                 capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            assert out.returncode == 0 and re.search(r"recorded\s+│\s+0\s", out.stderr), \
                out.stderr
    print(f"no-op `nbe record` over {count} fresh recordings: median "
          f"{statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f} ms)")


def parallel(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_copies(Path(tmp), count, with_outputs=False)
        results = {}
        for jobs in (1, 2, 1, 2):
            start = time.perf_counter()
            out = subprocess.run([str(BIN / "nbe"), "--examples", str(root), "record",
                                  "--force", "--jobs", str(jobs)], capture_output=True, text=True)
            assert out.returncode == 0, out.stderr
            results.setdefault(jobs, []).append(time.perf_counter() - start)
    one, two = min(results[1]), min(results[2])
    print(f"parallel: {count} recordings, --jobs 1 {one:.1f} s, --jobs 2 {two:.1f} s, "
          f"speed-up {one / two:.2f}x (best of 2 each, alternated)")


def interrupt() -> None:
    slow = 'import time\nprint("started", flush=True)\ntime.sleep(30)\n'
    with tempfile.TemporaryDirectory() as tmp:
        root = make_copies(Path(tmp), 3, with_outputs=False)
        for folder in (root / "bench").iterdir():
            if folder.is_dir():
                (folder / "python" / "main.py").write_text(slow)
        proc = subprocess.Popen([str(BIN / "nbe"), "--examples", str(root), "record",
                                 "--jobs", "2", "--keep-going"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(6)
        start = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        print(f"interrupt: `nbe record --jobs 2` exited {time.perf_counter() - start:.2f} s "
              f"after SIGINT (status {proc.returncode})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=6, help="recordings for --jobs")
    parser.add_argument("--noop", type=int, default=100, help="recordings for the no-op")
    parser.add_argument("--rounds", type=int, default=5, help="rounds for the overhead")
    parser.add_argument("--only", choices=["overhead", "noop", "parallel", "interrupt"],
                        action="append", help="run only these parts (repeatable)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; nats-server {servers.version()}")
    parts = {"overhead": lambda: overhead(args.rounds), "noop": lambda: noop(args.noop),
             "parallel": lambda: parallel(args.examples), "interrupt": interrupt}
    for name, part in parts.items():
        if not args.only or name in args.only:
            part()


if __name__ == "__main__":
    main()
