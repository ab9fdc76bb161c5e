/**
 * Silences on real ClickHouse (chDB): an unmute ends a mute whatever the clocks of the hosts
 * that muted and unmuted. alert_silences is ReplacingMergeTree(version), and the version used to
 * be each host's clock: an unmute from a host whose clock is behind the muting host's lost, and
 * `alerts unmute` silently did nothing.
 */
import { describe, expect, it } from 'vitest'
import { addSilence, endSilences, storedSilences } from '../src/alerts/silences.js'
import { storeOnlyApp } from './support/store-app.js'

describe('alert silences', () => {
  const ctx = storeOnlyApp()

  it('an unmute from a host whose clock is behind the muting host ends the silence', async () => {
    const store = ctx.app.store
    // Times near now: the table's TTL drops silences that ended long ago.
    const t0 = Date.now()
    const at = (ms: number) => t0 + ms
    const silence = await addSilence(store, { rule: 'psi', modelId: 'm', startsMs: at(2000), endsMs: at(10_000), reason: 'retraining', createdBy: 'a' }, at(2000))
    expect((await storedSilences(store, at(1500))).map((s) => s.id)).toEqual([silence.id])
    await endSilences(store, [silence], at(1000))
    expect(await storedSilences(store, at(1500))).toEqual([])
    // Muted again and ended again by the slow host: each change outranks the one before it.
    const again = await addSilence(store, { rule: 'psi', modelId: '', startsMs: at(2000), endsMs: at(10_000), reason: '', createdBy: 'a' }, at(5000))
    await endSilences(store, [again], at(1000))
    await endSilences(store, [again], at(900))
    expect((await storedSilences(store, at(950))).map((s) => s.id)).not.toContain(again.id)
  })
})
