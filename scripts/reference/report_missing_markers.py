"""Fixture for what `driftwatch report` reads as a missing CSV cell: pandas.read_csv's default
(keep_default_na=True, na_filter=True), whose markers are pandas._libs.parsers.STR_NA_VALUES.

Writes a CSV file (one row per candidate cell) holding every default marker and texts that
look like one but are values to pandas: other cases (`N/a`, `NAN`, `na`, `Null`), markers with
a space before or after them (` NA`, `NA `), a quoted marker (`"NA"`: missing, the quotes do
not protect it), a cell of spaces, and the infinities. Columns:

- `id`: the row's number;
- `cell`: the candidate, the only cell of the row that is not a number;
- `x`: the candidate in the first rows, then numbers (a numerical column with the candidates
  among its values: they are missing or type violations);
- `c`: the candidate in the first rows, then two categories (a categorical column);
- `label`, `prediction`: a binary classifier's classes, never missing;
- `score`: the candidate in the first rows, then probabilities (the score a report reads as
  numbers: a missing one is a row without a score).

A candidate with spaces around it outside quotes (`padded`: ` NA`, a cell of spaces) is in
`cell` only, its row holding a number in `x` and `score` and a category in `c`: pandas keeps the spaces,
where the report's CSV readers trim an unquoted cell (docs/report.md, "Cells").

Records the file's text, pandas' STR_NA_VALUES and version, and `pd.read_csv(...).isna()` of
each candidate cell (the rows of `cell`), and each column's missing count, in
fixtures/report-missing-markers.json (src/report/csv-cells.test.ts, test/report-missing-markers.test.ts).

Run: python scripts/reference/report_missing_markers.py (pandas as pinned in requirements.txt).
"""

import io
import json
from pathlib import Path

import pandas as pd
from pandas._libs.parsers import STR_NA_VALUES

OUT = Path(__file__).parent / "fixtures" / "report-missing-markers.json"
ROWS = 1000

# Texts written as they stand in the file (a quoted cell with its quotes).
LOOKALIKES = [
    "N/a", "n/A", "NAN", "Nan", "nAn", "na", "Na", "nA", "NONE", "none", "Null", "nULL",
    "#n/a", "#na", "#N/A n/a", "-NAN", "+nan", "+NaN", "1.#ind", "1.#INF", "-1.#INF", "<na>", "NaT", "nil",
    " NA", "NA ", " NaN", "n/a ", " #N/A", "  ", " ", "inf", "-inf", "Infinity", "0",
]
QUOTED = ['"NA"', '"#N/A"', '""', '" NA"', '"  "']


def quoted(cell: str) -> str:
    return f'"{cell}"' if "," in cell else cell


def padded(written: str) -> bool:
    return not written.startswith('"') and written != written.strip()


candidates = [quoted(m) for m in sorted(STR_NA_VALUES)] + LOOKALIKES + QUOTED
lines = ["id,cell,x,c,label,prediction,score"]
for i in range(ROWS):
    number, category, score = (i * 37) % 101 / 10, "ab"[i % 2], (i * 13) % 10 / 10
    label = 1 if (i * 7) % 3 == 0 else 0
    prediction = 1 - label if i % 5 == 0 else label
    if i < len(candidates) and not padded(candidates[i]):
        m = candidates[i]
        lines.append(f"{i},{m},{m},{m},{label},{prediction},{m}")
    else:
        lines.append(f"{i},{candidates[i] if i < len(candidates) else 'w'},{number},{category},{label},{prediction},{score}")
text = "\n".join(lines) + "\n"

df = pd.read_csv(io.StringIO(text), dtype={"cell": object})
na = df.isna()
assert list(df["id"]) == list(range(ROWS))
fixture = {
    "pandas": pd.__version__,
    "read_csv": "pd.read_csv(io.StringIO(csv)) defaults: keep_default_na=True, na_filter=True",
    "str_na_values": sorted(STR_NA_VALUES),
    "csv": text,
    # One per candidate: the text as written in the file, and whether pandas read the cell as missing.
    "cells": [{"written": m, "padded": padded(m), "missing": bool(na["cell"][i])} for i, m in enumerate(candidates)],
    "missing_counts": {c: int(na[c].sum()) for c in df.columns},
}
for i, m in enumerate(candidates):
    assert padded(m) or bool(na["x"][i]) == bool(na["c"][i]) == bool(na["score"][i]) == bool(na["cell"][i]), m
OUT.write_text(json.dumps(fixture, indent=1) + "\n")
print(f"{OUT}: {len(candidates)} cells, {sum(c['missing'] for c in fixture['cells'])} missing (pandas {pd.__version__})")
