-- Windows that need (re-)evaluation. The stream consumers insert a mark after the data of a batch
-- is durable: for the windows its predictions fall in, and for the windows of the predictions its
-- labels join to. The evaluator evaluates a window when its newest mark is newer than the mark it
-- last evaluated (window_state), and when the window closes.
CREATE TABLE IF NOT EXISTS {db}.window_marks
(
    model_id       LowCardinality(String),
    model_version  LowCardinality(String),
    window_start   DateTime64(3, 'UTC'),
    window_ms      UInt64,
    reason         LowCardinality(String),
    marked_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(marked_at)
ORDER BY (marked_at, model_id, model_version, window_start);

-- The evaluator's view of each window: the newest mark it has evaluated, and whether the window
-- was closed (watermark past its end) at that evaluation. Newest version wins.
CREATE TABLE IF NOT EXISTS {db}.window_state
(
    model_id          LowCardinality(String),
    model_version     LowCardinality(String),
    window_start      DateTime64(3, 'UTC'),
    window_ms         UInt64,
    last_mark         DateTime64(3, 'UTC'),
    closed            UInt8,
    eval_version      UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, window_start);

-- Mergeable partial aggregates per (model, version, window, partition): feature histograms over
-- the reference bins, category counts, missing counts, score histograms, per-group confusion
-- counts. state is the accumulator's JSON. The evaluator merges partitions with the accumulators'
-- merge, so one consumer or many give the same metrics.
CREATE TABLE IF NOT EXISTS {db}.partial_aggregates
(
    model_id       LowCardinality(String),
    model_version  LowCardinality(String),
    window_start   DateTime64(3, 'UTC'),
    partition      UInt32,
    kind           LowCardinality(String),
    key            String,
    state          String,
    eval_version   UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, window_start, kind, key, partition);
