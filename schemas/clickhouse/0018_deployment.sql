-- This deployment's id: a random UUID made once, when the database is first migrated, and kept for
-- as long as the database lives. Alert notifications carry ids that receivers shared between
-- deployments (one mailbox, one Grafana) compare: the email Message-ID, Grafana's driftwatch-id
-- tag. Transition ids (<alert key>#<seq>) restart at 1 in every database, so those ids are made
-- from this id, the database name and the outbox key (src/alerts/notification.ts deliveryId):
-- staging and production, or two tenants' databases, never send two different alerts under one id.
-- Two starts in step may both insert a row (the count below is read before either insert lands):
-- the earliest row, then the smallest id, is the deployment's id, the same for every reader
-- (src/alerts/create-alert-service.ts). Never erased, never TTL'd (src/store/retention.ts leaves it
-- alone): a new id would change the ids of notifications still to be re-sent. A table found empty
-- (its row deleted by hand) gets its new id from the INSERT below, which the alert service reads
-- from this file (deploymentIdInsert in src/alerts/create-alert-service.ts).
CREATE TABLE IF NOT EXISTS {db}.deployment
(
    deployment_id  String,
    created_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (created_at, deployment_id);

INSERT INTO {db}.deployment (deployment_id)
SELECT toString(generateUUIDv4())
WHERE (SELECT count() FROM {db}.deployment) = 0;
