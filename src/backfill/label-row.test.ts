import { describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS } from '../ingest/validate.js'
import { flatLabel, jsonLabel, labelTimeMs } from './label-row.js'

const now = Date.UTC(2026, 10, 22)
const t = Date.UTC(2026, 10, 1, 12)
const flat = (r: Record<string, unknown>) => flatLabel(r, now, DEFAULT_LIMITS)
const json = (r: unknown) => jsonLabel(r, now, DEFAULT_LIMITS)

describe('labelTimeMs', () => {
  it.each([
    [String(t), t],
    [` ${t} `, t],
    ['2026-11-01T12:00:00Z', t],
    ['2026-11-01T12:00:00.000Z', t],
    ['2026-11-01 12:00:00Z', t],
    ['2026-11-01T13:00:00+01:00', t],
    ['2026-11-01T13:00:00+0100', t],
    ['2026-11-01T12:00Z', t],
    ['2026-11-01', Date.UTC(2026, 10, 1)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    [t, t],
  ])('reads %s', (input, ms) => expect(labelTimeMs(input)).toBe(ms))

  it.each(['2026-11-01T12:00:00', '2026-02-30', '2026-02-29T00:00:00Z', '2026-13-01', 'yesterday', '1.7e12', '', 'Nov 1 2026'])('rejects %j', (input) => {
    expect(labelTimeMs(input)).toHaveProperty('problem')
  })
})

describe('flatLabel (CSV rows, flat JSONL)', () => {
  it('reads a class label and defaults source to backfill', () => {
    expect(flat({ prediction_id: 'p1', label: 'approve', label_time: '2026-11-01T12:00:00Z' })).toEqual({
      ok: true,
      event: { prediction_id: 'p1', label: { class_label: 'approve', value: null }, label_time: t, source: 'backfill' },
    })
  })

  it('reads a regression value, an explicit source, and both label columns at once', () => {
    const r = flat({ prediction_id: 'p1', label: 'high', label_value: ' 1.5e3 ', label_time: String(t), source: 'review' })
    expect(r.ok && r.event).toEqual({ prediction_id: 'p1', label: { class_label: 'high', value: 1500 }, label_time: t, source: 'review' })
  })

  it('treats empty cells as absent', () => {
    const r = flat({ prediction_id: 'p1', label: '', label_value: '-0.25', label_time: String(t), source: '' })
    expect(r.ok && r.event).toEqual({ prediction_id: 'p1', label: { class_label: null, value: -0.25 }, label_time: t, source: 'backfill' })
  })

  it('keeps class labels verbatim (no trimming) and turns JSON numbers into their text', () => {
    expect(flat({ prediction_id: 'p1', label: ' a ', label_time: t })).toMatchObject({ ok: true, event: { label: { class_label: ' a ' } } })
    expect(json({ prediction_id: 'p1', label: 1, label_time: t })).toMatchObject({ ok: true, event: { label: { class_label: '1', value: null } } })
  })

  it.each([
    [{ prediction_id: 'p1', label: '', label_value: '', label_time: String(t) }, 'DW_MISSING_FIELD', 'label'],
    [{ prediction_id: 'p1', label_value: 'abc', label_time: String(t) }, 'DW_VALIDATION_FAILED', 'label_value'],
    [{ prediction_id: 'p1', label_value: 'NaN', label_time: String(t) }, 'DW_NON_FINITE_NUMBER', 'label_value'],
    [{ prediction_id: 'p1', label_value: '-Infinity', label_time: String(t) }, 'DW_NON_FINITE_NUMBER', 'label_value'],
    [{ prediction_id: 'p1', label_value: '0x10', label_time: String(t) }, 'DW_VALIDATION_FAILED', 'label_value'],
    [{ prediction_id: 'p1', label: 'a', label_time: '1999-12-31T23:59:59Z' }, 'DW_TIMESTAMP_OUT_OF_RANGE', 'label_time'],
    [{ prediction_id: 'p1', label: 'a', label_time: String(now + 2 * 86_400_000) }, 'DW_TIMESTAMP_OUT_OF_RANGE', 'label_time'],
    [{ prediction_id: 'p1', label: 'a', label_time: '1730000000' }, 'DW_TIMESTAMP_OUT_OF_RANGE', 'label_time'],
    [{ prediction_id: 'p1', label: 'a', label_time: '2026-11-01T12:00:00' }, 'DW_VALIDATION_FAILED', 'label_time'],
    [{ prediction_id: 'p1', label: 'a', label_time: '' }, 'DW_MISSING_FIELD', 'label_time'],
    [{ prediction_id: 'p1', label: 'a' }, 'DW_MISSING_FIELD', 'label_time'],
    [{ prediction_id: '', label: 'a', label_time: String(t) }, 'DW_BAD_PREDICTION_ID', 'prediction_id'],
    [{ label: 'a', label_time: String(t) }, 'DW_MISSING_FIELD', 'prediction_id'],
    [{ prediction_id: 7, label: 'a', label_time: t }, 'DW_VALIDATION_FAILED', 'prediction_id'],
    [{ prediction_id: 'p1', label: 'a', label_time: t, model_id: 'm' }, 'DW_VALIDATION_FAILED', 'model_id'],
  ])('rejects %j with %s at %s', (input, code, path) => {
    const r = flat(input)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe(code)
    expect(r.error.context['path']).toBe(path)
    expect(r.error.message.startsWith(`${path}: `)).toBe(true)
  })
})

describe('empty classes and numbers JSON.parse cannot hold', () => {
  it('reads an empty label cell as no class in the flat shape, and refuses an empty class_label in the event shape, as HTTP does', () => {
    expect(json({ prediction_id: 'p1', label: '', label_value: 3, label_time: t })).toMatchObject({ ok: true, event: { label: { class_label: null, value: 3 } } })
    const only = json({ prediction_id: 'p1', label: { class_label: '' }, label_time: t })
    expect(!only.ok && [only.error.code, only.error.context['path']]).toEqual(['DW_MISSING_FIELD', 'label'])
    const withValue = json({ prediction_id: 'p1', label: { class_label: '', value: 3 }, label_time: t })
    expect(!withValue.ok && [withValue.error.code, withValue.error.context['path']]).toEqual(['DW_MISSING_FIELD', 'label.class_label'])
  })

  it('refuses a flat label 1e400 as a non-finite number, as label_value is, not as a number with a fraction', () => {
    const line = JSON.parse(`{"prediction_id":"p1","label":1e400,"label_time":${t}}`)
    const r = json(line)
    expect(!r.ok && [r.error.code, r.error.message]).toEqual(['DW_NON_FINITE_NUMBER', 'label: a number too large for a double reads as Infinity, which is not a finite number; quote the class as a string'])
    const v = json(JSON.parse(`{"prediction_id":"p1","label_value":-1e400,"label_time":${t}}`))
    expect(!v.ok && [v.error.code, v.error.context['path']]).toEqual(['DW_NON_FINITE_NUMBER', 'label_value'])
  })

  it('refuses a flat label integer past 2^53, whose text would not be the class written', () => {
    const r = json(JSON.parse(`{"prediction_id":"p1","label":12345678901234567890,"label_time":${t}}`))
    expect(!r.ok && [r.error.code, r.error.context['path']]).toEqual(['DW_VALIDATION_FAILED', 'label'])
    expect(!r.ok && r.error.message).toContain('quote the class as a string')
    expect(json({ prediction_id: 'p1', label: 2 ** 53 - 1, label_time: t })).toMatchObject({ ok: true, event: { label: { class_label: '9007199254740991' } } })
  })

  it('describes a label_time 1e400 as too large, not as a number with a fraction', () => {
    const r = json(JSON.parse(`{"prediction_id":"p1","label":"a","label_time":1e400}`))
    expect(!r.ok && r.error.message).toBe('label_time: has the wrong type: expected an integer, got a number too large for a double (it reads as Infinity)')
  })
})

describe('jsonLabel (JSONL)', () => {
  it('accepts the GroundTruthEvent JSON shape, with source defaulting to backfill', () => {
    expect(json({ prediction_id: 'p1', label: { value: 2.5 }, label_time: '2026-11-01T12:00:00Z' })).toEqual({
      ok: true,
      event: { prediction_id: 'p1', label: { class_label: null, value: 2.5 }, label_time: t, source: 'backfill' },
    })
    expect(json({ prediction_id: 'p1', label: { class_label: 'a' }, label_time: t, source: 'chargeback' })).toMatchObject({ ok: true, event: { source: 'chargeback' } })
  })

  it('accepts the flat shape', () => {
    expect(json({ prediction_id: 'p1', label_value: 3, label_time: t })).toMatchObject({ ok: true, event: { label: { class_label: null, value: 3 } } })
  })

  it.each([
    ['not an object', 'DW_VALIDATION_FAILED', '(root)'],
    [[1, 2], 'DW_VALIDATION_FAILED', '(root)'],
    [{ prediction_id: 'p1', label: {}, label_time: t }, 'DW_MISSING_FIELD', 'label'],
    [{ prediction_id: 'p1', label: { class_label: 1 }, label_time: t }, 'DW_VALIDATION_FAILED', 'label.class_label'],
    [{ prediction_id: 'p1', label: { colour: 'red' }, label_time: t }, 'DW_VALIDATION_FAILED', 'label.colour'],
    [{ prediction_id: 'p1', label: { value: 1 }, label_time: t, label_value: 1 }, 'DW_VALIDATION_FAILED', 'label_value'],
    [{ prediction_id: 'p1', label: { value: 1 }, label_time: 'soon' }, 'DW_VALIDATION_FAILED', 'label_time'],
    [{ prediction_id: 'p1', label: { value: 1 }, label_time: 1.5 }, 'DW_VALIDATION_FAILED', 'label_time'],
    [{ prediction_id: 'p1', label: { value: 1 } }, 'DW_MISSING_FIELD', 'label_time'],
    [{ prediction_id: 'p1', label: true, label_time: t }, 'DW_VALIDATION_FAILED', 'label'],
  ])('rejects %j with %s at %s', (input, code, path) => {
    const r = json(input)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe(code)
    expect(r.error.context['path']).toBe(path)
  })
})
