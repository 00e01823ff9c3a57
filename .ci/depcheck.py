"""Dependency check behind .ci/depcheck (see there). Standard library only."""

import argparse
import concurrent.futures
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES_FILE = os.path.join(ROOT, ".ci", "packages")


def fail(message):
    print(f"depcheck: {message}", file=sys.stderr)
    sys.exit(1)


def listed_packages():
    names = []
    with open(PACKAGES_FILE, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def minimal_system():
    """The packages `debootstrap --variant=minbase` installs: Priority required, Essential, apt."""
    out = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True, check=True).stdout
    names, package = {"apt"}, None
    for line in out.splitlines():
        if line.startswith("Package: "):
            package = line[9:].strip()
        elif line in ("Priority: required", "Essential: yes") and package:
            names.add(package)
    return names


def closure(listed):
    """Every package `apt-get install --no-install-recommends` brings on an empty machine."""
    base = sorted(minimal_system())
    with tempfile.NamedTemporaryFile() as empty:
        r = subprocess.run(
            ["apt-get", "-s", "-q", "-o", f"Dir::State::status={empty.name}", "-o", "Debug::NoLocking=1",
             "install", "--no-install-recommends", *listed, *base],
            capture_output=True, text=True)
    if r.returncode != 0:
        fail("apt-get could not resolve .ci/packages against the apt lists (run `apt-get update` once):\n"
             + r.stdout[-2000:] + r.stderr[-2000:])
    installed = {line.split()[1] for line in r.stdout.splitlines() if line.startswith("Inst ")}
    return installed | set(listed) | set(base)


def dpkg_owners():
    """path -> set of packages, from dpkg's file lists (directories are shared by many)."""
    owners = {}
    for lst in glob.glob("/var/lib/dpkg/info/*.list"):
        package = os.path.basename(lst)[:-5].split(":", 1)[0]
        with open(lst, encoding="utf-8", errors="replace") as f:
            for line in f:
                owners.setdefault(line.rstrip("\n"), set()).add(package)
    return owners


MERGED_USR = [("/usr/lib/", "/lib/"), ("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/"), ("/usr/lib64/", "/lib64/")]


def candidates(path):
    """The path as used, then its merged-/usr twin, then the file it resolves to."""
    seen = []
    for p in (os.path.normpath(path), os.path.realpath(path)):
        seen.append(p)
        for usr, bare in MERGED_USR:
            if p.startswith(usr):
                seen.append(bare + p[len(usr):])
            elif p.startswith(bare):
                seen.append(usr + p[len(bare):])
    return seen


def owner_of(path, owners):
    for c in candidates(path):
        if c in owners:
            return owners[c]
    return set()


class Uses:
    """What the build or the tests used: path -> (kind, who used it)."""

    def __init__(self):
        self.items = {}

    def add(self, path, kind, user):
        path = os.path.normpath(path)
        if path not in self.items:
            self.items[path] = (kind, user)


def ignored(path, extra_roots):
    for root in [ROOT, *extra_roots]:
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return True
    return path.startswith("/proc/") or path.startswith("/dev/")


# -- before the build: headers, libraries, programs of the build --------------------------------

def configure(build_dir):
    r = subprocess.run(["cmake", "--preset", "ci", "-B", build_dir], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"cmake could not configure {build_dir}; its output:\n{r.stdout[-3000:]}{r.stderr[-3000:]}\n"
             "a find_package that fails here usually means a -dev package missing from .ci/packages")


DEP_FLAGS_WITH_ARG = {"-MT", "-MF", "-MQ", "-o"}
DEP_FLAGS = {"-MD", "-MMD", "-c"}


def headers_of(entry):
    args = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    if os.path.basename(args[0]) == "ccache":
        args = args[1:]
    cmd, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in DEP_FLAGS_WITH_ARG:
            skip = True
        elif a not in DEP_FLAGS:
            cmd.append(a)
    r = subprocess.run(cmd + ["-M"], cwd=entry["directory"], capture_output=True, text=True)
    if r.returncode != 0:
        return entry["file"], None, r.stderr
    text = r.stdout.replace("\\\n", " ")
    deps = text.split(":", 1)[1].split() if ":" in text else []
    return entry["file"], deps, ""


def static_uses(build_dir, uses):
    configure(build_dir)
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as f:
        entries = [e for e in json.load(f) if os.path.exists(e["file"])]
    problems = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for source, deps, err in pool.map(headers_of, entries):
            rel = os.path.relpath(source, ROOT)
            if deps is None:
                problems.append(f"{rel} does not preprocess:\n{err.strip()[:1500]}")
                continue
            for d in deps:
                if not os.path.isabs(d):
                    d = os.path.join(build_dir, d)
                uses.add(d, "header", rel)
    if problems:
        fail("\n".join(problems) + "\na missing header usually means a -dev package missing from .ci/packages")

    compiler = None
    with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Za-z0-9_.+-]+):(FILEPATH|PATH)=(/.+)$", line.strip())
            if not m or m.group(3).endswith("-NOTFOUND"):
                continue
            name, kind, value = m.groups()
            if kind == "PATH" and not name.endswith("_DIR"):
                continue
            if os.path.exists(value):
                uses.add(value, "found by CMake", name)
            if name == "CMAKE_CXX_COMPILER":
                compiler = value

    with open(os.path.join(build_dir, "build.ninja"), encoding="utf-8") as f:
        ninja = f.read()
    target = None
    for line in ninja.splitlines():
        if line.startswith("build ") and "_LINKER__" in line and "STATIC_LIBRARY" not in line:
            target = line.split()[1].rstrip(":")
        elif line.strip().startswith("LINK_LIBRARIES = ") and target:
            for tok in shlex.split(line.split("=", 1)[1]):
                if tok.startswith("/") and (".so" in tok or tok.endswith(".a")):
                    uses.add(tok, "library", target)
                elif tok.startswith("-l") and compiler:
                    for suffix in (".so", ".a"):
                        p = subprocess.run([compiler, f"-print-file-name=lib{tok[2:]}{suffix}"],
                                           capture_output=True, text=True).stdout.strip()
                        if os.path.isabs(p):
                            uses.add(p, "library", target)
                            break
    for prog in ("cmake", "ninja", "ccache"):
        p = shutil.which(prog)
        if p:
            uses.add(p, "build program", prog)
    if compiler:
        for prog in ("cc1plus", "as", "ld", "collect2"):
            p = subprocess.run([compiler, f"-print-prog-name={prog}"], capture_output=True, text=True).stdout.strip()
            p = p if os.path.isabs(p) else shutil.which(p)
            if p:
                uses.add(p, "build program", f"{os.path.basename(compiler)} -print-prog-name={prog}")


# -- after a traced run: every program that ran -------------------------------------------------

EXECVE = re.compile(r'^\d+\s+execve\("([^"]+)",\s*\[(.*?)\].*\)\s*=\s*0\s*$')


def traced_uses(trace, uses):
    with open(trace, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = EXECVE.match(line)
            if not m:
                continue
            path = m.group(1)
            argv0 = m.group(2).split(",", 1)[0].strip('" ')
            uses.add(path, "program", argv0)
            try:
                with open(path, "rb") as script:
                    first = script.readline(256)
            except OSError:
                continue
            if first.startswith(b"#!"):
                interp = first[2:].decode(errors="replace").split()
                if interp and interp[0].startswith("/"):
                    uses.add(interp[0], "interpreter", path)


def main():
    parser = argparse.ArgumentParser(prog=".ci/depcheck")
    parser.add_argument("--trace", help="an `strace -f -e trace=execve` log of the build and tests")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build", "depcheck"))
    parser.add_argument("--ignore", action="append", default=[],
                        help="a directory whose programs are the run's own (default: the checkout, /tmp)")
    args = parser.parse_args()

    listed = listed_packages()
    allowed = closure(listed)
    owners = dpkg_owners()
    uses = Uses()
    extra = [os.path.abspath(args.build_dir), tempfile.gettempdir(), "/tmp", "/var/tmp", *args.ignore]
    if args.trace:
        traced_uses(args.trace, uses)
        what = "programs the traced run executed"
    else:
        static_uses(os.path.abspath(args.build_dir), uses)
        what = "headers, libraries and build programs"

    missing, unowned, counted = {}, [], 0
    for path, (kind, user) in sorted(uses.items.items()):
        if ignored(path, extra):
            continue
        counted += 1
        found = owner_of(path, owners)
        if not found:
            unowned.append(f"  {path} ({kind}, used by {user})")
        elif not found & allowed:
            for package in sorted(found):
                missing.setdefault(package, []).append(f"{kind} {path} (used by {user})")

    if missing or unowned:
        used = "the build and tests ran programs" if args.trace else "the build uses files"
        lines = [f"{used} that a fresh Debian 12 machine would not have after `bash .ci/install`:"]
        for package, why in sorted(missing.items()):
            lines.append(f"  package {package}, in neither .ci/packages nor its Depends: closure:")
            lines += [f"    {w}" for w in why[:5]]
            if len(why) > 5:
                lines.append(f"    ... and {len(why) - 5} more")
        if unowned:
            lines.append("  files no Debian package installed (a fresh machine has another program there, or none):")
            lines += unowned[:20]
            if len(unowned) > 20:
                lines.append(f"  ... and {len(unowned) - 20} more")
        lines.append("add the package to .ci/packages (or, for a program outside Debian, call the Debian one by its path)")
        fail("\n".join(lines))
    print(f"depcheck: {counted} {what}, all from the {len(allowed)} packages .ci/packages brings")


if __name__ == "__main__":
    main()
