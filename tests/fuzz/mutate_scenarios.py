#!/usr/bin/env python3
"""Mutation fuzzer for loadcast: hostile scenarios against `loadcast check` and `loadcast sim`.

Each mutant is a shipped scenario (scenarios/*.yaml) with one to three mutations: lines deleted,
duplicated or swapped; numbers and durations replaced by extremes; anchors, aliases, alias cycles
and merge keys inserted; invalid UTF-8, deep nesting, "billion laughs" blocks, hostile
distributions; truncation and byte flips. Mutant i of seed S is always the same text (its own
random stream), so a failure is reproduced by `--seed S --only i`.

Each mutant runs `loadcast check` and, when the check passes, `loadcast sim --duration 10s` under
a timeout and an address-space limit. A mutant fails on a signal, a timeout, an exit code other
than 0, 1, 2 or 99, a check slower than the bound, or a run that exits 0 without a readable
result.json. Failing mutants are kept with the command to repeat them.

  tests/fuzz/mutate_scenarios.py --binary build/ci/cli/loadcast --count 200 --seed 1
  tests/fuzz/mutate_scenarios.py --binary build/ci/cli/loadcast --count 3000 --seed 1 --jobs 2

Exit status: 0 when no mutant failed, 1 otherwise (2 on a usage error).
"""

import argparse
import collections
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ACCEPTED_EXIT = {0, 1, 2, 99}

EXTREME_NUMBERS = [
    "0", "-1", "1", "-0", "0.0", "1e308", "-1e308", "1e-320", "4.9e-324", "1e10", "1e9", "1e100",
    "2147483647", "2147483648", "-2147483649", "4294967295", "4294967296", "4294967300",
    "4294968320", "-4294967295", "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "18446744073709551616", "99999999999999999999", ".inf", "-.inf", ".nan",
    "nan", "1e", "0x10", "1_000", "~", "null", "''", "[]", "{}",
]
EXTREME_DURATIONS = [
    "0s", "0ns", "1ns", "1e-12ns", "1e8s", "9.2e9s", "1e10s", "2562047h", "106751d", "292y", "1e308s",
    "1e19ns", "9223372036854775807ns", "-1s", "1.5", "60", "nans", "infs", "1m1m1m", "0.0000001ns",
]
HOSTILE_DISTRIBUTIONS = [
    "const(1e10s)", "const(9.3e9s)", "const(1e8s)", "exp(1e10s)", "exp(1e-300s)", "uniform(0s, 1e12s)",
    "uniform_int(1, 10)", "empirical(/dev/zero)", "empirical(/)", "empirical(/nonexistent)",
    "normal(mean=1e300s, sd=1e300s)", "lognormal(mean=1e9s, sigma=100)", "pareto(alpha=1e-9, min=1ns, max=1e300s)",
    "erlang(k=1000000, mean=1e9s)", "gamma(shape=1e-300, mean=1s)", "zipf(s=1e-9, n=10000000)",
    "exp(", "exp())", "exp(((1ms)))", "const(1ms, 2ms)", "exp(mean=1ms, mean=2ms)",
]
# Large but plausible values: they pass the range checks more often, so the model runs with them.
# (Not the caps themselves: a rate of 1e8 for the 10 s run is a billion requests, slow but sound;
# the caps are checked by `check` through EXTREME_NUMBERS and by the loader's tests.)
LARGE_NUMBERS = ["1000", "3000", "65536", "100000", "1e6", "0.001", "0.5", "16", "256"]
FLIP_CHARS = list(" :-[]{}&*!|>'\"#%@\t\n,?") + ["\x00", "\xff", "\\"]


def _numbers(text):
    return [m for m in re.finditer(r"(?<![\w.\-])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.(])", text)]


def _durations(text):
    return [m for m in re.finditer(r"(?<![\w.])\d+(?:\.\d+)?(?:ns|us|ms|s|m|h|d)\b", text)]


def _distributions(text):
    return [m for m in re.finditer(r"\b(?:const|exp|uniform|normal|lognormal|erlang|gamma|pareto|uniform_int|zipf)\([^()\n]*\)", text)]


def _key_lines(lines):
    """Indexes of lines that hold `key: value` (a scalar value, not a comment)."""
    out = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*(?:- )?)([A-Za-z_][\w\-]*):\s+([^#\s{\[][^#]*)$", line)
        if m:
            out.append(i)
    return out


def _block_lines(lines):
    """Indexes of lines that open a block: `key:` with nothing after."""
    return [i for i, line in enumerate(lines) if re.match(r"^\s*[A-Za-z_][\w\-]*:\s*$", line)]


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def _replace_match(text, match, replacement):
    return text[: match.start()] + replacement + text[match.end():]


def mutate_delete(rng, text):
    lines = text.split("\n")
    if len(lines) > 1:
        del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def mutate_duplicate(rng, text):
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines)


def mutate_swap(rng, text):
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def mutate_number(rng, text):
    found = _numbers(text)
    if not found:
        return text
    pool = EXTREME_NUMBERS if rng.random() < 0.6 else LARGE_NUMBERS
    return _replace_match(text, rng.choice(found), rng.choice(pool))


def mutate_duration(rng, text):
    found = _durations(text)
    if not found:
        return mutate_number(rng, text)
    return _replace_match(text, rng.choice(found), rng.choice(EXTREME_DURATIONS))


def mutate_distribution(rng, text):
    found = _distributions(text)
    if not found:
        return mutate_duration(rng, text)
    return _replace_match(text, rng.choice(found), rng.choice(HOSTILE_DISTRIBUTIONS))


def mutate_alias(rng, text):
    """An anchor on one value or block and an alias to it somewhere else."""
    lines = text.split("\n")
    blocks = _block_lines(lines)
    keys = _key_lines(lines)
    if not keys:
        return text
    src = rng.choice(blocks + keys)
    later = [k for k in keys if k > src]  # an alias must follow its anchor
    if not later:
        return text
    lines[src] = lines[src].rstrip() + " &z" if src in blocks else re.sub(r":\s+", ": &z ", lines[src], count=1)
    dst = rng.choice(later)
    lines[dst] = re.sub(r":\s+.*$", ": *z", lines[dst], count=1)
    return "\n".join(lines)


def mutate_merge_key(rng, text):
    """`<<: *m` inside a block, anchored on itself or on a sibling block."""
    lines = text.split("\n")
    blocks = _block_lines(lines)
    if not blocks:
        return text
    b = rng.choice(blocks)
    lines[b] = lines[b].rstrip() + " &m"
    child_indent = _indent(lines[b]) + 2
    target = b + 1 if rng.random() < 0.6 else rng.choice(blocks) + 1
    target = min(target, len(lines))
    lines.insert(target, " " * child_indent + "<<: *m")
    return "\n".join(lines)


def mutate_cycle(rng, text):
    """The issue's reproducers: a sequence or mapping that contains itself."""
    variants = [
        "x: &a [ *a ]",
        "x: &a\n  - *a",
        "x: &a { y: *a }",
        "x: &a\n  <<: *a",
        "x: &a\n  y: &b\n    z: *a\n    w: *b",
    ]
    lines = text.split("\n")
    top = [i for i, line in enumerate(lines) if re.match(r"^[A-Za-z_]", line)] or [0]
    lines.insert(rng.choice(top + [len(lines)]), rng.choice(variants))
    return "\n".join(lines)


def mutate_laughs(rng, text):
    """Exponential aliasing in a few hundred bytes: each level aliases the previous one ten times."""
    levels = rng.randint(5, 9)
    out = ["lol0: &l0 [lol]"]
    for k in range(1, levels):
        out.append("lol%d: &l%d [%s]" % (k, k, ", ".join(["*l%d" % (k - 1)] * 10)))
    if rng.random() < 0.5:
        # A duplicated key inside the aliased block: one error per expansion unless each anchor
        # is walked once.
        out[0] = "lol0: &l0 { a: 1, a: 2 }"
    return text.rstrip("\n") + "\n" + "\n".join(out) + "\n"


def mutate_chain(rng, text):
    """A long chain of anchors, each aliasing the previous one."""
    n = rng.randint(200, 2000)
    out = ["c0: &c0 { v: 1 }"]
    for k in range(1, n):
        out.append("c%d: &c%d { p: *c%d, q: *c%d }" % (k, k, k - 1, k - 1))
    return text.rstrip("\n") + "\n" + "\n".join(out) + "\n"


def mutate_deep(rng, text):
    depth = rng.choice([100, 1000, 10000, 50000])
    lines = text.split("\n")
    keys = _key_lines(lines)
    opener, closer = ("[", "]") if rng.random() < 0.5 else ("{a: ", "}")
    nested = opener * depth + "1" + closer * depth
    if keys:
        i = rng.choice(keys)
        lines[i] = re.sub(r":\s+.*$", ": " + nested, lines[i], count=1)
    else:
        lines.append("deep: " + nested)
    return "\n".join(lines)


def mutate_utf8(rng, text):
    """Invalid UTF-8 in a name or any scalar value."""
    bad = rng.choice(["\udcff", "\udcc3\udc28", "\udce2\udc82", "\udcf0\udc9f\udc98", "\udced\udca0\udc80"])
    names = [m for m in re.finditer(r"(name|path|description|metric):\s+([^\s#]+)", text)]
    if names:
        m = rng.choice(names)
        pos = m.start(2) + rng.randrange(len(m.group(2)) + 1)
    else:
        pos = rng.randrange(len(text) + 1)
    return text[:pos] + bad + text[pos:]


def mutate_truncate(rng, text):
    return text[: rng.randrange(len(text) + 1)]


def mutate_flip(rng, text):
    if not text:
        return text
    out = list(text)
    for _ in range(rng.randint(1, 4)):
        out[rng.randrange(len(out))] = rng.choice(FLIP_CHARS)
    return "".join(out)


def mutate_rate(rng, text):
    # Not the cap 1e8 itself: accepted, and a 10 s run at it is a billion requests (slow, not wrong).
    value = rng.choice(["1e308", "1e10", "1e9", "100000001", "5e-324", "1e-300"])
    if re.search(r"rate:\s*[\d.e+-]+", text):
        return re.sub(r"rate:\s*[\d.e+-]+", "rate: " + value, text, count=1)
    return mutate_number(rng, text)


def to_bytes(text):
    """The mutant's bytes: escaped raw bytes (U+DC80-U+DCFF) back as they were; any other lone
    surrogate a mutation made (a byte flip inside an escape) as its own invalid UTF-8 sequence."""
    out = bytearray()
    for ch in text:
        if 0xDC80 <= ord(ch) <= 0xDCFF:
            out.append(ord(ch) - 0xDC00)
        else:
            out += ch.encode("utf-8", "surrogatepass")
    return bytes(out)


# Weights favour mutations that keep the YAML valid, so most mutants reach the model.
MUTATIONS = [
    (mutate_delete, 4), (mutate_duplicate, 3), (mutate_swap, 1), (mutate_number, 14),
    (mutate_duration, 10), (mutate_distribution, 8), (mutate_alias, 3), (mutate_merge_key, 2),
    (mutate_cycle, 1), (mutate_laughs, 1), (mutate_chain, 1), (mutate_deep, 1), (mutate_utf8, 2),
    (mutate_truncate, 1), (mutate_flip, 2), (mutate_rate, 3),
]


def make_mutant(seed, index, sources):
    rng = random.Random("%s:%d" % (seed, index))
    name = rng.choice(sorted(sources))
    text = sources[name]
    applied = []
    functions, weights = zip(*MUTATIONS)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        fn = rng.choices(functions, weights)[0]
        text = fn(rng, text)
        applied.append(fn.__name__[len("mutate_"):])
    return name, applied, text


class Outcome:
    def __init__(self, exit_code=None, signal_name=None, timed_out=False, seconds=0.0, max_rss_kb=0):
        self.exit_code = exit_code
        self.signal_name = signal_name
        self.timed_out = timed_out
        self.seconds = seconds
        self.max_rss_kb = max_rss_kb

    def label(self):
        if self.timed_out:
            return "timeout"
        if self.signal_name:
            return self.signal_name
        return "exit %d" % self.exit_code


def run(command, cwd, timeout, memory_mb, log_path):
    """Runs command with a wall-clock timeout and an address-space limit; never raises."""
    def limits():
        os.setsid()
        if memory_mb:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    start = time.monotonic()
    with open(log_path, "ab") as log:
        log.write(("$ " + " ".join(command) + "\n").encode())
        log.flush()
        proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=limits)
    fired = threading.Event()

    def kill():
        fired.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    outcome = Outcome(seconds=time.monotonic() - start, max_rss_kb=usage.ru_maxrss)
    if fired.is_set():
        outcome.timed_out = True
    elif proc.returncode < 0:
        outcome.signal_name = signal.Signals(-proc.returncode).name
    else:
        outcome.exit_code = proc.returncode
    return outcome


def check_result_file(out_dir):
    """A run that exits 0 must leave a complete result.json."""
    path = os.path.join(out_dir, "result.json")
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError) as e:
        return "exit 0 but result.json unreadable (%s)" % e.__class__.__name__
    if doc.get("schema") != "loadcast.result/v1":
        return "exit 0 but result.json has no schema"
    # A request that completed inside the run cannot have waited longer than the run: a larger
    # latency is a wrapped or saturated time counted as a success.
    latency_max = (doc.get("latency_ms") or {}).get("max")
    duration_s = doc.get("duration_s")
    if isinstance(latency_max, (int, float)) and isinstance(duration_s, (int, float)):
        if latency_max > duration_s * 1000.0 * 1.001 + 1.0:
            return "exit 0 with a latency of %.6g ms in a %.6g s run" % (latency_max, duration_s)
    return None


def run_mutant(args, index, sources, workdir):
    source, applied, text = make_mutant(args.seed, index, sources)
    mdir = os.path.join(workdir, "m%05d" % index)
    os.makedirs(mdir, exist_ok=True)
    scenario = os.path.join(mdir, "scenario.yaml")
    with open(scenario, "wb") as f:
        f.write(to_bytes(text))
    log = os.path.join(mdir, "log.txt")
    binary = os.path.abspath(args.binary)
    steps = []
    check = run([binary, "check", "scenario.yaml"], mdir, args.timeout, args.memory_mb, log)
    problem = None
    if check.timed_out or check.signal_name or check.exit_code not in ACCEPTED_EXIT:
        problem = "check: " + check.label()
    elif check.seconds > args.check_seconds:
        problem = "check: %.1f s (bound %.1f s)" % (check.seconds, args.check_seconds)
    steps.append(("check", check))
    if problem is None and check.exit_code == 0:
        sim = run([binary, "sim", "scenario.yaml", "--duration", "10s", "--out", "out"], mdir, args.timeout,
                  args.memory_mb, log)
        steps.append(("sim", sim))
        if sim.timed_out or sim.signal_name or sim.exit_code not in ACCEPTED_EXIT:
            problem = "sim: " + sim.label()
        elif sim.exit_code == 0:
            bad = check_result_file(os.path.join(mdir, "out"))
            if bad:
                problem = "sim: " + bad
    return index, source, applied, steps, problem, mdir


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="the loadcast executable")
    parser.add_argument("--count", type=int, default=200, help="how many mutants (default 200)")
    parser.add_argument("--seed", default="1", help="campaign seed (default 1)")
    parser.add_argument("--only", type=int, action="append", help="run only mutant N (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per command (default 20)")
    parser.add_argument("--check-seconds", type=float, default=5.0,
                        help="a check slower than this fails (default 5; the bound is 1 s on an idle machine)")
    parser.add_argument("--memory-mb", type=int, default=4096, help="address-space limit per command, 0 for none")
    parser.add_argument("--keep", help="directory for failing mutants (default: a temporary one, printed)")
    parser.add_argument("--write", help="only write the mutants into this directory, run nothing")
    parser.add_argument("--json", help="write the outcome counts to this file")
    args = parser.parse_args()

    sources = {}
    for name in sorted(os.listdir(os.path.join(ROOT, "scenarios"))):
        if name.endswith(".yaml"):
            with open(os.path.join(ROOT, "scenarios", name), encoding="utf-8") as f:
                sources[name] = f.read()
    indexes = args.only if args.only else list(range(args.count))

    if args.write:
        os.makedirs(args.write, exist_ok=True)
        for i in indexes:
            _, _, text = make_mutant(args.seed, i, sources)
            with open(os.path.join(args.write, "m%05d.yaml" % i), "wb") as f:
                f.write(to_bytes(text))
        return 0

    workdir = tempfile.mkdtemp(prefix="loadcast-mutants-")
    keep = args.keep or tempfile.mkdtemp(prefix="loadcast-mutant-failures-")
    counts = collections.Counter()
    failures = []
    started = time.monotonic()
    slowest_check = 0.0
    max_rss_kb = 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for index, source, applied, steps, problem, mdir in pool.map(
                lambda i: run_mutant(args, i, sources, workdir), indexes):
            for step, outcome in steps:
                counts["%s %s" % (step, outcome.label())] += 1
                max_rss_kb = max(max_rss_kb, outcome.max_rss_kb)
                if step == "check":
                    slowest_check = max(slowest_check, outcome.seconds)
            if problem:
                counts["FAIL"] += 1
                target = os.path.join(keep, "m%05d" % index)
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(mdir, target)
                failures.append((index, source, applied, problem, target))
            shutil.rmtree(mdir, ignore_errors=True)
    shutil.rmtree(workdir, ignore_errors=True)

    elapsed = time.monotonic() - started
    print("mutants: %d (seed %s) from %s in %.0f s; slowest check %.2f s; peak RSS %.0f MB"
          % (len(indexes), args.seed, ", ".join(sorted(sources)), elapsed, slowest_check, max_rss_kb / 1024))
    for key in sorted(counts):
        if key != "FAIL":
            print("  %-22s %6d" % (key, counts[key]))
    print("  %-22s %6d" % ("failed mutants", counts["FAIL"]))
    for index, source, applied, problem, target in failures[:40]:
        print("FAIL m%05d (%s; %s): %s -> %s/scenario.yaml" % (index, source, "+".join(applied), problem, target))
        print("     repeat: %s --binary %s --seed %s --only %d" % (sys.argv[0], args.binary, args.seed, index))
    if len(failures) > 40:
        print("... and %d more failures in %s" % (len(failures) - 40, keep))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"mutants": len(indexes), "seed": args.seed, "seconds": round(elapsed, 1),
                       "slowest_check_s": round(slowest_check, 3), "peak_rss_mb": round(max_rss_kb / 1024),
                       "counts": dict(counts),
                       "failures": [{"index": i, "source": s, "mutations": a, "problem": p} for i, s, a, p, _ in failures]},
                      f, indent=1)
    if not failures and not args.keep:
        shutil.rmtree(keep, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
