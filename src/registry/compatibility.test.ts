import { describe, expect, it } from 'vitest'
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { ensureSubjectCompatibility } from './compatibility.js'

/** A registry client whose subject-config endpoints answer from `levels` (absent: 404). */
function fakeRegistry(levels: Record<string, string>, fail?: unknown) {
  const puts: [string, string][] = []
  const api = {
    Subject: {
      async config({ subject }: { subject: string }) {
        if (fail) throw fail
        const level = levels[subject]
        if (level === undefined) throw Object.assign(new Error('Subject not found'), { status: 404 })
        return { data: () => ({ compatibilityLevel: level }) }
      },
      async updateConfig({ subject, body }: { subject: string; body: { compatibility: string } }) {
        puts.push([subject, body.compatibility])
        levels[subject] = body.compatibility
      },
    },
  }
  return { registry: { api } as unknown as SchemaRegistry, puts, levels }
}

describe('ensureSubjectCompatibility', () => {
  it('sets FORWARD_TRANSITIVE on a subject with no level of its own', async () => {
    const { registry, puts } = fakeRegistry({})
    expect(await ensureSubjectCompatibility(registry, 'p-value')).toBe('FORWARD_TRANSITIVE')
    expect(puts).toEqual([['p-value', 'FORWARD_TRANSITIVE']])
  })

  it.each(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FULL', 'NONE'])('moves a subject at %s, under which a producer could register a version driftwatch cannot read, to FORWARD_TRANSITIVE', async (level) => {
    const { registry, puts } = fakeRegistry({ 'p-value': level })
    expect(await ensureSubjectCompatibility(registry, 'p-value')).toBe('FORWARD_TRANSITIVE')
    expect(puts).toEqual([['p-value', 'FORWARD_TRANSITIVE']])
  })

  it.each(['FORWARD_TRANSITIVE', 'FULL_TRANSITIVE', 'full_transitive'])('keeps a subject at %s', async (level) => {
    const { registry, puts } = fakeRegistry({ 'p-value': level })
    expect(await ensureSubjectCompatibility(registry, 'p-value')).toBe(level.toUpperCase())
    expect(puts).toEqual([])
  })

  it('passes on a failure other than 404', async () => {
    const outage = Object.assign(new Error('unavailable'), { status: 503 })
    const { registry, puts } = fakeRegistry({}, outage)
    await expect(ensureSubjectCompatibility(registry, 'p-value')).rejects.toBe(outage)
    expect(puts).toEqual([])
  })
})
