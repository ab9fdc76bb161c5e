/** Starts (or reuses) Kafka and Apicurio via scripts/infra/up.sh and reads the exports it prints. */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export async function startLocalInfra(): Promise<{ kafkaBrokers: string; registryUrl: string }> {
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'infra', 'up.sh')
  let stdout: string
  try {
    ;({ stdout } = await run('bash', [script], { timeout: 15 * 60_000, maxBuffer: 1 << 20 }))
  } catch (e) {
    const err = e as { stderr?: string; message: string }
    throw new Error(`integration tests: scripts/infra/up.sh failed, so there is no Kafka/registry to test against:\n${err.stderr ?? err.message}`)
  }
  const env = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]))
  const kafkaBrokers = env['KAFKA_BROKERS']
  const registryUrl = env['SCHEMA_REGISTRY_URL']
  if (!kafkaBrokers || !registryUrl) throw new Error(`integration tests: scripts/infra/up.sh printed no connection settings:\n${stdout}`)
  return { kafkaBrokers, registryUrl }
}
