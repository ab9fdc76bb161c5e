import { describe, expect, it } from 'vitest'
import { PartitionProgress } from './partition-progress.js'

describe('PartitionProgress', () => {
  it('is stuck only after backing off longer than the threshold, and recovery clears it', () => {
    let t = 1_000_000
    const p = new PartitionProgress(60_000, () => t)
    p.started('preds', 2)
    p.failed('preds', 2, 'DW_CLICKHOUSE_UNAVAILABLE')
    t += 60_000
    expect(p.stuck()).toEqual([])
    t += 1
    expect(p.stuck()).toEqual([{ topic: 'preds', partition: 2, blockedSeconds: 60.001, stuck: true, failures: 1, lastCode: 'DW_CLICKHOUSE_UNAVAILABLE' }])
    p.finished('preds', 2)
    expect(p.stuck()).toEqual([])
    expect(p.states()).toEqual([{ topic: 'preds', partition: 2, blockedSeconds: 0, stuck: false, failures: 0, lastCode: null }])
  })

  it('counts a batch that never finishes (no failure reported) as stuck too', () => {
    let t = 0
    const p = new PartitionProgress(1000, () => t)
    p.started('g', 0)
    p.started('g', 1)
    p.finished('g', 1)
    t = 1500
    expect(p.stuck().map((s) => [s.topic, s.partition, s.lastCode])).toEqual([['g', 0, null]])
  })

  it('restarts the clock for each new batch', () => {
    let t = 0
    const p = new PartitionProgress(1000, () => t)
    p.started('g', 0)
    t = 900
    p.finished('g', 0)
    p.started('g', 0)
    t = 1800
    expect(p.stuck()).toEqual([])
  })
})
