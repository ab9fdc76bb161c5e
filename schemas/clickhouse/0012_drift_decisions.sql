-- One corrected p-value decides everywhere, and no verdict without the data that supports it
-- (docs/evaluation.md, "How drift is decided").

-- drift: p_value is the raw p-value of the deciding test; p_value_adjusted the one compared
-- with the threshold (Benjamini-Hochberg over the window's feature tests unless the model sets
-- correction: none; equal to p_value for prediction, label and concept rows, each a family of
-- one; NULL for distances). status: 'ok', 'insufficient' (fewer rows than the documented
-- minimum on a side: drift_detected NULL) or 'method_not_applicable' (a configured method that
-- does not apply to the column: drift_detected NULL). Rows written before this migration have
-- p_value_adjusted NULL and status 'ok'.
ALTER TABLE {db}.drift
    ADD COLUMN IF NOT EXISTS p_value_adjusted Nullable(Float64) AFTER p_value,
    ADD COLUMN IF NOT EXISTS status LowCardinality(String) DEFAULT 'ok' AFTER drift_detected;

ALTER TABLE {db}.drift MODIFY COLUMN drift_detected Nullable(UInt8);

-- dataset_drift: features without a verdict for lack of data are counted, not silently left out;
-- status 'insufficient' when no feature could be judged (drift_share is then nan).
ALTER TABLE {db}.dataset_drift
    ADD COLUMN IF NOT EXISTS n_insufficient UInt32 DEFAULT 0 AFTER n_drifted,
    ADD COLUMN IF NOT EXISTS status LowCardinality(String) DEFAULT 'ok';

-- fairness: a parity figure involving a group below minGroupSize is NULL with status
-- 'insufficient' (it used to be stored as 1.0 / 'ok', which alert rules read as fair).
ALTER TABLE {db}.fairness MODIFY COLUMN value Nullable(Float64);
