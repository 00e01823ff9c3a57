#!/usr/bin/python3
"""One row per run of wakeup_experiment.sh: the app cgroup's CPU per request, the handler time
the app reports (Server-Timing `handler`), the overhead (their difference), the wake-ups per
request and the loops' utilisation (vCPU in use over the 2 × 0.5 vCPU of the two tasks).
Then the least-squares line overhead = a + w × wake-ups per request over the runs.
Usage: wakeup_table.py DIR  (the runs are DIR/NN-RATE-bBATCH/result.json; 00-warmup is skipped)"""
import json
import os
import sys


def row(path):
    r = json.load(open(path))
    load = r["load"]
    sample = load["samples"]["app"]
    done = r["requests"]["ok"]
    seconds = r["duration_s"]
    timing = load.get("server_timing") or {}
    handler_ms = sum(c["metrics"]["handler"]["count"] * c["metrics"]["handler"]["mean_ms"]
                     for c in timing.values() if "handler" in c.get("metrics", {}))
    handled = sum(c["metrics"]["handler"]["count"] for c in timing.values() if "handler" in c.get("metrics", {}))
    wake = sample.get("wakeups_per_s")
    cpu_ms = sample["cpu_s"] * 1000.0 / done
    return {
        "rps": done / seconds,
        "cpu": cpu_ms,
        "handler": handler_ms / handled if handled else float("nan"),
        "wake": wake * seconds / done if wake is not None else float("nan"),
        "util": sample["mean_vcpu"] / 1.0,
    }


def main():
    out = sys.argv[1]
    runs = sorted(d for d in os.listdir(out) if os.path.isfile(os.path.join(out, d, "result.json")) and not d.startswith("00-"))
    if not runs:
        sys.exit("wakeup_table.py: no runs in " + out)
    print("%-14s %7s %9s %9s %9s %8s %6s" % ("run", "req/s", "CPU ms", "handler", "overhead", "wake/req", "util"))
    xs, ys = [], []
    for d in runs:
        x = row(os.path.join(out, d, "result.json"))
        over = x["cpu"] - x["handler"]
        print("%-14s %7.1f %9.3f %9.3f %9.3f %8.2f %6.2f" % (d, x["rps"], x["cpu"], x["handler"], over, x["wake"], x["util"]))
        if x["wake"] == x["wake"] and over == over:
            xs.append(x["wake"])
            ys.append(over)
    n = len(xs)
    if n >= 2:
        mx, my = sum(xs) / n, sum(ys) / n
        sxx = sum((a - mx) ** 2 for a in xs)
        if sxx > 0:
            w = sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / sxx
            print("overhead = %.3f ms + %.3f ms x wake-ups per request (%d runs)" % (my - w * mx, w, n))


main()
