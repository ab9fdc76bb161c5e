/**
 * Stored reference profiles (table reference_profiles): one row per (model, profile_version),
 * profile_version = the creation time in ms (strictly increasing per model: the newest wins for
 * `reference: { baseline: latest }`). The profile is src/metrics/profile's plain JSON.
 */
import type { ReferenceProfile } from '../metrics/profile/index.js'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { withDatabase } from '../store/query.js'

export interface StoredProfile {
  readonly profileVersion: number
  readonly profile: ReferenceProfile
}

export async function latestProfileVersion(store: Store, modelId: string): Promise<number> {
  const [row] = await (
    await store.client.query({
      query: withDatabase('SELECT max(profile_version) AS v FROM {db}.reference_profiles WHERE model_id = {m:String}', store.database),
      query_params: { m: modelId },
      format: 'JSONEachRow',
    })
  ).json<{ v: string }>()
  return Number(row?.v ?? 0)
}

/** Stores a profile under a version newer than every stored one; returns the version. */
export async function saveProfile(store: Store, modelId: string, profile: ReferenceProfile, source: string, nowMs: number): Promise<number> {
  const version = Math.max(nowMs, (await latestProfileVersion(store, modelId)) + 1)
  const row = { model_id: modelId, profile_version: version, created_at: clickhouseDateTime64(nowMs), source, rows: profile.rows, profile: JSON.stringify(profile) }
  await insertRows(store, 'reference_profiles', [row], `profile:${modelId}:${version}`)
  return version
}

/** The newest profile of a model, or the one with the given version; null if none. */
export async function loadProfile(store: Store, modelId: string, version: 'latest' | number): Promise<StoredProfile | null> {
  const [row] = await (
    await store.client.query({
      query: withDatabase(`SELECT profile_version, profile FROM {db}.reference_profiles FINAL
              WHERE model_id = {m:String} ${version === 'latest' ? '' : 'AND profile_version = {v:UInt64}'}
              ORDER BY profile_version DESC LIMIT 1`, store.database),
      query_params: { m: modelId, ...(version === 'latest' ? {} : { v: version }) },
      format: 'JSONEachRow',
    })
  ).json<{ profile_version: string; profile: string }>()
  return row ? { profileVersion: Number(row.profile_version), profile: JSON.parse(row.profile) as ReferenceProfile } : null
}
