"""Reference values for src/metrics/stable-moments.ts at magnitudes where squares leave float64.

Writes fixtures/stable_moments_scale.json: samples of magnitude 1e150 to 1e307, whose squares
overflow (numpy.std says inf), and of magnitude 1e-160, whose squares underflow, with
- the exact population mean and standard deviation (Python's statistics.mean/pstdev, which
  work in exact fractions and round once), and numpy's np.std for comparison;
- scipy.stats.wasserstein_distance(ref, cur) and the normed score W1 / std(ref)
  (Evidently's "Wasserstein distance (normed)" without its 0.001 floor) with the exact std.

Deterministic: a fixed permutation, or one seeded numpy Generator per case.
"""

import json
import pathlib
import statistics
import sys
import warnings

import numpy as np
import scipy
from scipy import stats

OUT = pathlib.Path(__file__).parent / "fixtures" / "stable_moments_scale.json"


def case(name, ref, cur):
    ref = [float(v) for v in ref]
    cur = [float(v) for v in cur]
    std = statistics.pstdev(ref)
    w1 = float(stats.wasserstein_distance(ref, cur))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy's overflow is the point of the comparison
        numpy_std = float(np.std(np.array(ref)))
    return {
        "name": name,
        "input": {"reference": ref, "current": cur},
        "expected": {
            "mean": statistics.mean(ref),
            "std": std,
            "numpyStd": numpy_std if np.isfinite(numpy_std) else str(numpy_std),
            "wassersteinDistance": w1,
            "normedWasserstein": w1 / std,
        },
    }


def seeded(seed, loc, spread, shift, n):
    g = np.random.default_rng(seed)
    return g.normal(loc, spread, n), g.normal(loc + shift, spread, n)


def main():
    perm = [(i * 7919) % 1500 for i in range(1500)]
    cases = [
        case("(0..1499)·1e150 vs (0..1499)·1.5e150", [k * 1e150 for k in perm], [k * 1e150 * 1.5 for k in perm]),
        case("N(0, 1)·1e200 vs N(0.3, 1)·1e200", *(x * 1e200 for x in seeded(7, 0.0, 1.0, 0.3, 2000))),
        case("N(0, 3e307) vs N(3e306, 3e307)", *seeded(8, 0.0, 3e307, 3e306, 1500)),
        case("N(5, 1)·1e-160 vs N(5.2, 1)·1e-160", *(x * 1e-160 for x in seeded(9, 5.0, 1.0, 0.2, 1200))),
    ]
    fixture = {
        "generator": "scripts/reference/stable_moments_scale.py",
        "libraries": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
        "cases": cases,
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
