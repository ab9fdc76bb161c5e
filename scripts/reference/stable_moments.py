"""Reference values for src/metrics/stable-moments.ts and the normed Wasserstein score at large offsets.

Writes fixtures/stable_moments.json: samples like 1e15 + N(0, 1e3), with
- the exact population mean and standard deviation (Python's statistics.fmean/pstdev, which
  work in exact fractions and round once), and numpy's np.mean / np.std for comparison;
- scipy.stats.wasserstein_distance(ref, cur) and the normed score W1 / std(ref) (Evidently's
  "Wasserstein distance (normed)") with the exact std.

Deterministic: one seeded numpy Generator per case.
"""

import json
import pathlib
import statistics
import sys

import numpy as np
import scipy
from scipy import stats

OUT = pathlib.Path(__file__).parent / "fixtures" / "stable_moments.json"


def case(name, seed, offset, spread, shift, n):
    g = np.random.default_rng(seed)
    reference = offset + g.normal(0, spread, n)
    current = offset + g.normal(shift, spread, n)
    ref = [float(v) for v in reference]
    cur = [float(v) for v in current]
    std = statistics.pstdev(ref)
    w1 = float(stats.wasserstein_distance(ref, cur))
    return {
        "name": name,
        "input": {"reference": ref, "current": cur},
        "expected": {
            "mean": statistics.fmean(ref),
            "std": std,
            "numpyMean": float(np.mean(reference)),
            "numpyStd": float(np.std(reference)),
            "wassersteinDistance": w1,
            "normedWasserstein": w1 / std,
        },
    }


def main():
    cases = [
        case("1e15 + N(0, 1e3) vs 1e15 + N(60, 1e3)", 3, 1e15, 1e3, 60, 2000),
        case("1e9 + N(0, 1) vs 1e9 + N(0.1, 1)", 4, 1e9, 1.0, 0.1, 2000),
        case("-1e12 + N(0, 10) vs -1e12 + N(1, 10)", 5, -1e12, 10.0, 1.0, 1500),
        case("no offset N(0, 1) vs N(0.2, 1)", 6, 0.0, 1.0, 0.2, 1000),
    ]
    fixture = {
        "generator": "scripts/reference/stable_moments.py",
        "libraries": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
        "cases": cases,
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
