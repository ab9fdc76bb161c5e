import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkpointFor, parseCheckpoint, resumePoint, type CurrentRun } from './checkpoint.js'
import { checkpointPathFor, fingerprintFile, readCheckpoint, writeCheckpoint } from './checkpoint-file.js'

const run: CurrentRun = { fileName: 'labels.csv', fingerprint: { size: 100, mtimeMs: 1_700_000_000_000, sha256: 'a'.repeat(64) }, format: 'csv', target: 'kafka 127.0.0.1:19092 topic ground-truth' }
const saved = checkpointFor(run, 3000, 2990, false, new Date(0))
const where = 'labels.csv.driftwatch-checkpoint.json'

describe('resumePoint', () => {
  it('starts from the beginning without a checkpoint, or with --restart', () => {
    expect(resumePoint(null, run, { restart: false, where })).toEqual({ skipRows: 0, labelsSentBefore: 0, resumed: false })
    expect(resumePoint(saved, run, { restart: true, where })).toEqual({ skipRows: 0, labelsSentBefore: 0, resumed: false })
  })

  it('skips the acknowledged rows of the same file and target', () => {
    expect(resumePoint(saved, run, { restart: false, where })).toEqual({ skipRows: 3000, labelsSentBefore: 2990, resumed: true })
  })

  it('resumes a file with the same bytes but another mtime (a copy, a touch)', () => {
    expect(resumePoint(saved, { ...run, fingerprint: { ...run.fingerprint, mtimeMs: 1 } }, { restart: false, where }).skipRows).toBe(3000)
  })

  it.each([
    ['changed content', { ...run, fingerprint: { ...run.fingerprint, sha256: 'b'.repeat(64) } }, /different or changed file/],
    ['changed size', { ...run, fingerprint: { ...run.fingerprint, size: 101 } }, /different or changed file/],
    ['another format', { ...run, format: 'jsonl' as const }, /read the file as csv/],
    ['another target', { ...run, target: 'kafka prod:9092 topic ground-truth' }, /records a backfill to kafka 127/],
  ])('refuses a checkpoint for %s, naming --restart', (_what, current, message) => {
    expect(() => resumePoint(saved, current, { restart: false, where })).toThrow(message)
    expect(() => resumePoint(saved, current, { restart: false, where })).toThrow(/--restart/)
    expect(() => resumePoint(saved, current, { restart: false, where })).toThrow(expect.objectContaining({ code: 'DW_FILE_INVALID' }))
  })

  // Resending an older file undoes the corrections of equal label_time sent since: the advice says
  // what --restart does to stored labels instead of calling it harmless.
  it('says what --restart does to labels stored since, instead of calling it harmless', () => {
    const refusal = () => resumePoint(saved, { ...run, fingerprint: { ...run.fingerprint, size: 101 } }, { restart: false, where })
    expect(refusal).not.toThrow(/harmless|idempotent/)
    expect(refusal).toThrow(/a label sent again replaces a stored label of its prediction_id with the same label_time \(a correction sent since is undone\), never one with a later label_time$/)
  })
})

describe('parseCheckpoint', () => {
  it('round-trips a checkpoint', () => {
    expect(parseCheckpoint(JSON.stringify(saved), where)).toEqual(saved)
  })

  it.each(['', '{', '{}', JSON.stringify({ ...saved, rowsAcknowledged: -1 }), JSON.stringify({ ...saved, version: 2 })])('refuses %j as damaged', (text) => {
    expect(() => parseCheckpoint(text, where)).toThrow(expect.objectContaining({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/not a driftwatch checkpoint/) }))
  })
})

describe('checkpoint files', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-checkpoint-'))))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('fingerprints a file by size and the SHA-256 of all its bytes', async () => {
    const file = join(dir, 'labels.csv')
    const text = 'prediction_id,label,label_time\n'.repeat(5000)
    writeFileSync(file, text)
    const fp = await fingerprintFile(file)
    expect(fp.size).toBe(Buffer.byteLength(text))
    expect(fp.sha256).toBe(createHash('sha256').update(text).digest('hex'))
  })

  it('says DW_FILE_NOT_FOUND for a missing file and DW_FILE_INVALID for a directory', async () => {
    await expect(fingerprintFile(join(dir, 'nope.csv'))).rejects.toMatchObject({ code: 'DW_FILE_NOT_FOUND' })
    await expect(fingerprintFile(dir)).rejects.toMatchObject({ code: 'DW_FILE_INVALID' })
  })

  it('writes atomically (no temporary file left) and reads back; a missing checkpoint is null', async () => {
    const path = checkpointPathFor(join(dir, 'labels.csv'))
    expect(path).toBe(join(dir, 'labels.csv.driftwatch-checkpoint.json'))
    expect(await readCheckpoint(path)).toBeNull()
    await writeCheckpoint(path, saved)
    await writeCheckpoint(path, { ...saved, rowsAcknowledged: 4000 })
    expect(await readCheckpoint(path)).toEqual({ ...saved, rowsAcknowledged: 4000 })
    expect(readdirSync(dir)).toEqual(['labels.csv.driftwatch-checkpoint.json'])
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, file: { name: 'labels.csv', size: 100 } })
  })

  it('fails with DW_FILE_INVALID when the checkpoint cannot be written', async () => {
    await expect(writeCheckpoint(join(dir, 'no-such-dir', 'x.json'), saved)).rejects.toMatchObject({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/cannot write the checkpoint/) })
  })
})
