/**
 * Labels that are held: stored in ground_truth, with no stored prediction, and not yet
 * dead-lettered as orphans. One definition for the orphan sweep (those stored before a cutoff)
 * and the pending-labels gauge (all of them).
 */

/**
 * A subquery of the held labels (every ground_truth column, FINAL). With `storedBefore`, only
 * labels stored before the query parameter {cutoff:DateTime64(3, 'UTC')}.
 */
export function unjoinedLabelsSql({ storedBefore }: { storedBefore: boolean }): string {
  const stored = storedBefore ? "WHERE ingested_at < {cutoff:DateTime64(3, 'UTC')}" : ''
  return `(SELECT * FROM {db}.ground_truth FINAL ${stored}) AS g
          WHERE prediction_id NOT IN (
                  SELECT prediction_id FROM {db}.predictions
                  WHERE prediction_id IN (SELECT prediction_id FROM {db}.ground_truth ${stored}))
            AND (source_topic, source_partition, source_offset) NOT IN (
                  SELECT source_topic, source_partition, source_offset FROM {db}.dead_letters WHERE error_code = 'DW_ORPHAN_LABEL')`
}
