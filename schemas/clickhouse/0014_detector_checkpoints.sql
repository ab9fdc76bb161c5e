-- Streaming detector checkpoints: per (model, version, detector) and fed window, the detector's
-- record after that window (state = the detector_state JSON), the concept drift row the window got
-- (row, JSON), and a digest of the inputs fed (count and xor of per-input hashes of prediction_id,
-- event time and error). A window re-evaluated with a different digest (a late label, a corrected
-- label, an erasure) replays the detector from the checkpoint before it (src/evaluate/
-- detector-replay.ts). Newest eval_version wins.
CREATE TABLE IF NOT EXISTS {db}.detector_checkpoints
(
    model_id        LowCardinality(String),
    model_version   LowCardinality(String),
    detector        LowCardinality(String),
    window_start    DateTime64(3, 'UTC'),
    window_end      DateTime64(3, 'UTC'),
    digest          String,
    state           String,
    row             String,
    eval_version    UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, detector, window_end);
