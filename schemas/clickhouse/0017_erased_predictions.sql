-- The predictions `driftwatch erase` deleted, by (model_id, prediction_id), written before it deletes
-- anything (src/store/erase.ts). Ingest does not store these ids again (src/pipeline/erased-screen.ts):
-- the topics still hold the original events, and a consumer that reads them again (its group's
-- offsets expired or reset, a new KAFKA_GROUP_ID) would otherwise bring the subject back.
-- labels_erased = 1: the prediction's labels and the dead letters keyed by its id were deleted too,
-- so labels and dead letters of that id are not stored again either.
-- Holds no subject id and no event data: the ids alone (docs/operations.md, "Erasing a data
-- subject"). Never erased, never TTL'd (src/store/retention.ts leaves it alone): a replay can come
-- as long as the topics keep the events. erased_at is the server's time at insert; ordered by it
-- so that running instances read only the newest rows (a range of the primary key).
CREATE TABLE IF NOT EXISTS {db}.erased_predictions
(
    model_id       String,
    prediction_id  String,
    labels_erased  UInt8,
    erased_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (erased_at, model_id, prediction_id)
