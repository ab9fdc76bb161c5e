-- The pseudonymization key the stored pseudonyms were made with, as a fingerprint: HMAC-SHA256 of a
-- fixed text under the key, hex (src/store/pseudonymize.ts keyFingerprint), never the key itself.
-- subject_id and the pii features are stored as HMACs under the key (src/store/privacy.ts): rows
-- stored under two keys no longer join by subject, erase by subject or compare in drift. Every
-- start through startApp (and recompute, erase, baseline) compares the fingerprint of its key with
-- the newest row here before it consumes, evaluates or writes, refuses a different key while
-- pseudonymized rows are stored, and records its own otherwise (src/store/model-settings-guard.ts).
-- A database migrated before this table existed records the key of its next start: rows stored
-- before under another key cannot be told apart. One row per key taken, the newest recorded_at
-- (then the greatest fingerprint, for two starts in the same millisecond) is the current one.
-- Never erased, never TTL'd (src/store/retention.ts leaves it alone): the key describes rows that
-- outlive raw retention.
CREATE TABLE IF NOT EXISTS {db}.pseudonymization_key
(
    fingerprint  String,
    recorded_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (recorded_at, fingerprint);
