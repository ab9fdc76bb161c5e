"""Fixture for the label drift and the multiclass weighted averages of `driftwatch report`
(src/report/performance-section.ts, src/report/continuous-section.ts).

The report compares each file's label column as the stream's label drift row does
(src/evaluate/compute.ts, src/evaluate/drift-rows.ts categoricalDrift): over the label classes,
with Evidently's default method for the sizes (src/metrics/drift/select-method.ts: at most 1000
values on a side, the two-proportion z-test for two classes, the chi-square test of homogeneity
for more); a continuous label as numbers, as a numerical feature (KS). A row whose score the
stream refuses (outside [0, 1]) is dead-lettered there with its prediction, so its label joins
none: it is left out here too. Three cases, each a reference and a current CSV file:

- `binary`: labels 0/1, 41% positive in the reference and 20% in the current, with prediction
  and score columns; two current rows have a score of 1.7 (refused) and one has no label.
  Label drift: statsmodels proportions_ztest(count=[positives_ref, positives_cur],
  nobs=[n_ref, n_cur]) (pooled variance, two-sided), its statistic and p-value.
- `multiclass`: labels bird / cat / dog whose shares move from 0.2 / 0.3 / 0.5 to 0.4 / 0.3 /
  0.3, with a predicted class per row (no score column) that never says "bird" in the current
  file. Label drift: scipy.stats.chi2_contingency over the 2 x 3 table of the files' label
  counts, correction=False; and each file's accuracy_score and
  precision_recall_fscore_support(average='macro' and 'weighted', zero_division=0) on the class
  texts (the stream's `*_macro` and `*_weighted` rows, src/evaluate/task-rows.ts).
- `regression`: a continuous label (and prediction) whose mean moves by 0.4 standard
  deviations. Label drift: scipy.stats.ks_2samp(reference, current) (method 'auto': exact here).

Run: python scripts/reference/report_label_drift.py (numpy, scipy, scikit-learn, statsmodels as
pinned in requirements.txt). Writes fixtures/report-label-drift.json with the files' text, the
library versions, the calls and the values (test/report-label-drift.test.ts).
"""

import json
from pathlib import Path

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy.stats import chi2_contingency, ks_2samp
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from statsmodels.stats.proportion import proportions_ztest

OUT = Path(__file__).parent / "fixtures" / "report-label-drift.json"
rng = np.random.default_rng(20250611)


def csv(header, rows) -> str:
    return "\n".join([",".join(header)] + [",".join(str(c) for c in r) for r in rows]) + "\n"


def binary_side(n, positive_share):
    x = rng.normal(0, 1, n)
    label = (rng.random(n) < positive_share).astype(int)
    score = np.clip(np.round(0.25 + 0.5 * label + rng.normal(0, 0.2, n), 4), 0, 1)
    prediction = (score >= 0.5).astype(int)
    return [[f"{a:.4f}", b, f"{s:.4f}", p] for a, b, s, p in zip(x, label, score, prediction)]


def binary():
    reference = binary_side(400, 0.41)
    current = binary_side(400, 0.2)
    current[3][2] = "1.7"
    current[10][2] = "1.7"
    current[20][1] = ""
    header = ["x", "label", "score", "prediction"]

    def taken(rows):
        # The rows the stream takes (a score in [0, 1]) with a label.
        return [int(r[1]) for r in rows if 0 <= float(r[2]) <= 1 and r[1] != ""]

    ref, cur = taken(reference), taken(current)
    z, p = proportions_ztest(count=[sum(ref), sum(cur)], nobs=[len(ref), len(cur)])
    return {
        "reference": csv(header, reference),
        "current": csv(header, current),
        "label_drift": {
            "method": "z",
            "reference_count": len(ref),
            "current_count": len(cur),
            "counts": {"reference": {"0": len(ref) - sum(ref), "1": sum(ref)}, "current": {"0": len(cur) - sum(cur), "1": sum(cur)}},
            "drift_score": float(z),
            "p_value": float(p),
        },
    }


CLASSES = ["bird", "cat", "dog"]


def multiclass_side(n, shares, never_bird):
    label = rng.choice(CLASSES, n, p=shares)
    right = rng.random(n) < 0.7
    other = rng.choice(["cat", "dog"] if never_bird else CLASSES, n)
    prediction = np.where(right, label, other)
    if never_bird:
        prediction = np.where(prediction == "bird", "cat", prediction)
    x = rng.normal(0, 1, n)
    return [[f"{a:.4f}", b, c] for a, b, c in zip(x, label, prediction)]


def metrics(rows):
    y, p = [r[1] for r in rows], [r[2] for r in rows]
    out = {"rows": len(y), "accuracy": accuracy_score(y, p)}
    for average in ("macro", "weighted"):
        precision, recall, f1, _ = precision_recall_fscore_support(y, p, average=average, zero_division=0)
        suffix = "" if average == "macro" else "_weighted"
        out |= {f"precision{suffix}": precision, f"recall{suffix}": recall, f"f1{suffix}": f1}
    return out


def multiclass():
    reference = multiclass_side(500, [0.2, 0.3, 0.5], False)
    current = multiclass_side(400, [0.4, 0.3, 0.3], True)
    counts = [[sum(r[1] == c for r in rows) for c in CLASSES] for rows in (reference, current)]
    chi2, p, dof, _ = chi2_contingency(np.array(counts), correction=False)
    header = ["x", "label", "prediction"]
    return {
        "reference": csv(header, reference),
        "current": csv(header, current),
        "label_drift": {
            "method": "chi2",
            "reference_count": len(reference),
            "current_count": len(current),
            "counts": {side: dict(zip(CLASSES, map(int, c))) for side, c in zip(("reference", "current"), counts)},
            "drift_score": float(chi2),
            "p_value": float(p),
            "dof": int(dof),
        },
        "metrics": {"reference": metrics(reference), "current": metrics(current)},
    }


def regression_side(n, shift):
    label = rng.normal(50 + shift, 10, n)
    prediction = label + rng.normal(0, 3, n)
    x = rng.normal(0, 1, n)
    return [[f"{a:.4f}", f"{b:.3f}", f"{c:.3f}"] for a, b, c in zip(x, label, prediction)]


def regression():
    reference = regression_side(300, 0)
    current = regression_side(250, 4)
    result = ks_2samp([float(r[1]) for r in reference], [float(r[1]) for r in current])
    header = ["x", "label", "prediction"]
    return {
        "reference": csv(header, reference),
        "current": csv(header, current),
        "label_drift": {
            "method": "ks",
            "reference_count": len(reference),
            "current_count": len(current),
            "drift_score": float(result.statistic),
            "p_value": float(result.pvalue),
        },
    }


fixture = {
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__, "statsmodels": statsmodels.__version__},
    "calls": {
        "binary": "statsmodels.stats.proportion.proportions_ztest(count=[positives_ref, positives_cur], nobs=[n_ref, n_cur]) on the rows with a label and a score in [0, 1]",
        "multiclass": "scipy.stats.chi2_contingency(2 x 3 label counts, correction=False); accuracy_score(y, p), "
        "precision_recall_fscore_support(y, p, average='macro' | 'weighted', zero_division=0) on the class texts",
        "regression": "scipy.stats.ks_2samp(reference labels, current labels) (method 'auto')",
    },
    "binary": binary(),
    "multiclass": multiclass(),
    "regression": regression(),
}
assert fixture["binary"]["label_drift"]["p_value"] < 0.05 and fixture["multiclass"]["label_drift"]["p_value"] < 0.05
assert fixture["regression"]["label_drift"]["p_value"] < 0.05
m = fixture["multiclass"]["metrics"]["current"]
assert m["precision_weighted"] != m["precision"]
OUT.write_text(json.dumps(fixture, indent=1) + "\n")
print(f"wrote {OUT}")
