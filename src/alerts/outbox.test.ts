import { describe, expect, it } from 'vitest'
import { dueRows, type OutboxRow } from './outbox.js'

const NOW = 1_000_000
/** An open email row carrying transitions of the given alert keys; due unless `nextAttemptMs` says otherwise. */
const row = (id: string, keys: string[], nextAttemptMs = NOW - 1): OutboxRow => ({
  idempotencyKey: id, channel: 'email', transitionIds: keys.map((k) => `${k}#1`), alertKeys: keys, rule: 'r', modelId: 'm', modelVersion: 'v1',
  transition: 'firing', windowStartMs: 0, payload: '{}', status: 'pending', attempts: 0, inDoubt: false, nextAttemptMs, lastError: '',
  createdMs: 0, updatedMs: 0, version: 0,
})
const ids = (rows: OutboxRow[]) => rows.map((r) => r.idempotencyKey)

describe('outbox order (dueRows)', () => {
  it('holds a row behind an earlier unsettled row of the same alert key only', () => {
    const rows = [row('a-firing', ['a'], NOW + 500), row('b-firing', ['b']), row('a-resolved', ['a']), row('c-firing', ['c'])]
    expect(dueRows(rows, NOW, new Set())).toEqual({ due: [rows[1], rows[3]], wakeAtMs: NOW + 500 })
  })

  it('holds transitively: a waiting row holds every later row sharing any of its keys', () => {
    // a waits; the resolve of a and b waits behind it; b firing again waits behind that resolve.
    const rows = [row('a1', ['a'], NOW + 500), row('b1', ['b']), row('ab2', ['a', 'b']), row('b3', ['b']), row('c1', ['c'])]
    expect(ids(dueRows(rows, NOW, new Set()).due)).toEqual(['b1', 'c1'])
  })

  it('treats a row in flight as unsettled, and falls back to the transition ids for a row without alert keys', () => {
    const rows = [row('a1', ['a']), row('a2', ['a']), { ...row('b1', []), transitionIds: ['b#1'] }, row('b2', ['b'])]
    expect(ids(dueRows(rows, NOW, new Set(['a1'])).due)).toEqual(['b1'])
    expect(dueRows([], NOW, new Set())).toEqual({ due: [], wakeAtMs: null })
  })

  it('wakes at the earliest retry among rows held by nothing but their own time', () => {
    const rows = [row('a1', ['a'], NOW + 900), row('b1', ['b'], NOW + 300), row('a2', ['a'], NOW + 100)]
    expect(dueRows(rows, NOW, new Set())).toEqual({ due: [], wakeAtMs: NOW + 300 })
  })

  it('orders one alert key by its transition sequence, not by created_at: a leader whose clock is behind enqueues a resolve', async () => {
    // A enqueued the firing (k#1, retrying); B, whose clock is behind, enqueued its resolve (k#2)
    // with an earlier created_at, so openRows reads the resolve first.
    const resolve = { ...row('k-resolved', ['k']), transitionIds: ['k#2'], createdMs: 500 }
    const firing = { ...row('k-firing', ['k']), transitionIds: ['k#1'], createdMs: 900 }
    expect(ids(dueRows([resolve, firing], NOW, new Set()).due)).toEqual(['k-firing'])
    // The firing waiting to retry holds its resolve back; an unrelated key goes on.
    const waiting = { ...firing, nextAttemptMs: NOW + 500 }
    expect(dueRows([resolve, waiting, row('other', ['o'])], NOW, new Set())).toEqual({ due: [expect.objectContaining({ idempotencyKey: 'other' })], wakeAtMs: NOW + 500 })
    // Grouped rows: the resolve of k and j waits for both firings, whatever their places.
    const kj2 = { ...row('kj-resolved', ['k', 'j']), transitionIds: ['k#2', 'j#2'] }
    const j1 = { ...row('j-firing', ['j']), transitionIds: ['j#1'] }
    expect(ids(dueRows([kj2, j1, firing], NOW, new Set(['k-firing'])).due)).toEqual(['j-firing'])
  })

  it('never makes a row with no attempt time (Infinity) due, and wakes for none: it still holds back its key', () => {
    const rows = [row('a1', ['a'], Infinity), row('a2', ['a']), row('b1', ['b'], NOW + 200)]
    expect(dueRows(rows, NOW, new Set())).toEqual({ due: [], wakeAtMs: NOW + 200 })
    expect(dueRows(rows.slice(0, 2), NOW, new Set())).toEqual({ due: [], wakeAtMs: null })
  })
})
