"""Reference values for src/metrics/drift/psi.ts and kl.ts from Evidently 0.7's own stattests.

Writes fixtures/evidently_psi.json. Each case runs Evidently's registered `psi` and `kl_div`
stattests (evidently.legacy.calculations.stattests.psi._psi and kl_div._kl_div) on categorical
data and records the category counts driftwatch compares and Evidently's values. The point is
the empty-bin epsilon of get_binned_data: per side, the smallest non-zero share / 1e6 when that
share is <= 1e-4, else 1e-4.

Needs its own virtual environment: pip install "evidently==0.7.*" "pandas<3".
"""

import json
import pathlib
import sys

import evidently
import numpy as np
import pandas as pd
import scipy
from evidently.legacy.calculations.stattests.kl_div import _kl_div
from evidently.legacy.calculations.stattests.psi import _psi
from evidently.legacy.core import ColumnType

OUT = pathlib.Path(__file__).parent / "fixtures" / "evidently_psi.json"


def case(name, reference, current):
    ref = pd.Series([k for k, n in reference.items() for _ in range(n)])
    cur = pd.Series([k for k, n in current.items() for _ in range(n)])
    psi, _ = _psi(ref, cur, ColumnType.Categorical, 0.1)
    kl, _ = _kl_div(ref, cur, ColumnType.Categorical, 0.1)
    return {"name": name, "input": {"reference": reference, "current": current},
            "expected": {"psi": float(psi), "kl": float(kl)}}


def main():
    cases = [
        case("a rare reference category (1 in 20,000) and a new one in current",
             {"a": 12000, "b": 7999, "rare": 1}, {"a": 1200, "b": 760, "new": 40}),
        case("rarest shares above 1e-4: epsilon 1e-4 on both sides",
             {"a": 500, "b": 300, "c": 200}, {"a": 450, "b": 350, "d": 200}),
        case("a rare current category (1 in 50,000) and one gone",
             {"a": 600, "b": 400, "gone": 10}, {"a": 30000, "b": 19999, "rare": 1}),
        case("rarest share exactly 1e-4", {"a": 9999, "r": 1}, {"a": 5000, "n": 5000}),
    ]
    fixture = {
        "generator": "scripts/reference/evidently_psi.py",
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
