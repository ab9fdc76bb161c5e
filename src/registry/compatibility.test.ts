import { describe, expect, it } from 'vitest'
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { ensureSubjectCompatibility } from './compatibility.js'

/**
 * A registry client whose subject-config endpoints answer from `levels` (absent: 404). `put` stands
 * in for the registry's PUT: by default it sets the level.
 */
function fakeRegistry(levels: Record<string, string>, fail?: unknown, put?: (subject: string, level: string) => void) {
  const puts: [string, string][] = []
  let reads = 0
  const api = {
    Subject: {
      async config({ subject }: { subject: string }) {
        reads++
        if (fail) throw fail
        const level = levels[subject]
        if (level === undefined) throw Object.assign(new Error('Subject not found'), { status: 404 })
        return { data: () => ({ compatibilityLevel: level }) }
      },
      async updateConfig({ subject, body }: { subject: string; body: { compatibility: string } }) {
        puts.push([subject, body.compatibility])
        if (put) put(subject, body.compatibility)
        else levels[subject] = body.compatibility
      },
    },
  }
  return { registry: { api } as unknown as SchemaRegistry, puts, levels, reads: () => reads }
}

/** Apicurio's answer to the second PUT /config of a fresh subject, when another start's PUT created the rule first. */
const ruleExists = () => Object.assign(new Error("Confluent_Schema_Registry - A rule named 'COMPATIBILITY' already exists."), { name: 'ResponseError', status: 409 })

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

  it('takes the level another start set on a fresh subject when the registry refuses its own PUT (409)', async () => {
    const levels: Record<string, string> = {}
    const { registry, puts } = fakeRegistry(levels, undefined, (subject, level) => {
      levels[subject] = level // the other start's PUT, which won
      throw ruleExists()
    })
    expect(await ensureSubjectCompatibility(registry, 'p-value')).toBe('FORWARD_TRANSITIVE')
    expect(puts).toEqual([['p-value', 'FORWARD_TRANSITIVE']])
  })

  it('takes FULL_TRANSITIVE set meanwhile, and keeps it', async () => {
    const levels: Record<string, string> = {}
    const { registry } = fakeRegistry(levels, undefined, (subject) => {
      levels[subject] = 'FULL_TRANSITIVE'
      throw ruleExists()
    })
    expect(await ensureSubjectCompatibility(registry, 'p-value')).toBe('FULL_TRANSITIVE')
  })

  it('passes on a refused PUT when the level read after it still lets through versions driftwatch cannot read', async () => {
    const refusal = ruleExists()
    const levels: Record<string, string> = {}
    const { registry, reads } = fakeRegistry(levels, undefined, (subject) => {
      levels[subject] = 'BACKWARD'
      throw refusal
    })
    await expect(ensureSubjectCompatibility(registry, 'p-value')).rejects.toBe(refusal)
    expect(reads()).toBe(2)
  })

  it('does not read again after a PUT that got no answer or a 5xx: the caller retries the whole step', async () => {
    for (const status of [400, 503]) {
      const outage = Object.assign(new Error('unavailable'), { status })
      const { registry, reads } = fakeRegistry({}, undefined, () => {
        throw outage
      })
      await expect(ensureSubjectCompatibility(registry, 'p-value')).rejects.toBe(outage)
      expect(reads()).toBe(1)
    }
  })
})
