import { describe, expect, it } from 'vitest'
import { formatSummary, type BackfillSummary } from './summary.js'

const summary: BackfillSummary = {
  file: 'labels.csv', checkpointPath: 'labels.csv.driftwatch-checkpoint.json', rows: 100, sent: 100, skippedInvalid: 0, failed: 0,
  alreadyAcknowledgedRows: 0, alreadySentLabels: 0, elapsedMs: 1000, labelsPerSecond: 100, outcome: 'completed',
}

describe('formatSummary', () => {
  it('in embedded mode, says that driftwatch status shows the labels only after an evaluator pass of driftwatch start', () => {
    const lines = formatSummary(summary, { embedded: true })
    expect(lines).toHaveLength(3)
    expect(lines[2]).toMatch(/the windows they change are evaluated by the next `driftwatch start`; until then `driftwatch status` shows the figures from before them/)
    // Interrupted after some labels were stored: the same holds for those.
    expect(formatSummary({ ...summary, sent: 30, outcome: 'interrupted' }, { embedded: true })[2]).toMatch(/driftwatch start/)
  })

  it('says nothing of it in Kafka mode, or when no label was sent', () => {
    expect(formatSummary(summary)).toHaveLength(2)
    expect(formatSummary({ ...summary, sent: 0, alreadySentLabels: 100, alreadyAcknowledgedRows: 100 }, { embedded: true })).toHaveLength(2)
  })
})
