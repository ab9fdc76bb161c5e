/**
 * `driftwatch alerts mute` and `unmute` while `driftwatch start` holds the embedded data directory
 * (chDB opens it in one process at a time): they write through the instance's admin routes (POST /
 * DELETE /v1/alerts/silences) with the admin token of DRIFTWATCH_API_TOKENS, say so on stderr, and
 * print and exit as they do on a store they open themselves; `alerts list` shows the silence, and
 * after start stops it is in the store. A read-only token is refused in one actionable line, and an
 * unknown rule is refused as the command refuses it without an instance.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Silence } from '../src/alerts/silences.js'
import { readInstanceFile, type InstanceInfo } from '../src/cli/instance-file.js'
import { API_TOKENS, instanceDirectory, runCli, startInstance, type CliRun, type StartedInstance } from './support/running-instance.js'

const ADMIN_TOKEN = 'admin-token-0123456789ab'
const READ_ONLY = API_TOKENS.split(',').filter((t) => t.startsWith('read:')).join(',')
/** What the on-call engineer has: a read token first, and an admin one. */
const WITH_ADMIN = `${API_TOKENS},admin:${ADMIN_TOKEN}`
const MUTED = /^muted rule feature-drift-psi until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(silence (\w+); `driftwatch alerts unmute \1` ends it\)\n$/

describe('driftwatch alerts mute / unmute while driftwatch start holds the data directory', () => {
  const dir = instanceDirectory('dw-alerts-mute-', 'alerts_mute_test')
  const { configFile, base } = dir
  const tokenDir = mkdtempSync(join(tmpdir(), 'dw-alerts-mute-tokens-'))
  let start: StartedInstance
  let instance: InstanceInfo
  /** The unknown rule refused by the command on the store it opened, before start ran. */
  let typoDirect: CliRun
  const silences = async (): Promise<Silence[]> => {
    const r = await runCli(['alerts', 'list', '--format', 'json'], { ...base, DRIFTWATCH_API_TOKENS: WITH_ADMIN })
    expect(r.code, r.stderr).toBe(0)
    return (JSON.parse(r.stdout) as { silences: Silence[] }).silences
  }
  const via = () => `written through the running driftwatch start (pid ${instance.pid}) at ${instance.url}, which holds the data directory\n`

  beforeAll(async () => {
    writeFileSync(configFile, 'models:\n  - id: m\n    window: 1d\n')
    typoDirect = await runCli(['alerts', 'mute', '--rule', 'feature-drfit-psi', '--for', '2h'], base)
    // The instance's admin token comes from a file: start's own DRIFTWATCH_API_TOKENS is the support's read and ingest tokens.
    const tokenFile = join(tokenDir, 'tokens')
    writeFileSync(tokenFile, `admin:${ADMIN_TOKEN}\n`)
    start = startInstance({ ...base, DRIFTWATCH_API_TOKENS_FILE: tokenFile })
    instance = await start.ready()
  }, 120_000)
  afterAll(() => {
    start?.child.kill('SIGKILL')
    rmSync(tokenDir, { recursive: true, force: true })
  })

  it('mute goes through the instance with the admin token: the same output, said on stderr, and alerts list shows the silence', async () => {
    const r = await runCli(['alerts', 'mute', '--rule', 'feature-drift-psi', '--for', '2h', '--reason', 'retraining'], { ...base, DRIFTWATCH_API_TOKENS: WITH_ADMIN })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(MUTED)
    expect(r.stderr).toBe(via())
    const id = MUTED.exec(r.stdout)![1]!
    const listed = await silences()
    expect(listed).toEqual([expect.objectContaining({ id, rule: 'feature-drift-psi', modelId: '', reason: 'retraining', source: 'cli' })])
    expect(listed[0]!.endsMs - listed[0]!.startsMs).toBeGreaterThan(7_100_000)
  }, 60_000)

  it('a read-only token is refused in one actionable line, exit 1, and nothing is stored', async () => {
    const before = await silences()
    const r = await runCli(['alerts', 'mute', '--model', 'm', '--for', '1h'], { ...base, DRIFTWATCH_API_TOKENS: READ_ONLY })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^driftwatch: DW_FORBIDDEN: driftwatch start \(pid \d+\) holds the data directory and its API refused: set DRIFTWATCH_API_TOKENS or DRIFTWATCH_API_TOKENS_FILE with an admin token \(.*admin/)
    const api = await fetch(`${instance.url}/v1/alerts/silences`, {
      method: 'POST', headers: { authorization: 'Bearer read-token-0123456789ab', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', duration: '1h' }),
    })
    expect(api.status).toBe(403)
    expect(await api.json()).toEqual({ error: { code: 'DW_FORBIDDEN', message: 'this route needs a token with one of the roles: admin', retriable: false } })
    expect(await silences()).toEqual(before)
  }, 60_000)

  it('an unknown rule is refused as without the instance: exit 2, the same message, nothing stored', async () => {
    expect(typoDirect.code).toBe(2)
    expect(typoDirect.stderr).toMatch(/^driftwatch: DW_CONFIG_INVALID: unknown rule "feature-drfit-psi": .*known rules \(\d+\): feature-drift-psi/)
    const before = await silences()
    const r = await runCli(['alerts', 'mute', '--rule', 'feature-drfit-psi', '--for', '2h'], { ...base, DRIFTWATCH_API_TOKENS: WITH_ADMIN })
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: typoDirect.code, stdout: typoDirect.stdout, stderr: typoDirect.stderr })
    expect(await silences()).toEqual(before)
  }, 60_000)

  it('unmute by rule and by id goes through the instance and ends the silences; an id with no silence is DW_NOT_FOUND, exit 1', async () => {
    const env = { ...base, DRIFTWATCH_API_TOKENS: WITH_ADMIN }
    const model = await runCli(['alerts', 'mute', '--model', 'm', '--for', '1h'], env)
    expect(model.code, model.stderr).toBe(0)
    const modelId = /\(silence (\w+);/.exec(model.stdout)![1]!
    const byModel = await runCli(['alerts', 'unmute', '--model', 'm'], env)
    expect([byModel.code, byModel.stdout, byModel.stderr]).toEqual([0, `unmuted model m (silence ${modelId})\n`, via()])

    const [rule] = await silences()
    const byId = await runCli(['alerts', 'unmute', rule!.id], env)
    expect([byId.code, byId.stdout, byId.stderr]).toEqual([0, `unmuted rule feature-drift-psi (silence ${rule!.id})\n`, via()])
    expect(await silences()).toEqual([])

    const again = await runCli(['alerts', 'unmute', rule!.id], env)
    expect(again.code).toBe(1)
    expect(again.stderr).toBe(`driftwatch: DW_NOT_FOUND: no active silence has the id "${rule!.id}": \`driftwatch alerts list\` shows the active silences and their ids (silences from rule files end by editing the file)\n`)
  }, 60_000)

  it('after start stops: the store holds what was written through it, and the refusals read the same', async () => {
    start.child.kill('SIGTERM')
    expect(await start.exited).toBe(0)
    expect(readInstanceFile(dir.dataDir)).toBeNull()
    const list = await runCli(['alerts', 'list', '--format', 'json'], base)
    expect(list.code, list.stderr).toBe(0)
    expect(JSON.parse(list.stdout)).toMatchObject({ source: { kind: 'store' }, silences: [] })
    const unmute = await runCli(['alerts', 'unmute', '--rule', 'feature-drift-psi'], base)
    expect([unmute.code, unmute.stderr]).toEqual([1, 'driftwatch: DW_NOT_FOUND: no active silence mutes rule feature-drift-psi: `driftwatch alerts list` shows the active silences and their ids (silences from rule files end by editing the file)\n'])
    const mute = await runCli(['alerts', 'mute', '--rule', 'feature-drift-psi', '--for', '2h'], base)
    expect([mute.code, mute.stderr]).toEqual([0, ''])
    expect(mute.stdout).toMatch(MUTED)
  }, 60_000)
})
