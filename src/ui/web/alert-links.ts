/**
 * Where an alert links. A model alert links to its model version and window. A service-level
 * alert has no model (the dlq-rate rule: model and version '', the topic as subject,
 * src/alerts/dlq-rate.ts): it links to the dead letters of its topic over its period instead,
 * since a link built from an empty model would lead to no page.
 */
import type { Alert } from './api-types.js'
import { h, nameText } from './dom.js'
import { modelHref, pipelineHref, windowHref } from './routes.js'

export const alertModelLink = (a: Alert): Node | string =>
  a.model === '' ? 'pipeline' : h('a', { href: modelHref(a.model, { version: a.model_version }) }, nameText(a.model), ` ${a.model_version}`)

export const alertWindowLink = (a: Alert, windowText: string): Node =>
  a.model === ''
    ? h('a', { href: pipelineHref({ from: a.window_start, to: a.window_end, topic: a.subject }), 'data-link': 'dead-letters' }, `${windowText}: dead letters`)
    : h('a', { href: windowHref(a.model, a.window_start, a.model_version) }, windowText)
