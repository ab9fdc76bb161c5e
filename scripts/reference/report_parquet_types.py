"""Fixtures for the report's reading of Parquet: one frame written by pandas both as CSV
(to_csv) and as Parquet (to_parquet, pyarrow), for each column type whose text the report
must read as pandas writes it to CSV (bool, nullable boolean, dates, datetimes of every unit,
with and without a time part, with a time zone, nullable integers). The report of the CSV
pair and of the Parquet pair must be the same JSON (test/report-parquet-types.test.ts).

Run: python scripts/reference/report_parquet_types.py (pandas + pyarrow; versions written to
test/fixtures/report-parquet/VERSIONS).
"""
import datetime as dt
import os

import numpy as np
import pandas as pd
import pyarrow

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'report-parquet')


def frame(seed: int, shift_days: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 60
    days = pd.Timestamp('2024-01-01') + pd.to_timedelta(rng.integers(0, 40, n) + shift_days, unit='D')
    seconds = pd.to_timedelta(rng.integers(0, 86400, n), unit='s')
    flags = rng.random(n) < 0.4
    nullable = pd.array(flags, dtype='boolean')
    nullable[::7] = pd.NA
    counts = pd.array(rng.integers(0, 12, n), dtype='Int64')
    counts[::9] = pd.NA
    return pd.DataFrame({
        'flag': flags,
        'flag_nullable': nullable,
        'day_ns': days.astype('datetime64[ns]'),
        'day_us': days.astype('datetime64[us]'),
        'day_ms': days.astype('datetime64[ms]'),
        'day_s': days.astype('datetime64[s]'),
        'date32': [d.date() for d in days],
        'at_ns': (days + seconds).astype('datetime64[ns]'),
        'at_us_fraction': (days + seconds + pd.to_timedelta(rng.integers(0, 1000, n), unit='us')).astype('datetime64[us]'),
        'at_ms_fraction': (days + seconds + pd.to_timedelta(rng.integers(0, 1000, n), unit='ms')).astype('datetime64[ms]'),
        'at_utc': (days + seconds).tz_localize('UTC'),
        'at_berlin': (days + seconds).tz_localize('UTC').tz_convert('Europe/Berlin'),
        'day_with_missing': pd.Series(days).where(rng.random(n) > 0.2),
        'count_nullable': counts,
        'x': rng.normal(0, 1, n).round(4),
    })


os.makedirs(OUT, exist_ok=True)
for name, seed, shift in (('reference', 1, 0), ('current', 2, 3)):
    df = frame(seed, shift)
    df.to_csv(os.path.join(OUT, f'{name}.csv'), index=False)
    df.to_parquet(os.path.join(OUT, f'{name}.parquet'), index=False, engine='pyarrow')
with open(os.path.join(OUT, 'VERSIONS'), 'w') as f:
    f.write(f'pandas {pd.__version__}\npyarrow {pyarrow.__version__}\nnumpy {np.__version__}\n')
