import { describe, expect, it } from 'vitest'
import { parseGroundTruthJson, parsePredictionJson } from './json-events.js'

const now = Date.UTC(2026, 10, 22)
const valid = {
  prediction_id: 'p1',
  model_id: 'loan',
  model_version: 'v1',
  event_time: '2026-11-21T10:00:00Z',
  features: { income: 1.5, employment: 'salaried', flag: true, missing: null },
  prediction: { score: 0.4 },
}

describe('parsePredictionJson', () => {
  it('accepts a minimal event, fills Avro defaults and converts ISO times', () => {
    const r = parsePredictionJson(valid, now)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.event.event_time).toBe(Date.UTC(2026, 10, 21, 10))
    expect(r.event.prediction).toEqual({ class_label: null, score: 0.4, probabilities: null, value: null })
    expect(r.event.deployment).toEqual({ environment: 'production', variant: 'champion' })
    expect(r.event.segments).toEqual({})
  })

  it.each([
    [{ ...valid, model_id: undefined }, 'DW_MISSING_FIELD', 'model_id'],
    [{ ...valid, features: { x: [1] } }, 'DW_VALIDATION_FAILED', 'features.x'],
    [{ ...valid, colour: 'red' }, 'DW_VALIDATION_FAILED', 'colour'],
    [{ ...valid, deployment: { variant: 'blue' } }, 'DW_VALIDATION_FAILED', 'deployment.variant'],
    [{ ...valid, prediction_id: '' }, 'DW_BAD_PREDICTION_ID', 'prediction_id'],
    [{ ...valid, prediction_id: 'x'.repeat(257) }, 'DW_BAD_PREDICTION_ID', 'prediction_id'],
    [{ ...valid, event_time: '1999-12-31T23:59:59Z' }, 'DW_TIMESTAMP_OUT_OF_RANGE', 'event_time'],
    [{ ...valid, event_time: now + 2 * 86_400_000 }, 'DW_TIMESTAMP_OUT_OF_RANGE', 'event_time'],
    [{ ...valid, event_time: 'yesterday' }, 'DW_VALIDATION_FAILED', 'event_time'],
    [{ ...valid, prediction: {} }, 'DW_MISSING_FIELD', 'prediction'],
    ['not an object', 'DW_VALIDATION_FAILED', '(root)'],
  ])('rejects %#: %s -> %s at %s', (input, code, path) => {
    const r = parsePredictionJson(input, now)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe(code)
    expect(r.error.context['path']).toBe(path)
  })

  it.each([
    [{ prediction: { score: '0.4' } }, 'prediction.score: has the wrong type: expected a number or null, got a string'],
    [{ features: { x: [1] } }, 'features.x: has the wrong type: expected a number, a string, a boolean or null, got an array'],
    [{ features: 5 }, 'features: has the wrong type: expected an object whose values are each a number, a string, a boolean or null, got a number'],
    [{ prediction: { probabilities: 1 } }, 'prediction.probabilities: has the wrong type: expected null or an object whose values are each a number, got a number'],
    [{ prediction: { probabilities: { a: true } } }, 'prediction.probabilities.a: has the wrong type: expected a number, got a boolean'],
    [{ segments: { region: 1.5 } }, 'segments.region: has the wrong type: expected a string, got a number with a fraction'],
    [{ deployment: { variant: 'blue' } }, 'deployment.variant: has the wrong type: expected one of "champion", "challenger", "shadow", "canary", got "blue"'],
    [{ prediction: 'yes' }, 'prediction: has the wrong type: expected an object, got a string'],
  ])('a wrong type says what the schema expects there: %j', (change, message) => {
    const r = parsePredictionJson({ ...valid, ...change }, now)
    expect(!r.ok && [r.error.code, r.error.message]).toEqual(['DW_VALIDATION_FAILED', message])
  })
})

describe('parseGroundTruthJson', () => {
  it('accepts a class label with an epoch-ms time', () => {
    const r = parseGroundTruthJson({ prediction_id: 'p1', label: { class_label: 'approve' }, label_time: now - 1000 }, now)
    expect(r.ok && r.event).toEqual({ prediction_id: 'p1', label: { class_label: 'approve', value: null }, label_time: now - 1000, source: 'stream' })
  })

  it('rejects a label with neither class nor value', () => {
    const r = parseGroundTruthJson({ prediction_id: 'p1', label: {}, label_time: now }, now)
    expect(!r.ok && r.error.code).toBe('DW_MISSING_FIELD')
  })

  it('a wrong type says what the schema expects there', () => {
    const r = parseGroundTruthJson({ prediction_id: 'p1', label: { value: '3' }, label_time: now }, now)
    expect(!r.ok && r.error.message).toBe('label.value: has the wrong type: expected a number or null, got a string')
  })
})

describe('one rule set with the backfill and the consumers', () => {
  it.each([
    [{ ...valid, event_time: '2026-11-21T10:00:00' }, 'DW_VALIDATION_FAILED', 'event_time'], // no zone: read in the local zone
    [{ ...valid, event_time: 9e15 }, 'DW_TIMESTAMP_OUT_OF_RANGE', 'event_time'], // past the JavaScript Date range
    [{ ...valid, event_time: '9000000000000000' }, 'DW_TIMESTAMP_OUT_OF_RANGE', 'event_time'],
    [{ ...valid, prediction: { score: 1.5 } }, 'DW_VALIDATION_FAILED', 'prediction.score'],
    [{ ...valid, prediction: { score: 0.5, colour: 'red' } }, 'DW_VALIDATION_FAILED', 'prediction.colour'],
    [{ ...valid, deployment: { environment: 'x', colour: 'red' } }, 'DW_VALIDATION_FAILED', 'deployment.colour'],
    [JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(valid).slice(1)}`), 'DW_VALIDATION_FAILED', '__proto__'],
  ])('prediction %# -> %s at %s', (input, code, path) => {
    const r = parsePredictionJson(input, now)
    expect(!r.ok && [r.error.code, r.error.context['path']]).toEqual([code, path])
  })

  it.each([
    [{ prediction_id: 'p1', label: { class_label: 'a' }, label_time: '2026-11-21T10:00:00' }, 'DW_VALIDATION_FAILED', 'label_time'],
    [{ prediction_id: 'p1', label: { class_label: 'a' }, label_time: 9e15 }, 'DW_TIMESTAMP_OUT_OF_RANGE', 'label_time'],
    [{ prediction_id: 'p1', label: { class_label: 'a', colour: 'red' }, label_time: now }, 'DW_VALIDATION_FAILED', 'label.colour'],
    [{ prediction_id: 'p1', label: { class_label: 'a' }, label_time: now, colour: 'red' }, 'DW_VALIDATION_FAILED', 'colour'],
  ])('label %# -> %s at %s', (input, code, path) => {
    const r = parseGroundTruthJson(input, now)
    expect(!r.ok && [r.error.code, r.error.context['path']]).toEqual([code, path])
  })
})

describe('an empty class_label (docs/events.md, "Empty classes")', () => {
  it('refuses a label whose only class is empty, as the backfill refuses an empty label cell', () => {
    const r = parseGroundTruthJson({ prediction_id: 'p1', label: { class_label: '' }, label_time: now - 1000 }, now)
    expect(!r.ok && [r.error.code, r.error.context['path']]).toEqual(['DW_MISSING_FIELD', 'label'])
  })

  it('refuses an empty class beside a value, and an empty predicted class', () => {
    const l = parseGroundTruthJson({ prediction_id: 'p1', label: { class_label: '', value: 1 }, label_time: now - 1000 }, now)
    expect(!l.ok && [l.error.code, l.error.context['path']]).toEqual(['DW_MISSING_FIELD', 'label.class_label'])
    const p = parsePredictionJson({ ...valid, prediction: { class_label: '', score: 0.4 } }, now)
    expect(!p.ok && [p.error.code, p.error.context['path']]).toEqual(['DW_MISSING_FIELD', 'prediction.class_label'])
  })
})

describe('numbers JSON.parse cannot hold', () => {
  const big = JSON.parse('1e400') as number

  it.each([
    ['event_time 1e400', { event_time: big }, 'event_time: has the wrong type: expected an integer, got a number too large for a double (it reads as Infinity)'],
    ['event_time -1e400', { event_time: -big }, 'event_time: has the wrong type: expected an integer, got a number too large for a double (it reads as -Infinity)'],
    ['event_time 2^53 + 2', { event_time: 2 ** 53 + 2 }, 'event_time: has the wrong type: expected an integer, got an integer too large to hold exactly (beyond ±2^53 - 1)'],
    ['prediction_id 1e400', { prediction_id: big }, 'prediction_id: has the wrong type: expected a string, got a number too large for a double (it reads as Infinity)'],
    ['a segment 1e400', { segments: { region: big } }, 'segments.region: has the wrong type: expected a string, got a number too large for a double (it reads as Infinity)'],
    ['prediction.class_label 1e400', { prediction: { class_label: big } }, 'prediction.class_label: has the wrong type: expected a string or null, got a number too large for a double (it reads as Infinity)'],
  ])('are described as too large, not as a number with a fraction: %s', (_, change, message) => {
    const r = parsePredictionJson({ ...valid, ...change }, now)
    expect(!r.ok && [r.error.code, r.error.message]).toEqual(['DW_VALIDATION_FAILED', message])
  })

  it('in a label_time too', () => {
    const r = parseGroundTruthJson({ prediction_id: 'p1', label: { class_label: 'a' }, label_time: big }, now)
    expect(!r.ok && r.error.message).toBe('label_time: has the wrong type: expected an integer, got a number too large for a double (it reads as Infinity)')
  })

  it('in a number field stay DW_NON_FINITE_NUMBER', () => {
    const r = parsePredictionJson({ ...valid, prediction: { score: big } }, now)
    expect(!r.ok && [r.error.code, r.error.message]).toEqual(['DW_NON_FINITE_NUMBER', 'prediction.score: Infinity is not a finite number'])
  })
})

describe('map keys that are Object.prototype names', () => {
  it('keeps __proto__, constructor, toString and hasOwnProperty in features, segments and probabilities, as own keys', () => {
    const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty']
    const map = (v: (i: number) => unknown) => `{${keys.map((k, i) => `"${k}": ${JSON.stringify(v(i))}`).join(',')}}`
    const body = JSON.parse(`{"prediction_id":"p1","model_id":"m","model_version":"v","event_time":${now - 1},
      "features": ${map((i) => i + 0.5)}, "segments": ${map((i) => `s${i}`)},
      "prediction": {"score": null, "class_label": "a", "probabilities": ${map((i) => i / 10)}}}`)
    const r = parsePredictionJson(body, now)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    for (const m of [r.event.features, r.event.segments, r.event.prediction.probabilities!]) {
      expect(Object.keys(m)).toEqual(keys)
      expect(Object.getPrototypeOf(m)).toBeNull()
    }
    expect(r.event.features['__proto__']).toBe(0.5)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})

describe('strings UTF-8 cannot encode', () => {
  it.each([
    [{ prediction_id: '\ud800x' }, 'prediction_id'],
    [{ prediction_id: 'x\udfff' }, 'prediction_id'],
    [{ features: { ['name\ud83d']: 1 } }, 'features.name\ufffd'],
    [{ segments: { region: 'n\udc00rth' } }, 'segments.region'],
  ])('%j is DW_VALIDATION_FAILED at %s, not merged with its U+FFFD twin', (fields, path) => {
    const input = { prediction_id: 'p1', model_id: 'm', model_version: 'v', event_time: now - 1, features: {}, prediction: { score: 0.5 }, ...fields }
    const r = parsePredictionJson(input, now)
    expect(!r.ok && [r.error.code, r.error.context['path']]).toEqual(['DW_VALIDATION_FAILED', path])
    expect(!r.ok && r.error.message.isWellFormed()).toBe(true)
  })

  it('accepts surrogate pairs, and labels too are checked', () => {
    expect(parsePredictionJson({ prediction_id: 'p😀', model_id: 'm', model_version: 'v', event_time: now - 1, features: { '😀': 1 }, prediction: { score: 0.5 } }, now).ok).toBe(true)
    const r = parseGroundTruthJson({ prediction_id: 'p\ud800', label: { class_label: 'a' }, label_time: now }, now)
    expect(!r.ok && r.error.context['path']).toBe('prediction_id')
  })
})

describe('deeply nested input', () => {
  it('is refused at its path, not a stack overflow', () => {
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    const r = parsePredictionJson({ prediction_id: 'p1', model_id: 'm', model_version: 'v', event_time: now - 1, features: { x: deep }, prediction: { score: 0.5 } }, now)
    expect(!r.ok && [r.error.code, r.error.context['path']]).toEqual(['DW_VALIDATION_FAILED', 'features.x'])
  })
})
