"""What `nbe record` shows while it works and when it is done: a progress
bar on a terminal, one plain line per recording otherwise (CI logs), and a
summary table at the end."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .batch import Plan
from .model import Implementation
from .record import Result


class Reporter:
    def __init__(self, plan: Plan, interactive: bool | None = None) -> None:
        self.plan = plan
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)
        self.out = Console(highlight=False, soft_wrap=True)
        self.interactive = sys.stderr.isatty() if interactive is None else interactive
        self.results: list[Result] = []
        self.lock = threading.Lock()
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.begun = time.monotonic()
        self.first_start: float | None = None  # when the first recording began

    def __enter__(self) -> Reporter:
        if self.interactive and self.plan.to_record:
            self.progress = Progress(TextColumn("recording"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), TextColumn("{task.description}"),
                                     console=self.err, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("", total=len(self.plan.to_record))
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.progress:
            self.progress.stop()

    def preparing(self, folder: str) -> None:
        with self.lock:
            if self.progress and self.task is not None:
                self.progress.update(self.task, description=f"preparing {folder}")
            self.err.print(f"preparing {folder}: its client and dependencies, once "
                           "(cached afterwards)", markup=False)

    def started(self, impl: Implementation, why: str) -> None:
        if self.first_start is None:
            self.first_start = time.monotonic()
        with self.lock:
            if self.progress and self.task is not None:
                self.progress.update(self.task, description=impl.id)
            else:
                self.err.print(f"recording {impl.id} ({why})", markup=False)

    def done(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)
            if result.ok:
                line = f"recorded  {result.impl_id} in {result.duration:.1f} s"
                if result.diff:
                    line += "; its output changed:\n" + result.diff.rstrip("\n")
            elif result.reason == "cancelled":
                line = f"cancelled {result.impl_id}"
            else:
                line = f"FAILED    {result.impl_id}: {result.reason}"
            self.err.print(line, markup=False)
            if self.progress and self.task is not None:
                self.progress.advance(self.task)

    def markdown(self) -> str:
        """The run as Markdown, for a CI job's summary page."""
        recorded = [r for r in self.results if r.ok]
        failed = [r for r in self.results if not r.ok and r.reason != "cancelled"]
        out = ["## nbe record", "",
               f"{len(recorded)} recorded ({sum(1 for r in recorded if r.diff)} with changed "
               f"output), {len(failed)} failed, {len(self.plan.fresh)} fresh, "
               f"{len(self.plan.skipped)} skipped", ""]
        for result in recorded:
            out.append(f"- recorded `{result.impl_id}` in {result.duration:.1f} s"
                       + (": its output changed" if result.diff else ""))
        for result in failed:
            out.append(f"- **failed** `{result.impl_id}`: {result.reason}")
        for impl_id, why in self.plan.skipped:
            out.append(f"- skipped `{impl_id}`: {why}")
        out.append("")
        for result in recorded:
            if result.diff:
                out += [f"<details><summary>{result.impl_id}: output diff</summary>", "",
                        _fence(result.diff, "diff"), "</details>", ""]
        for result in failed:
            out += [f"<details><summary>{result.impl_id}: {result.reason}</summary>", "",
                    _fence(result.tail or "(no output)"), "</details>", ""]
        return "\n".join(out) + "\n"

    def summary(self) -> None:
        for impl_id, why in self.plan.skipped:
            self.err.print(f"skipped   {impl_id}: {why}", markup=False)
        failed = [r for r in self.results if not r.ok and r.reason != "cancelled"]
        for result in failed:
            self.err.print(f"\n--- {result.impl_id}: {result.reason} ---", markup=False)
            self.err.print(result.tail.rstrip() or "(no output)", markup=False)
        recorded = [r.impl_id for r in self.results if r.ok]
        not_run = len(self.plan.to_record) - len(self.results)
        table = Table(title="nbe record", show_lines=False)
        table.add_column("state")
        table.add_column("count", justify="right")
        table.add_column("recordings")
        changed = [r.impl_id for r in self.results if r.ok and r.diff]
        rows = [("recorded", recorded), ("output changed", changed), ("fresh", self.plan.fresh),
                ("failed", [f"{r.impl_id} ({r.reason})" for r in failed]),
                ("skipped", [f"{i} ({why})" for i, why in self.plan.skipped])]
        for name, items in rows:
            table.add_row(name, str(len(items)), _short(items))
        if not_run:
            table.add_row("not run", str(not_run), "stopped after the first failure "
                                                   "(use --keep-going to record the rest)")
        self.err.print(table)
        if self.results:
            self.err.print(self.timing(), markup=False)

    def timing(self) -> str:
        """Where the time went: wall time, then each phase summed over the
        recordings (in parallel jobs, the sums exceed the wall time)."""
        wall = time.monotonic() - self.begun
        sums: dict[str, float] = {}
        for result in self.results:
            for phase, seconds in result.phases.items():
                sums[phase] = sums.get(phase, 0.0) + seconds
        spent = " + ".join(f"{name} {sums.get(name, 0.0):.1f} s"
                           for name in ("build", "servers", "session"))
        before = (self.first_start or self.begun) - self.begun
        return (f"time: {wall:.1f} s wall, of which {before:.1f} s preparing languages before "
                f"the first recording; summed over recordings: {spent}")


def _fence(text: str, lang: str = "") -> str:
    ticks = "`" * max(3, max((len(r) for r in text.split("\n") if set(r) == {"`"}),
                             default=0) + 1)
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}\n"


def _short(items: list[str], limit: int = 6) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", and {len(items) - limit} more"


def dry_run_lines(plan: Plan) -> list[str]:
    """What `nbe record --dry-run` prints: what would be recorded and why."""
    lines = []
    for _, impl, _ in plan.to_record:
        lines.append(f"would record {impl.id}")
        lines += [f"    {reason}" for reason in plan.reasons.get(impl.id, [])]
    for impl_id, why in plan.skipped:
        lines.append(f"would skip   {impl_id}: {why}")
    lines.append(f"{len(plan.to_record)} to record, {len(plan.fresh)} fresh, "
                 f"{len(plan.skipped)} skipped")
    return lines
