"""The Java runner: each Main.java is a single-file program compiled with
javac against jnats, whose version examples/pom.xml pins. Maven only
copies the jars into the cache, once; nothing is built in the tree."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from ..model import Implementation
from .base import (
    BuildFailed,
    Built,
    Runner,
    build_once,
    files_hash,
    folder_hash,
    missing,
    output_of,
    run_tool,
    source_files,
    tool_stamp,
    tool_version,
    version_tuple,
)

MIN_JAVA = (17,)
_JAVA_VERSION = r'version "([\d.]+)'


class JavaRunner(Runner):
    folder = "java"
    client_name = "jnats"
    crash = re.compile(r'^Exception in thread "', re.MULTILINE)

    def _deps(self, root: Path) -> Path:
        return self.cache() / f"deps-{files_hash(root / 'pom.xml')}"

    def unavailable(self, root: Path, thorough: bool = True) -> str | None:
        why = missing("java", "javac")
        if why or not thorough:
            return why
        if (root / "pom.xml").is_file() and not self._deps(root).is_dir():
            why = missing("mvn")
            if why:
                return f"{why}; it is needed once to fetch jnats"
        found = tool_version("java", "-version", pattern=_JAVA_VERSION)
        if found is None or version_tuple(found) < MIN_JAVA:
            return f"Java {found} is too old; the examples need Java 17 or newer"
        return None

    def prepare(self, root: Path) -> None:
        pom = root / "pom.xml"
        if not pom.is_file():
            raise BuildFailed("java", f"{pom} is missing; the Java examples' jnats version "
                              "is pinned there", "")

        def make(tmp: Path) -> None:
            shutil.copyfile(pom, tmp / "pom.xml")
            done = run_tool(["mvn", "-q", "-B", "-f", str(tmp / "pom.xml"),
                             "dependency:copy-dependencies",
                             f"-DoutputDirectory={tmp / 'lib'}"], tmp)
            if done.returncode != 0:
                raise BuildFailed("java", "Maven could not fetch the jars of examples/pom.xml",
                                  output_of(done))
            (tmp / "pom.xml").unlink()
            shutil.rmtree(tmp / "target", ignore_errors=True)

        build_once(self._deps(root), make)

    def prepared(self, root: Path) -> bool:
        return self._deps(root).is_dir()

    def build(self, impl: Implementation, root: Path) -> Built:
        lib = self._deps(root) / "lib"
        classpath = f"{lib}{os.sep}*"
        sources = [p.relative_to(impl.path).as_posix() for p in source_files(impl.path)
                   if p.suffix == ".java"]
        key = folder_hash(impl.path, str(lib), tool_stamp("javac"))

        def make(tmp: Path) -> None:
            done = run_tool(["javac", "-encoding", "UTF-8", "-Xlint:deprecation", "-d",
                             str(tmp / "classes"), "-cp", classpath, *sources], impl.path)
            if done.returncode != 0:
                raise BuildFailed(impl.id, "does not compile", output_of(done))

        classes = build_once(self.cache() / "build" / key, make) / "classes"
        # A short-lived program: skip the optimising compiler and use the
        # simplest collector, which start faster on a small machine.
        # Output is UTF-8 whatever the locale says (Java 17 follows the locale).
        return Built(["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                      "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8",
                      "-Dsun.stderr.encoding=UTF-8", "-cp",
                      f"{classes}{os.pathsep}{classpath}", "Main"])

    def client(self, root: Path) -> tuple[str, str]:
        text = (root / "pom.xml").read_text(encoding="utf-8") if (root / "pom.xml").is_file() \
            else ""
        found = re.search(r"<artifactId>jnats</artifactId>\s*<version>([^<]+)</version>", text)
        return ("jnats", found.group(1).strip() if found else "not pinned")

    def toolchain(self) -> tuple[str, str] | None:
        found = tool_version("java", "-version", pattern=_JAVA_VERSION)
        return ("java", found) if found else None
