/**
 * `driftwatch alerts mute | unmute` through the running `driftwatch start` that holds an embedded
 * data directory (chDB opens it in one process at a time, ./instance-file.ts): the silence routes
 * of its API (src/http/silence-routes.ts) as SilenceWrites, the interface the commands write
 * through when they open the store themselves, so that both ways store the same silence and say
 * the same. The routes need the admin role: the first `admin` token of DRIFTWATCH_API_TOKENS(_FILE),
 * else a `read` one, whose refusal then says what is missing.
 *
 * The answers become the commands' own errors: a refused request (400: an unknown rule or model,
 * checked by the instance with its rule directory and driftwatch.yaml) is DW_CONFIG_INVALID (exit
 * 2) and no active silence to end DW_NOT_FOUND (exit 1), each with the instance's message; a
 * refused token is one actionable line.
 */
import type { NewSilence, Silence, SilenceMatch, SilenceWrites } from '../alerts/silences.js'
import { clientToken } from '../config/api-tokens.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { SilenceView } from '../read/index.js'
import { readInstanceFile } from './instance-file.js'
import { apiRequest } from './read-client.js'

export interface AdminInstance {
  readonly pid: number
  /** Its HTTP API's base URL. */
  readonly url: string
  readonly writes: SilenceWrites
}

const fromView = (s: SilenceView): Silence => ({
  id: s.id, rule: s.rule, modelId: s.model, startsMs: Date.parse(s.starts_at), endsMs: Date.parse(s.ends_at), reason: s.reason, createdBy: s.created_by, source: 'cli',
})

/** The running `driftwatch start` that holds `dataDir`, for writes; null when none does (the store can be opened). */
export function runningAdminInstance(dataDir: string, env: Readonly<Record<string, string | undefined>>): AdminInstance | null {
  const instance = readInstanceFile(dataDir)
  if (!instance) return null
  const token = clientToken(env, ['admin', 'read'])
  const refused = (e: unknown, route: string): never => {
    if (!isDriftwatchError(e)) throw e
    const serverMessage = typeof e.context['serverMessage'] === 'string' ? e.context['serverMessage'] : e.message
    if (e.code === 'DW_UNAUTHORIZED' || e.code === 'DW_FORBIDDEN') {
      throw new DriftwatchError(e.code, `driftwatch start (pid ${instance.pid}) holds the data directory and its API refused: set DRIFTWATCH_API_TOKENS or DRIFTWATCH_API_TOKENS_FILE with an admin token (${e.message})`)
    }
    if (e.context['status'] === 400) throw new DriftwatchError('DW_CONFIG_INVALID', serverMessage)
    if (e.code === 'DW_NOT_FOUND' && route === 'POST') {
      // The only 404 of POST /v1/alerts/silences is fastify's own: an instance without the route.
      throw new DriftwatchError('DW_NOT_FOUND', `driftwatch start (pid ${instance.pid}) holds the data directory and its API has no silence routes (it runs an older driftwatch): stop it and run this again, or restart it with this version`)
    }
    if (e.code === 'DW_NOT_FOUND') throw new DriftwatchError('DW_NOT_FOUND', serverMessage)
    throw e
  }
  const writes: SilenceWrites = {
    async mute(s: NewSilence) {
      // The end as the command read --for or --until (it checked them before anything is sent), as
      // ends_at: the instance's own now starts the silence.
      const body = { rule: s.rule || undefined, model: s.modelId || undefined, ends_at: new Date(s.endsMs).toISOString(), reason: s.reason, created_by: s.createdBy }
      const answer = await apiRequest<{ silence: SilenceView }>(instance.url, token, { method: 'POST', path: '/v1/alerts/silences', body }).catch((e: unknown) => refused(e, 'POST'))
      return fromView(answer.silence)
    },
    async unmute(match: SilenceMatch) {
      const request = match.id
        ? { method: 'DELETE', path: `/v1/alerts/silences/${encodeURIComponent(match.id)}` }
        : { method: 'DELETE', path: '/v1/alerts/silences', query: { rule: match.rule, model: match.model } }
      const answer = await apiRequest<{ ended: SilenceView[] }>(instance.url, token, request).catch((e: unknown) => refused(e, 'DELETE'))
      return answer.ended.map(fromView)
    },
  }
  return { pid: instance.pid, url: instance.url, writes }
}
