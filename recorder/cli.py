"""The `nbe` command: a thin shell over the library.

Each command's docstring is its help. Library errors become one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import fnmatch
import os
import signal
import sys
from pathlib import Path

import click

from . import loader
from .errors import RecorderError
from .model import Example, Implementation, Tree


def _examples_root(value: str | None) -> Path:
    return Path(value or os.environ.get("NBE_EXAMPLES") or "examples").resolve()


def _load(ctx: click.Context, quiet: bool = False) -> Tree:
    """The tree; its problems are printed unless quiet (`nbe run` prints only
    what concerns the example it runs: its output is what gets recorded)."""
    tree, problems = loader.load(ctx.obj["root"])
    ctx.obj["problems"] = problems
    for problem in [] if quiet else problems:
        click.echo(f"warning: {problem}", err=True)
    return tree


def select(tree: Tree, patterns: tuple[str, ...],
           languages: tuple[str, ...] = ()) -> list[tuple[Example, Implementation]]:
    """Implementations whose id matches a pattern: an exact id, a glob
    (jetstream/*/python), or a prefix folder (messaging, messaging/request-reply);
    with languages, only those language folders."""
    from . import languages as table

    for folder in languages:
        if table.get(folder) is None:
            raise RecorderError(f"--language {folder!r} is not a language folder; use one of: "
                                + ", ".join(lang.folder for lang in table.LANGUAGES))
    chosen = []
    for example, impl in tree.implementations():
        if languages and impl.language.folder not in languages:
            continue
        for pattern in patterns or ("*",):
            pattern = pattern.strip("/")
            if pattern.startswith("examples/"):
                pattern = pattern[len("examples/"):]
            if (fnmatch.fnmatchcase(impl.id, pattern) or impl.id.startswith(pattern + "/")
                    or fnmatch.fnmatchcase(impl.id, pattern + "/*")):
                chosen.append((example, impl))
                break
    return chosen


def _one(tree: Tree, target: str) -> tuple[Example, Implementation]:
    found = select(tree, (target,))
    if len(found) == 1:
        return found[0]
    if not found:
        known = "\n  ".join(impl.id for _, impl in tree.implementations()[:20])
        raise RecorderError(f"no example matches {target!r}; examples look like "
                            f"<category>/<example>/<language>, for instance:\n  {known}")
    names = ", ".join(impl.id for _, impl in found)
    raise RecorderError(f"{target!r} matches {len(found)} examples ({names}); name one")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--examples", "examples", envvar="NBE_EXAMPLES", metavar="DIR",
              help="The examples folder (default: ./examples, or $NBE_EXAMPLES).")
@click.pass_context
def cli(ctx: click.Context, examples: str | None) -> None:
    """Run, record and check the NATS example programs.

    \b
    Examples:
      nbe run messaging/request-reply/python
      nbe record                      # what is missing or stale
      nbe check                       # for CI: exit 1 if anything is stale
    """
    ctx.ensure_object(dict)
    ctx.obj["root"] = _examples_root(examples)
    from .procs import MARKER, reap_orphans, reap_temp_dirs

    if MARKER in os.environ:
        return  # started by an nbe (the recorded `nbe run`): that one cleans up
    reaped = reap_orphans()
    if reaped:
        click.echo(f"nbe: ended {reaped} process(es) left behind by an nbe that was killed",
                   err=True)
    reap_temp_dirs()


@cli.command("list")
@click.argument("patterns", nargs=-1)
@click.option("-l", "--language", "languages", multiple=True, metavar="FOLDER",
              help="Only this language folder (go, python, ...); repeat for more.")
@click.pass_context
def list_(ctx: click.Context, patterns: tuple[str, ...], languages: tuple[str, ...]) -> None:
    """List the examples and the state of their recordings.

    \b
    Example:
      nbe list 'jetstream/*'
    """
    from . import fingerprint

    tree = _load(ctx)
    for example, impl in select(tree, patterns, languages):
        state = fingerprint.status(example, impl)
        click.echo(f"{impl.id:50} {state.state.value:8} {state.detail}")


@cli.command()
@click.argument("target")
@click.pass_context
def run(ctx: click.Context, target: str) -> None:
    """Run one example live and exit with its exit status.

    Starts the servers the example needs (127.0.0.1, ports chosen now, a
    temporary store), unless NATS_URL is set, in which case that server is
    used. The program's output streams to the terminal as it happens.

    \b
    Example:
      nbe run messaging/request-reply/python
    """
    from .run import run_live

    parts = target.strip("/").removeprefix("examples/").split("/")
    if len(parts) == 3:
        # The usual case: load only that example (the recorded `nbe run`
        # pays for every millisecond).
        found, _ = loader.load_example(ctx.obj["root"], parts[0], parts[1])
        impls = [i for i in found.implementations if i.language.folder == parts[2]] \
            if found else []
        if found and impls:
            sys.stdout.flush()
            ctx.exit(run_live(found, impls[0], ctx.obj["root"]))
    tree = _load(ctx, quiet=True)
    try:
        example, impl = _one(tree, target)
    except RecorderError:
        example_dir = "/".join(target.strip("/").split("/")[:2])
        concerned = [p for p in ctx.obj["problems"] if example_dir in p.path.as_posix()]
        for problem in concerned:
            click.echo(f"warning: {problem}", err=True)
        raise
    sys.stdout.flush()
    ctx.exit(run_live(example, impl, tree.root))


@cli.command()
@click.argument("patterns", nargs=-1)
@click.option("--force", is_flag=True, help="Record every selected example, even fresh ones.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="the number of cores", help="Recordings to run in parallel.")
@click.option("--shard", metavar="K/N", help="Record only a stable 1/N share (K from 1 to N), "
              "to split the work across CI machines.")
@click.option("--keep-going/--fail-fast", default=None,
              help="Record the rest after a failure (the default when no PATTERN is given).")
@click.option("--dry-run", is_flag=True,
              help="Say what would be recorded and why, input by input; record nothing.")
@click.option("--summary", "summary_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Append a Markdown summary (recorded, failed, output diffs) to FILE, "
                   "e.g. $GITHUB_STEP_SUMMARY.")
@click.option("-l", "--language", "languages", multiple=True, metavar="FOLDER",
              help="Only this language folder (go, python, ...); repeat for more.")
@click.pass_context
def record(ctx: click.Context, patterns: tuple[str, ...], force: bool, jobs: int,
           shard: str | None, keep_going: bool | None, dry_run: bool, summary_file: str | None,
           languages: tuple[str, ...]) -> None:
    """Record what is missing or stale (or everything selected, with --force).

    PATTERNS select by id, glob or folder; none means the whole tree. A run
    that fails (non-zero exit, a traceback, its time limit, an expected
    pattern missing from its output) replaces nothing: the earlier files
    stay as they were, and the summary shows the end of its output.

    \b
    Examples:
      nbe record
      nbe record messaging/request-reply/python
      nbe record --force --jobs 2 'jetstream/*/python'
      nbe record --shard 2/4
      nbe record --dry-run --language go
    """
    from . import batch
    from .report import Reporter, dry_run_lines

    tree = _load(ctx)
    chosen = select(tree, patterns, languages)
    if patterns and not chosen:
        raise RecorderError(f"no example matches {' '.join(patterns)!r}"
                            + (f" in {', '.join(languages)}" if languages else ""))
    todo = batch.plan(chosen, force, batch.parse_shard(shard) if shard else None)
    if dry_run:
        for line in dry_run_lines(todo):
            click.echo(line)
        return
    if keep_going is None:
        keep_going = not patterns
    with Reporter(todo) as reporter:
        try:
            results = batch.run(todo.to_record, tree.root, jobs, keep_going,
                                reporter.started, reporter.done,
                                on_prepare=reporter.preparing)
        except batch.Interrupted:
            reporter.summary()
            raise
    reporter.summary()
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as out:
            out.write(reporter.markdown())
    problems = ctx.obj["problems"]
    if problems:
        click.echo(f"{len(problems)} problem(s) in the examples tree (above) kept those "
                   "examples out of this run; fix them and run again", err=True)
    if problems or any(not r.ok for r in results) or len(results) < len(todo.to_record):
        ctx.exit(1)


@cli.command()
@click.argument("patterns", nargs=-1)
@click.option("--diff", is_flag=True, help="Show what changed in each, input by input.")
@click.option("-l", "--language", "languages", multiple=True, metavar="FOLDER",
              help="Only this language folder (go, python, ...); repeat for more.")
@click.pass_context
def check(ctx: click.Context, patterns: tuple[str, ...], diff: bool,
          languages: tuple[str, ...]) -> None:
    """Say which recordings are missing, stale or failed; runs nothing.

    Exits 1 if any is, so CI can refuse to publish a stale site. With
    --diff, each is followed by what changed, input by input (program,
    meta, topology, client, server, recorder).

    \b
    Examples:
      nbe check
      nbe check --diff --language go
    """
    from . import fingerprint

    tree = _load(ctx)
    bad = len(ctx.obj["problems"])
    for example, impl in select(tree, patterns, languages):
        state = fingerprint.status(example, impl)
        if state.state.value != "fresh":
            bad += 1
            click.echo(f"{state.state.value:8} {impl.id}: {state.detail}")
            if diff:
                for line in fingerprint.reasons(example, impl, state):
                    click.echo(f"         {line}")
    if bad:
        click.echo(f"{bad} problem(s): fix the files named above, then 'nbe record'", err=True)
        ctx.exit(1)
    click.echo("all recordings are fresh")


@cli.command()
@click.pass_context
def languages(ctx: click.Context) -> None:
    """Say which languages this machine can record, and why not the others.

    Checks each toolchain (and its version) without building anything.

    \b
    Example:
      nbe languages
    """
    from . import languages as table
    from . import runners

    root = ctx.obj["root"]
    for lang in table.LANGUAGES:
        runner = runners.get(lang.folder)
        why = runners.why_not(lang, root)
        if why is None and runner is not None:
            tool = runner.toolchain()
            client = runner.client(root)
            made = ", ".join(f"{pair[0]} {pair[1]}" for pair in (client, tool) if pair)
            click.echo(f"{lang.folder:10} yes  {made}")
        else:
            click.echo(f"{lang.folder:10} no   {why}")


@cli.command()
@click.argument("target")
@click.pass_context
def new(ctx: click.Context, target: str) -> None:
    """Scaffold a new example from a commented template.

    Creates <category>/<example>/meta.yaml and the language folder with its
    entry file, and lists the example (and a new category) in the parent
    meta.yaml. Never overwrites a file.

    \b
    Example:
      nbe new kv/ttl/python
    """
    from .scaffold import new as scaffold

    root = ctx.obj["root"]
    for path in scaffold(root, target):
        shown = path.relative_to(root.parent) if root.parent in path.parents else path
        click.echo(f"wrote {shown}")
    click.echo(f"next: edit it, then 'nbe run {target}' and 'nbe record {target}'")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    # SIGTERM and SIGHUP clean up like Ctrl-C: servers and programs go too.
    # SIGINT is restored too: a shell starts background jobs with it ignored,
    # and Python then never raises KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    try:
        cli(standalone_mode=True)
    except RecorderError as err:
        click.echo(f"nbe: {err}", err=True)
        sys.exit(130 if type(err).__name__ == "Interrupted" else 1)
