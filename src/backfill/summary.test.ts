import { describe, expect, it } from 'vitest'
import { NO_OUTCOMES } from './label-outcomes.js'
import { formatSummary, type BackfillSummary } from './summary.js'

const summary: BackfillSummary = {
  file: 'labels.csv', checkpointPath: 'labels.csv.driftwatch-checkpoint.json', rows: 100, sent: 100, skippedInvalid: 0, failed: 0,
  alreadyAcknowledgedRows: 0, alreadySentLabels: 0, elapsedMs: 1000, labelsPerSecond: 100, outcome: 'completed',
}

describe('formatSummary', () => {
  it('in embedded mode, counts the labels sent by what the store made of them: joined, pending, dropped', () => {
    const lines = formatSummary(summary, { outcomes: { joined: 90, pending: 7, dropped: 3, unread: 0 } })
    expect(lines).toHaveLength(4)
    expect(lines[2]).toBe(
      'of the 100 label(s) sent: 90 joined a stored prediction; ' +
        '7 pending (stored, waiting for their prediction: each counts once it is stored, or is reported as an orphan, DW_ORPHAN_LABEL, if it is not within join.orphanAfter); ' +
        '3 dropped (their prediction was erased by `driftwatch erase`: not stored)',
    )
    expect(lines[3]).toMatch(/^the joined labels are stored: the windows they change are evaluated by the next `driftwatch start`; until then `driftwatch status` shows the figures from before them$/)
  })

  it('in embedded mode, never says the labels are stored when none joined a prediction', () => {
    const lines = formatSummary(summary, { outcomes: { joined: 0, pending: 60, dropped: 40, unread: 0 } })
    expect(lines).toHaveLength(3)
    expect(lines[2]).toMatch(/^of the 100 label\(s\) sent: 0 joined a stored prediction; 60 pending .*; 40 dropped /)
    expect(lines.join('\n')).not.toMatch(/labels are stored/)
  })

  it('in embedded mode, counts the labels whose outcome the store did not answer for', () => {
    const lines = formatSummary({ ...summary, sent: 30, outcome: 'interrupted' }, { outcomes: { joined: 10, pending: 0, dropped: 0, unread: 20 } })
    expect(lines[2]).toMatch(/^of the 30 label\(s\) sent: 10 joined .*; 20 not read \(the store did not answer: see `driftwatch status`\)$/)
    expect(lines[3]).toMatch(/driftwatch start/)
  })

  it('in Kafka mode, says the labels are sent, not stored, and where to see what became of them', () => {
    const lines = formatSummary(summary)
    expect(lines).toHaveLength(3)
    expect(lines[2]).toBe(
      'the labels are sent, not stored by this command: the consumers of `driftwatch start` store them and join each to its prediction; ' +
        'for the outcome see `driftwatch status` (label coverage per window, orphan-label notices) and the driftwatch_pending_labels metric (stored labels waiting for their prediction)',
    )
    expect(lines.join('\n')).not.toMatch(/labels are stored/)
  })

  it('says nothing of outcomes when no label was sent', () => {
    const resumed = { ...summary, sent: 0, alreadySentLabels: 100, alreadyAcknowledgedRows: 100 }
    expect(formatSummary(resumed)).toHaveLength(2)
    expect(formatSummary(resumed, { outcomes: NO_OUTCOMES })).toHaveLength(2)
  })
})
