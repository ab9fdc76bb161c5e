-- Alerting (docs/alerts.md): the transition log, the notification outbox and silences.

-- The alerts table is the log of transitions: one row per state change of an alert key
-- (rule/model/version/subject). The newest row of a key is the key's current state.
-- transition_id = '<alert_key>#<seq>' names one transition; seq counts the key's transitions.
ALTER TABLE {db}.alerts
    ADD COLUMN IF NOT EXISTS transition_id String,
    ADD COLUMN IF NOT EXISTS seq UInt32,
    ADD COLUMN IF NOT EXISTS metric LowCardinality(String),
    ADD COLUMN IF NOT EXISTS window_end DateTime64(3, 'UTC');

-- The outbox: one row per notification and channel. idempotency_key = hash(channel, the
-- transition ids the notification carries). Rows are created with version 0 and every status
-- change re-inserts the row with a higher version, so the newest status wins (FINAL) and a
-- repeated creation can never overwrite a delivery status. channel '' with status 'skipped'
-- records transitions deliberately not notified (superseded, or their firing never was).
-- status: pending | sending | sent | failed | skipped | unknown (in doubt, re-sends spent: docs/alerts.md).
-- in_doubt = 1 when an earlier attempt may have reached the receiver (timeout, or a crash
-- between sending and recording 'sent').
CREATE TABLE IF NOT EXISTS {db}.alert_outbox
(
    idempotency_key  String,
    channel          LowCardinality(String),
    transition_ids   Array(String),
    alert_keys       Array(String),
    rule             LowCardinality(String),
    model_id         LowCardinality(String),
    model_version    LowCardinality(String),
    transition       LowCardinality(String),
    window_start     DateTime64(3, 'UTC'),
    payload          String,
    status           LowCardinality(String),
    attempts         UInt32,
    in_doubt         UInt8,
    next_attempt_at  DateTime64(3, 'UTC'),
    last_error       String,
    created_at       DateTime64(3, 'UTC'),
    updated_at       DateTime64(3, 'UTC'),
    version          UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY idempotency_key;

-- Silences (mutes) from `driftwatch alerts mute`: rule '' or model_id '' match any. Unmuting
-- re-inserts the silence with ends_at = now under a higher version.
CREATE TABLE IF NOT EXISTS {db}.alert_silences
(
    id          String,
    rule        String,
    model_id    String,
    starts_at   DateTime64(3, 'UTC'),
    ends_at     DateTime64(3, 'UTC'),
    reason      String,
    created_by  String,
    version     UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
