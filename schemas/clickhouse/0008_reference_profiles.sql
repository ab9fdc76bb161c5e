-- Reference profiles stored by `driftwatch baseline` (src/metrics/profile's JSON), one row per
-- (model, profile_version); profile_version is the creation time in ms, so the newest wins for
-- `reference: { baseline: latest }`. Not subject to retention: a baseline may be old on purpose.
CREATE TABLE IF NOT EXISTS {db}.reference_profiles
(
    model_id         LowCardinality(String),
    profile_version  UInt64,
    created_at       DateTime64(3, 'UTC'),
    source           String,
    rows             UInt64,
    profile          String
)
ENGINE = ReplacingMergeTree(created_at)
ORDER BY (model_id, profile_version);
