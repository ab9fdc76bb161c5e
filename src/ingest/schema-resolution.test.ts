import { describe, expect, it } from 'vitest'
import { rawSchema } from './schemas.js'
import { timeUnitProblem } from './schema-resolution.js'

describe('timeUnitProblem', () => {
  const readers = [rawSchema('prediction'), rawSchema('ground-truth')]
  type Raw = { name: string; namespace?: string; fields: { name: string; type: unknown }[] }
  const withTime = (kind: 'prediction' | 'ground-truth', field: string, type: unknown): Raw => {
    const schema = structuredClone(rawSchema(kind)) as unknown as Raw
    schema.fields.find((f) => f.name === field)!.type = type
    return schema
  }

  it('names event_time and label_time written as timestamp-micros or -nanos', () => {
    expect(timeUnitProblem(withTime('prediction', 'event_time', { type: 'long', logicalType: 'timestamp-micros' }), readers)).toEqual({
      path: 'event_time',
      message: 'event_time is written as timestamp-micros (microseconds); driftwatch reads timestamp-millis: write milliseconds since the Unix epoch, as a long with logicalType timestamp-millis',
    })
    expect(timeUnitProblem(withTime('ground-truth', 'label_time', { type: 'long', logicalType: 'timestamp-nanos' }), readers)).toMatchObject({ path: 'label_time', message: expect.stringMatching(/^label_time is written as timestamp-nanos \(nanoseconds\)/) })
    expect(timeUnitProblem(withTime('prediction', 'event_time', { type: 'long', logicalType: 'local-timestamp-micros' }), readers)).toMatchObject({ path: 'event_time' })
  })

  it('finds them in another namespace and in a record branch of a union', () => {
    const moved = withTime('prediction', 'event_time', { type: 'long', logicalType: 'timestamp-micros' })
    moved.namespace = 'com.acme.ml'
    expect(timeUnitProblem(moved, readers)).toMatchObject({ path: 'event_time' })
    expect(timeUnitProblem(['null', moved], readers)).toMatchObject({ path: 'event_time' })
  })

  it('lets through milliseconds, a plain long, and time fields of records driftwatch does not read', () => {
    expect(timeUnitProblem(rawSchema('prediction'), readers)).toBeNull()
    expect(timeUnitProblem(withTime('prediction', 'event_time', 'long'), readers)).toBeNull()
    expect(timeUnitProblem(withTime('prediction', 'event_time', { type: 'long', logicalType: 'local-timestamp-millis' }), readers)).toBeNull()
    // label_time on a prediction is a field driftwatch skips.
    const extra = structuredClone(rawSchema('prediction')) as unknown as Raw
    extra.fields.push({ name: 'label_time', type: { type: 'long', logicalType: 'timestamp-micros' } })
    expect(timeUnitProblem(extra, readers)).toBeNull()
    expect(timeUnitProblem({ type: 'record', name: 'Other', fields: [{ name: 'event_time', type: { type: 'long', logicalType: 'timestamp-micros' } }] }, readers)).toBeNull()
    expect(timeUnitProblem('string', readers)).toBeNull()
    expect(timeUnitProblem(null, readers)).toBeNull()
  })
})
