import { describe, expect, it } from 'vitest'
import { ReplayGuard } from './replay-guard.js'

describe('ReplayGuard', () => {
  it('suspects the first batch of each partition, and trusts the one that follows a finished batch', () => {
    const g = new ReplayGuard()
    expect(g.begin('p', 0, '100')).toBe(true)
    g.end('p', 0, '199')
    expect(g.begin('p', 0, '200')).toBe(false)
    g.end('p', 0, '299')
    // Another partition, or the same number on another topic, has its own history.
    expect(g.begin('p', 1, '300')).toBe(true)
    expect(g.begin('g', 0, '300')).toBe(true)
  })

  it('trusts a batch after records the client left out (transaction markers, aborted records), and only right after them', () => {
    const g = new ReplayGuard()
    g.begin('p', 0, '0')
    g.end('p', 0, '9')
    g.skipped('p', 0, '10', '12')
    expect(g.begin('p', 0, '12')).toBe(false)
    g.end('p', 0, '20')
    // Left-out records that do not start where the last batch ended tell nothing.
    g.skipped('p', 0, '30', '32')
    expect(g.begin('p', 0, '32')).toBe(true)
    // Nor while a batch is unfinished, or after a reassignment.
    g.skipped('p', 0, '32', '40')
    expect(g.begin('p', 0, '40')).toBe(true)
    g.end('p', 0, '49')
    g.reassigned()
    g.skipped('p', 0, '50', '52')
    expect(g.begin('p', 0, '52')).toBe(true)
  })

  it('suspects the retry of a batch that did not finish', () => {
    const g = new ReplayGuard()
    g.begin('p', 0, '0')
    g.end('p', 0, '9')
    expect(g.begin('p', 0, '10')).toBe(false)
    // no end(): the insert failed, its outcome unknown
    expect(g.begin('p', 0, '10')).toBe(true)
    g.end('p', 0, '19')
    expect(g.begin('p', 0, '20')).toBe(false)
  })

  it('suspects a batch that does not start where the last one ended (a seek, or a partition that came back)', () => {
    const g = new ReplayGuard()
    g.begin('p', 0, '0')
    g.end('p', 0, '9')
    expect(g.begin('p', 0, '5')).toBe(true)
    g.end('p', 0, '14')
    expect(g.begin('p', 0, '40')).toBe(true)
  })

  it('suspects every partition after a reassignment, also when a batch of the old assignment ends after it', () => {
    const g = new ReplayGuard()
    g.begin('p', 0, '0')
    g.end('p', 0, '9')
    g.begin('p', 1, '0')
    g.reassigned()
    g.end('p', 1, '9') // began before the reassignment
    expect(g.begin('p', 0, '10')).toBe(true)
    expect(g.begin('p', 1, '10')).toBe(true)
    g.end('p', 1, '19')
    expect(g.begin('p', 1, '20')).toBe(false)
  })

  it('suspects the batch after a forgotten one even where it continues it: a failed batch tried in pieces', () => {
    const g = new ReplayGuard()
    g.begin('p', 0, '0')
    g.end('p', 0, '9')
    // The batch 10-19 failed part-way; its first half is tried alone and stores, then its second.
    g.forget('p', 0)
    expect(g.begin('p', 0, '10')).toBe(true)
    g.end('p', 0, '14')
    g.forget('p', 0)
    expect(g.begin('p', 0, '15')).toBe(true)
    g.end('p', 0, '19')
    expect(g.begin('p', 0, '20')).toBe(false)
    // Another partition keeps its history.
    g.begin('p', 1, '0')
    g.end('p', 1, '9')
    g.forget('p', 0)
    expect(g.begin('p', 1, '10')).toBe(false)
  })

  it('compares offsets as 64-bit integers', () => {
    const g = new ReplayGuard()
    g.begin('p', 0, '9007199254740992')
    g.end('p', 0, '9007199254740992')
    expect(g.begin('p', 0, '9007199254740993')).toBe(false)
  })
})
