#!/usr/bin/env python3
"""The tables of docs/calibrate-and-validate.md from a run of tests/realstack/run.sh.

    /usr/bin/python3 tests/realstack/ladder_table.py OUT/validate/ladder.json

Prints, per rate of the ladder (rho 0.5, 0.7, 0.85 in that order), the median error of the
calibrated prediction and its range over the repetitions for throughput, the service's CPU in
use, mean, p50, p95 and p99 latency, in bold where it meets the experiment's targets
(throughput and CPU within 3 %; mean, p50 and p95 within 15 % and p99 within 25 % at rho 0.5 and
0.7; mean, p50 and p95 within 25 % at rho 0.85), then the same rows of the oracle, and how many of
the 17 targets were met; then, not judged, the share of CFS periods throttled and the wake-ups
per second, predicted and measured.
"""
import json
import sys

METRICS = ["throughput_rps", "cpu_vcpu.app", "latency_ms.mean", "latency_ms.p50", "latency_ms.p95", "latency_ms.p99"]
# Per ladder step: the target of each metric above in percent (None: no target).
TARGETS = [(3, 3, 15, 15, 15, 25), (3, 3, 15, 15, 15, 25), (3, 3, 25, 25, 25, None)]


def main(path):
    ladder = json.load(open(path))
    steps = ladder["steps"]
    if len(steps) != len(TARGETS):
        sys.exit(f"{path}: {len(steps)} rates, expected the documented run's {len(TARGETS)} (rho 0.5, 0.7, 0.85)")
    met = 0
    for prefix in ("", "oracle."):
        print("calibrated prediction" if not prefix else "oracle (each run's own demands)")
        for step, targets in zip(steps, TARGETS):
            rows = {m["metric"]: m for m in step["metrics"]}
            cells = []
            for name, target in zip(METRICS, targets):
                m = rows.get(prefix + name)
                if m is None:
                    cells.append("-")
                    continue
                err, low, high = (100.0 * m[k] for k in ("error_median", "error_min", "error_max"))
                ok = not prefix and target is not None and abs(err) <= target
                met += ok
                mark = "**" if ok else ""
                cells.append(f"{mark}{err:+.1f} %{mark} ({low:+.0f}..{high:+.0f})")
            print(f"| {step['rate']:g} | " + " | ".join(cells) + " |")
    print(f"targets met by the calibrated prediction: {met} of 17")
    # Not judged: the CFS periods throttled (the tasks' groups pooled) and the event loops'
    # wake-ups, predicted and measured (medians of the repetitions).
    for step in steps:
        rows = {m["metric"]: m for m in step["metrics"]}
        cells = []
        for name, label in (("throttled_ratio.app", "throttled periods"), ("wakeups_per_s.app", "wake-ups/s")):
            m = rows.get(name)
            if m is not None and m.get("predicted_median") is not None and m.get("measured_median") is not None:
                cells.append(f"{label} predicted {m['predicted_median']:.3g}, measured {m['measured_median']:.3g}")
        if cells:
            print(f"{step['rate']:g} requests/s: " + "; ".join(cells))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: ladder_table.py OUT/validate/ladder.json")
    main(sys.argv[1])
