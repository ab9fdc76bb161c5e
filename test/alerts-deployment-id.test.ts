/**
 * The deployment id (table `deployment`, schemas/clickhouse/0018_deployment.sql) is made by one
 * statement: the migration's INSERT makes the first, and the same statement, read from the
 * migration, gives a table found empty (its row deleted by hand) a new one.
 */
import { describe, expect, it } from 'vitest'
import { deploymentIdInsert, deploymentScope } from '../src/alerts/create-alert-service.js'
import type { Store } from '../src/store/clickhouse.js'
import { loadMigrations } from '../src/store/migrate.js'
import { withDatabase } from '../src/store/query.js'
import { queryRows } from './support/query.js'
import { storeOnlyApp } from './support/store-app.js'

describe('the deployment id', () => {
  const started = storeOnlyApp()
  const ids = (store: Store) => queryRows<{ deployment_id: string }>(store, 'SELECT deployment_id FROM {db}.deployment ORDER BY created_at, deployment_id')

  it("is the migration's row; a table found empty gets a new one by the migration's own INSERT", async () => {
    const { store } = started.app
    const migration = loadMigrations(store.database).find((m) => m.name === 'deployment')!
    const insert = migration.statements.find((s) => s.startsWith('INSERT INTO'))
    expect(deploymentIdInsert(store.database)).toBe(insert)

    const [first] = await ids(store)
    expect(first?.deployment_id).toMatch(/^[0-9a-f-]{36}$/)
    await expect(deploymentScope(store)()).resolves.toEqual({ deploymentId: first!.deployment_id, database: store.database })

    await store.client.command({ query: withDatabase('TRUNCATE TABLE {db}.deployment', store.database) })
    const commands: string[] = []
    const recording = {
      ...store,
      client: new Proxy(store.client, {
        get: (client, key) =>
          key === 'command'
            ? (params: { query: string }) => (commands.push(params.query), client.command(params))
            : (Reflect.get(client, key) as unknown),
      }),
    } as Store
    const scope = await deploymentScope(recording)()
    expect(commands).toEqual([insert])
    const after = await ids(store)
    expect(after).toHaveLength(1)
    expect(scope).toEqual({ deploymentId: after[0]!.deployment_id, database: store.database })
    expect(scope.deploymentId).not.toBe(first!.deployment_id)
  })
})
