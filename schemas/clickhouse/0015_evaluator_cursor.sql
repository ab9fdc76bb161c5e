-- How far the evaluator has read window_marks: the newest marked_at of the marks whose windows it
-- has evaluated (src/evaluate/due.ts). Each tick reads only marks newer than this (less a safety
-- overlap for inserts that commit late), so its cost follows new activity, not history. Written
-- after a tick's windows are evaluated; the maximum wins, so a restarted or newly elected
-- evaluator carries on where the last one stopped.
CREATE TABLE IF NOT EXISTS {db}.evaluator_cursor
(
    name              LowCardinality(String),
    marks_read_until  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(marks_read_until)
ORDER BY name;
