/**
 * Serves the web UI's built files at / (index.html, app.js) with @fastify/static. The files hold
 * no data and need no token; the data routes they call (/v1/...) do.
 */
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

export function registerUiRoutes(app: FastifyInstance, dir: string): void {
  void app.register(fastifyStatic, { root: dir, prefix: '/', index: 'index.html', wildcard: false, cacheControl: false })
}
