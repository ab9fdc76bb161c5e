"""Fixtures for what the report reads as missing, per format: one frame per side whose string
columns hold the texts a CSV file uses as missing markers ("NA", "None", "", "nan", "NULL", ...)
as real values, beside real nulls and float NaNs. Written by pandas as Parquet (to_parquet,
pyarrow) and as CSV (to_csv), with what pandas reads back from each: read_parquet keeps every
string (only a null and a NaN are missing), read_csv reads the markers as missing. The report
must count the same missing values and the same categories (test/report-parquet-strings.test.ts).

Run: python scripts/reference/report_parquet_strings.py (pandas + pyarrow; versions written to
test/fixtures/report-parquet-strings/VERSIONS, pandas' readings to expected.json).
"""
import json
import os

import numpy as np
import pandas as pd
import pyarrow

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'report-parquet-strings')
TOKENS = ['N/A', 'NaN', 'nan', 'null', 'NULL', '<NA>']


def frame(seed: int, n: int, p_na: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # "NA" is North America, "None" and "" mean no discount code: values, not missing ones.
    region = rng.choice(['NA', 'EU', 'APAC'], n, p=[p_na, (1 - p_na) * 0.6, (1 - p_na) * 0.4]).astype(object)
    region[rng.random(n) < 0.05] = None
    discount = rng.choice(['None', 'SUMMER', ''], n, p=[0.5, 0.3, 0.2]).astype(object)
    discount[rng.random(n) < 0.05] = None
    token = rng.choice(TOKENS, n).astype(object)
    token[rng.random(n) < 0.1] = None
    # A category column (dictionary-encoded in Parquet) whose categories are "NA" and "EU".
    market = pd.Categorical(rng.choice(['NA', 'EU', None], n, p=[0.5, 0.4, 0.1]), categories=['NA', 'EU'])
    x = rng.normal(0, 1, n).round(4)
    x[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({'region': region, 'discount': discount, 'token': token, 'market': market, 'x': x})


def reading(df: pd.DataFrame) -> dict:
    """What pandas read: per column, the missing count and the count of each string value."""
    out = {}
    for c in df.columns:
        col = df[c]
        entry = {'missing': int(col.isna().sum())}
        if c != 'x':
            entry['counts'] = {str(k): int(v) for k, v in col.dropna().astype(str).value_counts().sort_index().items()}
        out[c] = entry
    return out


os.makedirs(OUT, exist_ok=True)
expected = {}
for name, seed, p_na in (('reference', 11, 0.5), ('current', 12, 0.2)):
    df = frame(seed, 300, p_na)
    parquet = os.path.join(OUT, f'{name}.parquet')
    csv = os.path.join(OUT, f'{name}.csv')
    df.to_parquet(parquet, index=False, engine='pyarrow')
    df.to_csv(csv, index=False)
    expected[name] = {'parquet': reading(pd.read_parquet(parquet)), 'csv': reading(pd.read_csv(csv))}
with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write('\n')
with open(os.path.join(OUT, 'VERSIONS'), 'w') as f:
    f.write(f'pandas {pd.__version__}\npyarrow {pyarrow.__version__}\nnumpy {np.__version__}\n')
