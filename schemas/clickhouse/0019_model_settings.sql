-- The per-model settings of driftwatch.yaml that shape what is stored, as the store last took them:
-- the window size (window_marks, window_state, the metric tables and the detectors' checkpoints are
-- keyed by window_start without it, so windows of two sizes of one model overlap and inherit each
-- other's state) and the pii features (stored as HMAC pseudonyms, src/store/privacy.ts). Every
-- start through startApp (and recompute, erase, baseline) compares its configuration with these rows before it consumes, evaluates
-- or writes, refuses a changed window or a pii list that lost a feature while rows of the model are
-- stored, and records its settings (src/store/model-settings-guard.ts). A database migrated before
-- this table existed gets its rows at its next start, the window size derived from window_state.
-- pii is sorted. The newest recorded_at wins (read FINAL). Never erased, never TTL'd
-- (src/store/retention.ts leaves it alone): the settings describe rows that outlive raw retention.
CREATE TABLE IF NOT EXISTS {db}.model_settings
(
    model_id     LowCardinality(String),
    window_ms    UInt64,
    pii          Array(String),
    recorded_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(recorded_at)
ORDER BY model_id;
