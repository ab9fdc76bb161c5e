/**
 * Labels that are held: stored in ground_truth, with no stored prediction, and not yet
 * dead-lettered as orphans. One definition for the orphan sweep (those stored before a cutoff)
 * and the pending-labels gauge (those stored since the sweep's cursor). "No stored prediction"
 * covers a prediction that never arrived and one stored and removed since (retention.raw, or
 * `driftwatch erase`): the table cannot tell them apart, so neither do these labels.
 */

/**
 * A subquery of the held labels (every ground_truth column, FINAL) stored before the query
 * parameter {cutoff:DateTime64(3, 'UTC')}; with `storedSince`, only labels of which a version was
 * stored at or after {since:DateTime64(3, 'UTC')} (the sweep's bound: labels it has already
 * looked at are not merged again). That bound selects prediction ids, ground_truth's sorting
 * key, before FINAL, so the newest version still wins.
 */
export function unjoinedLabelsSql({ storedSince }: { storedSince: boolean }): string {
  const stored = "ingested_at < {cutoff:DateTime64(3, 'UTC')}"
  const recent = storedSince ? `ingested_at >= {since:DateTime64(3, 'UTC')} AND ${stored}` : stored
  const candidates = storedSince ? `PREWHERE prediction_id IN (SELECT prediction_id FROM {db}.ground_truth WHERE ${recent})` : ''
  return `(SELECT * FROM {db}.ground_truth FINAL ${candidates} WHERE ${stored}) AS g
          WHERE prediction_id NOT IN (
                  SELECT prediction_id FROM {db}.predictions
                  WHERE prediction_id IN (SELECT prediction_id FROM {db}.ground_truth WHERE ${recent}))
            AND (source_topic, source_partition, source_offset) NOT IN (
                  SELECT source_topic, source_partition, source_offset FROM {db}.dead_letters WHERE error_code = 'DW_ORPHAN_LABEL')`
}
