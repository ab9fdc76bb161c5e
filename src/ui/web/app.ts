/**
 * The web UI: a hash router over five pages, each built from the read API's JSON, then its
 * charts drawn. The token box keeps a read token in sessionStorage.
 */
import { ApiError, getToken, setToken } from './api.js'
import { drawAll } from './charts.js'
import { h } from './dom.js'
import { alertsPage } from './pages/alerts.js'
import { modelPage } from './pages/model.js'
import { overviewPage } from './pages/overview.js'
import { pipelinePage } from './pages/pipeline.js'
import { windowPage } from './pages/window.js'
import { parseRoute } from './routes.js'

const main = document.querySelector('main')!

function tokenBox(message: string): HTMLElement {
  const input = h('input', { type: 'password', name: 'token', placeholder: 'read token', autocomplete: 'off', 'aria-label': 'API token' })
  const form = h('form', { class: 'token' }, h('p', {}, message), input, h('button', { type: 'submit' }, 'Use token'))
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    setToken(input.value)
    void render()
  })
  return form
}

async function page(): Promise<HTMLElement> {
  const route = parseRoute(location.hash)
  switch (route.page) {
    case 'overview': return overviewPage()
    case 'alerts': return alertsPage()
    case 'pipeline': return pipelinePage(route.query)
    case 'model': return modelPage(route.model, route.query)
    case 'window': return windowPage(route.model, route.start, route.query)
    default: return h('section', { 'data-page': 'unknown' }, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the models')))
  }
}

async function render(): Promise<void> {
  document.body.dataset['state'] = 'loading'
  let content: HTMLElement
  try {
    content = await page()
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      content = tokenBox(getToken() ? `This token was refused (${e.code}): enter a token with the read role.` : 'This server needs an API token with the read role.')
    } else {
      content = h('section', { 'data-page': 'error' }, h('h1', {}, 'Could not load this page'), h('p', { class: 'error' }, e instanceof ApiError ? `${e.code}: ${e.message}` : String(e)))
    }
  }
  main.replaceChildren(content)
  drawAll(main)
  document.body.dataset['state'] = 'ready'
}

document.querySelector('#token-link')?.addEventListener('click', (e) => {
  e.preventDefault()
  main.replaceChildren(tokenBox(getToken() ? 'A token is set for this tab. Enter another, or leave empty to forget it.' : 'Enter an API token with the read role.'))
})
window.addEventListener('hashchange', () => void render())
void render()
