/**
 * Detectors fed in event order whatever order the labels arrive in, checked against River
 * (scripts/reference/detectors_late.py): the evaluator's orchestration (./detector-run.ts) over an
 * in-memory source that keeps what it stores the way ClickHouse does (JSON text, newest wins).
 */
import { describe, expect, it } from 'vitest'
import fixture from '../../scripts/reference/fixtures/detectors-late.json' with { type: 'json' }
import { decodeJson, encodeJson, inputDigest, planDetector, type Checkpoint, type WindowInputs } from './detector-replay.js'
import { detectorsForWindow, refeedFrom, type DetectorRun, type DetectorSource } from './detector-run.js'
import type { DetectorTarget } from './detector-store.js'
import { feedDetector, type DetectorRecord } from './detectors.js'
import type { DriftRow } from './drift-rows.js'

const W = fixture.windowMs
const target: DetectorTarget = { modelId: 'm', modelVersion: 'v1', windowMs: W, spec: { task: 'binary', positiveClass: '1' } }
const parse = (ts: string) => Date.parse(`${ts.replace(' ', 'T')}Z`)

interface Event {
  readonly i: number
  readonly t: number
  readonly e: 0 | 1
  readonly late: boolean
}
const events: Event[] = fixture.events.t.map((t, i) => ({ i, t, e: fixture.events.e[i] === '1' ? 1 : 0, late: fixture.events.late[i] === '1' }))
const windowOf = (t: number) => Math.floor(t / W) * W
const windowStarts = [...new Set(events.map((x) => windowOf(x.t)))].sort((a, b) => a - b)

/** A model version's stored data and detector bookkeeping, as ClickHouse would hold them. */
class Memory implements DetectorSource {
  readonly labelled = new Set<number>()
  readonly predicted = new Set<number>()
  private readonly state = new Map<string, string>()
  private readonly stored = new Map<string, { detector: string; startMs: number; endMs: number; digest: string; state: string; row: string }>()
  readonly marked: number[] = []

  async records() {
    return new Map([...this.state].map(([d, s]) => [d, JSON.parse(s) as DetectorRecord]))
  }
  async inputs(startMs: number, endMs: number): Promise<WindowInputs> {
    const xs = events.filter((x) => x.t >= startMs && x.t < endMs && this.predicted.has(x.i) && this.labelled.has(x.i))
    return { startMs, endMs, errors: xs.map(({ t, e }) => ({ t, e })), digest: inputDigest(xs.map((x) => [(x.i * 2654435761) >>> 0, x.t >>> 0] as const)) }
  }
  private all(): Checkpoint[] {
    return [...this.stored.values()].map((c) => ({ ...c, detector: c.detector as 'ddm', record: JSON.parse(c.state) as DetectorRecord, row: decodeJson<DriftRow>(c.row) }))
  }
  async checkpoints(fromMs: number, toMs: number) {
    return this.all().filter((c) => c.endMs >= fromMs && c.endMs <= toMs)
  }
  async checkpointsBefore(atMs: number) {
    const out = new Map<string, Checkpoint>()
    for (const c of this.all().filter((x) => x.endMs <= atMs).sort((a, b) => a.endMs - b.endMs)) out.set(c.detector, c)
    return out
  }
  async windowsWithPredictions(fromMs: number, toMs: number) {
    return windowStarts.filter((s) => events.some((x) => this.predicted.has(x.i) && x.t >= fromMs && x.t < toMs && windowOf(x.t) === s))
  }
  store(run: DetectorRun) {
    for (const s of run.states) this.state.set(s.detector, s.state)
    for (const c of run.checkpoints) this.stored.set(`${c.detector}/${c.window_end}`, { detector: c.detector, startMs: parse(c.window_start), endMs: parse(c.window_end), digest: c.digest, state: c.state, row: c.row })
    this.marked.push(...run.marks.map((m) => m.startMs))
  }
  async evaluate(startMs: number): Promise<DetectorRun> {
    const run = await detectorsForWindow(this, target, startMs)
    this.store(run)
    return run
  }
  async detections(detector: string): Promise<readonly number[]> {
    return (await this.records()).get(detector)!.detections
  }
  checkpointTexts() {
    return [...this.stored.entries()].sort().map(([k, c]) => `${k} ${c.digest} ${c.state} ${c.row}`)
  }
}

/** Every window closed in order with every label present: the uninterrupted feed. */
async function inOrder(): Promise<Memory> {
  const m = new Memory()
  for (const x of events) (m.predicted.add(x.i), m.labelled.add(x.i))
  for (const s of windowStarts) await m.evaluate(s)
  return m
}

describe('detectors fed in event order, late labels included', () => {
  it('closing the windows in order with the labels on time gives River on the on-time stream', async () => {
    const m = new Memory()
    for (const x of events) (m.predicted.add(x.i), x.late || m.labelled.add(x.i))
    for (const s of windowStarts) await m.evaluate(s)
    for (const d of ['ddm', 'adwin'] as const) expect(await m.detections(d)).toEqual(fixture.river[d].on_time.times)
  })

  it('late labels replay from the checkpoint before their window: River on the complete stream', async () => {
    const m = new Memory()
    for (const x of events) (m.predicted.add(x.i), x.late || m.labelled.add(x.i))
    for (const s of windowStarts) await m.evaluate(s)
    for (const x of events) m.labelled.add(x.i)
    const late = [...new Set(events.filter((x) => x.late).map((x) => windowOf(x.t)))]
    expect(late).toHaveLength(2)
    const first = await m.evaluate(late[0]!)
    expect(first.states).toHaveLength(2)
    // The replay fed the second late window with its labels: re-evaluating it reuses its checkpoint.
    const second = await m.evaluate(late[1]!)
    expect(second.states).toEqual([])
    expect(second.rows).toHaveLength(2)
    for (const d of ['ddm', 'adwin'] as const) expect(await m.detections(d)).toEqual(fixture.river[d].complete.times)
    // Later windows whose concept rows changed are marked; their re-evaluation reuses the checkpoints.
    expect(m.marked.length).toBeGreaterThan(0)
    expect(m.marked.every((s) => s > late[0]!)).toBe(true)
    for (const s of m.marked) expect((await m.evaluate(s)).states).toEqual([])
    expect(m.checkpointTexts()).toEqual((await inOrder()).checkpointTexts())
  })

  it('a window whose predictions arrive after later windows were fed is fed in event order', async () => {
    const m = new Memory()
    const held = windowStarts[4]!
    for (const x of events) if (windowOf(x.t) !== held) (m.predicted.add(x.i), m.labelled.add(x.i))
    for (const s of windowStarts.filter((s) => s !== held)) await m.evaluate(s)
    for (const x of events) (m.predicted.add(x.i), m.labelled.add(x.i))
    await m.evaluate(held)
    expect(m.checkpointTexts()).toEqual((await inOrder()).checkpointTexts())
  })

  it('a window whose inputs were all erased is replayed empty: the detectors end as if it never had any', async () => {
    const erased = windowStarts[6]!
    const m = await inOrder()
    for (const x of events) if (windowOf(x.t) === erased) (m.predicted.delete(x.i), m.labelled.delete(x.i))
    const run = await m.evaluate(erased)
    expect(run.rows.map((r) => r.n_current)).toEqual([0, 0])
    const without = new Memory()
    for (const x of events) if (windowOf(x.t) !== erased) (without.predicted.add(x.i), without.labelled.add(x.i))
    for (const s of windowStarts.filter((s) => s !== erased)) await without.evaluate(s)
    expect(await m.records()).toEqual(await without.records())
  })

  it('a forced refeed (recompute) rebuilds what an in-order feed gives and marks nothing when nothing changed', async () => {
    const m = await inOrder()
    const run = await refeedFrom(m, target, windowStarts[2]!)
    expect(run!.marks).toEqual([])
    m.store(run!)
    expect(m.checkpointTexts()).toEqual((await inOrder()).checkpointTexts())
    expect(await refeedFrom(m, target, windowStarts.at(-1)! + W)).toBeNull()
  })

  it('a refeed over windows whose predictions expired keeps their checkpoints and resumes from them, marking nothing', async () => {
    const m = await inOrder()
    const expired = windowStarts.slice(0, 4)
    for (const x of events) if (expired.includes(windowOf(x.t))) (m.predicted.delete(x.i), m.labelled.delete(x.i))
    const run = await refeedFrom(m, { ...target, expirableBeforeMs: windowStarts[4]! }, windowStarts[0]!)
    expect(run!.marks).toEqual([])
    expect(run!.checkpoints.filter((c) => expired.includes(parse(c.window_start)))).toEqual([])
    m.store(run!)
    expect(m.checkpointTexts()).toEqual((await inOrder()).checkpointTexts())
    expect(await m.records()).toEqual(await (await inOrder()).records())
  })

  it('a refeed feeds a window too recent to have expired as empty when its predictions are gone (moved elsewhere), and marks what changed', async () => {
    const m = await inOrder()
    const emptied = windowStarts[2]!
    for (const x of events) if (windowOf(x.t) === emptied) (m.predicted.delete(x.i), m.labelled.delete(x.i))
    const run = await refeedFrom(m, { ...target, expirableBeforeMs: emptied }, windowStarts[0]!)
    expect(run!.checkpoints.filter((c) => parse(c.window_start) === emptied).length).toBeGreaterThan(0)
    expect(run!.checkpoints.filter((c) => parse(c.window_start) === emptied).every((c) => c.digest.startsWith('0:'))).toBe(true)
  })

  it('a window re-evaluated with unchanged inputs reuses its checkpoint row', async () => {
    const m = await inOrder()
    const again = await m.evaluate(windowStarts[5]!)
    expect(again.states).toEqual([])
    expect(again.checkpoints).toEqual([])
    expect(again.rows.map((r) => r.column)).toEqual(['ddm', 'adwin'])
  })
})

describe('replay building blocks', () => {
  it('planDetector: append past the fed range, reuse on the same digest, replay otherwise', () => {
    const record = feedDetector('ddm', null, [{ t: 1, e: 0 }], 1000).record
    const cp = { detector: 'ddm', startMs: 0, endMs: 1000, digest: '1:a:b', record, row: {} as DriftRow } as const
    expect(planDetector(null, 0, null, 'x').kind).toBe('append')
    expect(planDetector(record, 1000, null, 'x').kind).toBe('append')
    expect(planDetector(record, 0, cp, '1:a:b')).toEqual({ kind: 'reuse', checkpoint: cp })
    expect(planDetector(record, 0, cp, '2:a:b').kind).toBe('replay')
    expect(planDetector(record, 0, null, '1:a:b').kind).toBe('replay')
  })

  it('inputDigest counts and xors, whatever the order; an empty window has its own digest', () => {
    const pairs = [[1, 2], [0xffffffff, 7], [3, 0x80000000]] as const
    expect(inputDigest(pairs)).toBe(inputDigest([...pairs].reverse()))
    expect(inputDigest(pairs)).toBe(`3:${((1 ^ 0xffffffff ^ 3) >>> 0).toString(16)}:${((2 ^ 7 ^ 0x80000000) >>> 0).toString(16)}`)
    expect(inputDigest([])).toBe('0:0:0')
    expect(inputDigest(pairs.slice(1))).not.toBe(inputDigest(pairs))
  })

  it('encodeJson keeps NaN and infinities', () => {
    const value = { a: Number.NaN, b: [Number.POSITIVE_INFINITY, -Infinity, 1.5], c: null }
    expect(decodeJson(encodeJson(value))).toEqual(value)
  })
})
