"""Reference values for src/metrics/drift/jensen-shannon.ts from Evidently 0.7's own stattest.

Writes fixtures/evidently_js.json. Each case runs Evidently's registered `jensenshannon`
stattest (evidently.legacy.calculations.stattests.jensenshannon._jensenshannon, default
threshold 0.1) and records its value and verdict:
- categorical: the counts per category are the input driftwatch compares;
- numerical: Evidently bins the pooled values with numpy's Sturges edges; the fixture records
  those edges' counts on each side, so the test compares driftwatch's distance over the very
  same bins (driftwatch's own bins are reference deciles: the binning is not the point here,
  the log base and the threshold are).

Needs its own virtual environment: pip install "evidently==0.7.*".
Deterministic: seeded numpy Generators.
"""

import json
import pathlib
import sys

import evidently
import numpy as np
import pandas as pd
import scipy
from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon, jensenshannon_stat_test
from evidently.legacy.core import ColumnType

OUT = pathlib.Path(__file__).parent / "fixtures" / "evidently_js.json"
THRESHOLD = jensenshannon_stat_test.default_threshold


def categorical(name, reference, current):
    ref, cur = pd.Series(reference), pd.Series(current)
    value, drift = _jensenshannon(ref, cur, ColumnType.Categorical, THRESHOLD)
    keys = sorted(set(reference) | set(current))
    return {
        "kind": "categorical",
        "name": name,
        "input": {
            "reference": {k: int((ref == k).sum()) for k in keys},
            "current": {k: int((cur == k).sum()) for k in keys},
        },
        "expected": {"jensenshannon": float(value), "driftDetected": bool(drift), "threshold": THRESHOLD},
    }


def numerical(name, reference, current):
    ref, cur = pd.Series(reference), pd.Series(current)
    value, drift = _jensenshannon(ref, cur, ColumnType.Numerical, THRESHOLD)
    edges = np.histogram_bin_edges(np.concatenate([reference, current]), bins="sturges")
    return {
        "kind": "numerical",
        "name": name,
        "input": {
            "referenceCounts": [int(c) for c in np.histogram(reference, edges)[0]],
            "currentCounts": [int(c) for c in np.histogram(current, edges)[0]],
        },
        "expected": {"jensenshannon": float(value), "driftDetected": bool(drift), "threshold": THRESHOLD},
    }


def main():
    g = np.random.default_rng(21)
    cases = [
        categorical("web/app 1000/1000 vs 1250/750 (the issue's example)", ["web"] * 1000 + ["app"] * 1000,
                    ["web"] * 1250 + ["app"] * 750),
        categorical("web/app 1000/1000 vs 1300/700", ["web"] * 1000 + ["app"] * 1000, ["web"] * 1300 + ["app"] * 700),
        categorical("five categories, one unseen in reference", list(g.choice(list("abcd"), 3000, p=[0.4, 0.3, 0.2, 0.1])),
                    list(g.choice(list("abcde"), 2000, p=[0.3, 0.3, 0.2, 0.1, 0.1]))),
        categorical("a category gone in current", list(g.choice(list("xyz"), 1500)), list(g.choice(list("xy"), 1500))),
        categorical("identical proportions", ["u"] * 600 + ["v"] * 400, ["u"] * 1200 + ["v"] * 800),
        numerical("N(0, 1) vs N(0.3, 1), 2,000 each", g.normal(0, 1, 2000), g.normal(0.3, 1, 2000)),
        numerical("N(0, 1) vs N(0, 1.4), 5,000 vs 3,000", g.normal(0, 1, 5000), g.normal(0, 1.4, 3000)),
        numerical("lognormal vs shifted lognormal", g.lognormal(0, 0.5, 4000), g.lognormal(0.15, 0.5, 4000)),
    ]
    fixture = {
        "generator": "scripts/reference/evidently_js.py",
        "libraries": {"python": sys.version.split()[0], "evidently": evidently.__version__, "numpy": np.__version__,
                      "scipy": scipy.__version__, "pandas": pd.__version__},
        "cases": cases,
    }
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")
    for c in cases:
        print(c["name"], c["expected"])


if __name__ == "__main__":
    main()
