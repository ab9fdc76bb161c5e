"""Reference values for src/metrics/fairness/*.

Writes fixtures/fairness.json: per-group metrics from fairlearn 0.15.0's MetricFrame (count,
selection_rate, true_positive_rate, false_positive_rate, accuracy, and sklearn's
precision_score with zero_division=0 as PPV), per-group expected calibration error from a
numpy implementation (the same as performance.py's), and the parity metrics from fairlearn's
demographic_parity_difference / _ratio, equalized_odds_difference (agg='worst_case') and
equal_opportunity_difference.

driftwatch excludes groups smaller than `minGroupSize` from the parity metrics; fairlearn has
no such option, so the parity references are computed by fairlearn on the data restricted to
the sufficient groups.

Undefined rates (a deliberate departure from fairlearn): a group without a positive label has
TPR 0 in fairlearn (sklearn's confusion_matrix turns 0/0 into 0) and NaN in driftwatch, which
leaves it out of equal opportunity and equalized odds; likewise a group without a negative
label and its FPR (equalized odds). `parityDefinedRates` holds those two metrics computed by
fairlearn on the sufficient groups whose rates are defined (NaN when fewer than two remain),
with the groups left out; `parity` keeps fairlearn's own figures over all sufficient groups.
A group without a predicted positive has PPV 0 here (zero_division=0) and NaN in driftwatch,
as driftwatch's precision at 0/0 is; no parity metric reads PPV.

Deterministic (seeded numpy Generator). NaN is written as null.
"""

import json
import math
import platform
import warnings
from functools import partial
from pathlib import Path

import fairlearn
import numpy as np
import pandas as pd
import scipy
import sklearn
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score

warnings.simplefilter("ignore")

SEED = 20240612
MIN_GROUP_SIZE = 30
N_BINS = 10
rng = np.random.default_rng(SEED)
OUT = Path(__file__).parent / "fixtures" / "fairness.json"


def clean(x):
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        return None if math.isnan(v) else v
    if isinstance(x, np.str_):
        return str(x)
    return x


def ece_numpy(outcome, prob, n_bins=N_BINS):
    """Equal-width bins (e_k, e_{k+1}], 0 in the first (calibration_curve's), count-weighted."""
    outcome, prob = np.asarray(outcome, dtype=float), np.asarray(prob, dtype=float)
    if len(prob) == 0:
        return float("nan")
    ids = np.searchsorted(np.linspace(0.0, 1.0, n_bins + 1)[1:-1], prob)
    total = np.bincount(ids, minlength=n_bins)
    sum_p = np.bincount(ids, weights=prob, minlength=n_bins)
    sum_y = np.bincount(ids, weights=outcome, minlength=n_bins)
    nz = total > 0
    return float(np.sum(total[nz] / len(prob) * np.abs(sum_y[nz] / total[nz] - sum_p[nz] / total[nz])))


METRICS = {
    "count": count,
    "selectionRate": selection_rate,
    "truePositiveRate": true_positive_rate,
    "falsePositiveRate": false_positive_rate,
    "positivePredictiveValue": partial(precision_score, zero_division=0),
    "accuracy": accuracy_score,
}


def case(name, groups, y_true, y_pred, scores):
    groups, y_true, y_pred, scores = map(np.asarray, (groups, y_true, y_pred, scores))
    mf = MetricFrame(metrics=METRICS, y_true=y_true, y_pred=y_pred, sensitive_features=groups)
    per_group = {}
    for g, row in mf.by_group.iterrows():
        mask = groups == g
        per_group[str(g)] = {**{k: row[k] for k in METRICS}, "ece": ece_numpy(y_true[mask], scores[mask])}
    sizes = pd.Series(groups).value_counts()
    sufficient = sorted(sizes[sizes >= MIN_GROUP_SIZE].index.tolist())
    keep = np.isin(groups, sufficient)
    kw = {"y_true": y_true[keep], "y_pred": y_pred[keep], "sensitive_features": groups[keep]}
    if keep.any():
        dpr = demographic_parity_ratio(**kw)
        parity = {
            "demographicParityDifference": demographic_parity_difference(**kw),
            "demographicParityRatio": dpr,
            "equalizedOddsDifference": equalized_odds_difference(**kw, agg="worst_case"),
            "equalOpportunityDifference": equal_opportunity_difference(**kw),
            "disparateImpactRatio": dpr,
            "fourFifthsRuleViolated": None if math.isnan(dpr) else bool(dpr < 0.8),
        }
    else:
        parity = {k: float("nan") for k in ["demographicParityDifference", "demographicParityRatio",
                                           "equalizedOddsDifference", "equalOpportunityDifference",
                                           "disparateImpactRatio"]}
        parity["fourFifthsRuleViolated"] = None
    has_pos = {g: bool(np.any(y_true[groups == g] == 1)) for g in sufficient}
    has_neg = {g: bool(np.any(y_true[groups == g] == 0)) for g in sufficient}
    opportunity = [g for g in sufficient if has_pos[g]]
    odds = [g for g in opportunity if has_neg[g]]

    def restricted(metric, keep_groups, **extra):
        if len(keep_groups) < 2:
            return float("nan")
        m = np.isin(groups, keep_groups)
        return metric(y_true=y_true[m], y_pred=y_pred[m], sensitive_features=groups[m], **extra)

    defined_rates = {
        "equalOpportunityDifference": restricted(equal_opportunity_difference, opportunity),
        "equalizedOddsDifference": restricted(equalized_odds_difference, odds, agg="worst_case"),
        "withoutPositives": [g for g in sufficient if not has_pos[g]],
        "withoutNegatives": [g for g in sufficient if not has_neg[g]],
    }
    return {
        "name": name,
        "input": {"groups": groups.tolist(), "yTrue": y_true.tolist(), "yPred": y_pred.tolist(), "scores": scores.tolist()},
        "expected": {"groups": per_group, "sufficientGroups": sufficient, "parity": parity, "parityDefinedRates": defined_rates},
    }


def synth(sizes, base_rates, biases):
    groups, y_true, y_pred, scores = [], [], [], []
    for g, n, rate, bias in zip(sizes.keys(), sizes.values(), base_rates, biases):
        p = np.round(np.clip(rng.beta(2, 2, n) * 0.8 + 0.2 * rate + bias, 0, 1), 6)
        y = rng.binomial(1, np.clip(p, 0, 1))
        groups += [g] * n
        y_true += y.tolist()
        scores += p.tolist()
        y_pred += (p >= 0.5).astype(int).tolist()
    return groups, y_true, y_pred, scores


cases = [
    case("four_groups_one_insufficient", *synth({"a": 200, "b": 150, "c": 90, "d": 12}, [0.5, 0.3, 0.4, 0.6], [0.05, -0.1, 0.0, 0.1])),
    case("numeric_groups_fair", *synth({1: 120, 2: 100, 3: 80}, [0.5, 0.5, 0.5], [0.0, 0.01, -0.01])),
    case("single_sufficient_group", *synth({"x": 100, "y": 10}, [0.5, 0.5], [0.0, 0.2])),
]

# Groups without positives / without negatives: fairlearn's rates are 0 there (sklearn's
# confusion_matrix(normalize='true') turns 0/0 into 0).
g, yt, yp, sc = synth({"m": 60, "n": 40, "p": 50}, [0.5, 0.5, 0.5], [0.0, -0.2, 0.2])
yt = np.asarray(yt)
yt[60:100] = 0
yt[100:150] = 1
cases.append(case("groups_without_positives_or_negatives", g, yt.tolist(), yp, sc))

# Nobody selected: every selection rate is 0, so the ratio is 0/0 = NaN.
g, yt, yp, sc = synth({"u": 40, "v": 40}, [0.5, 0.5], [0.0, 0.0])
cases.append(case("nobody_selected", g, yt, [0] * len(yp), sc))

# Every label negative: fairlearn's TPR is 0 in both groups, so equal opportunity is 0
# ("perfectly fair"); driftwatch has no TPR to compare and no figure.
g, yt, yp, sc = synth({"s": 50, "t": 45}, [0.5, 0.5], [0.1, -0.1])
cases.append(case("all_labels_negative", g, [0] * len(yt), yp, sc))

fixture = {
    "generator": "scripts/reference/fairness.py",
    "seed": SEED,
    "minGroupSize": MIN_GROUP_SIZE,
    "nBins": N_BINS,
    "versions": {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "fairlearn": fairlearn.__version__,
        "pandas": pd.__version__,
    },
    "cases": cases,
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(clean(fixture), allow_nan=False, separators=(",", ":")) + "\n")
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
