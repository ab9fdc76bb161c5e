import { describe, expect, it } from 'vitest'
import { formatHtml } from './format-html.js'
import type { ReportJson } from './types.js'

const report = (feature: string): ReportJson => ({
  features: {
    [feature]: {
      kind: 'categorical', treated_as: 'categorical', method: 'chi2', threshold: 0.05, threshold_kind: 'p_value', drift_score: 1, p_value: 0.5,
      adjusted_p_value: 0.5, drift_detected: false, status: 'insufficient', reference_count: 3, current_count: 1,
      reference_left_out: { missing: 0, type_violation: 0 }, current_left_out: { missing: 0, type_violation: 0 },
      distribution: { type: 'categories', categories: ['a', '</script><b>'], reference: [2, 1], current: [1, 0], other: { categories: 0, reference: 0, current: 0 } },
    },
  },
  dataset: { drift_share: 0, drifted_features: 0, evaluated_features: 1, number_of_features: 1, correction: 'none', reference_rows: 3, current_rows: 1 },
  performance: { task: 'binary', positive_class: null, confidence: 0.95, reference: {}, current: {} },
  fairness: {},
  quality: { features: {}, outliers: { threshold: 0.25, reference: {}, current: {} } },
  notes: ['a <note>'],
})

describe('formatHtml', () => {
  it('escapes data everywhere it lands: text, attributes, the JSON and the inlined script', () => {
    const html = formatHtml(report('<img src=x onerror=alert(1)>'), { script: 'var s = "</script><script>alert(2)</script>"' })
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).not.toContain('</script><b>')
    expect(html).toContain('<li>a &lt;note&gt;</li>')
    // Exactly two script elements close: the JSON data and the inlined chart script.
    expect(html.match(/<\/script>/g)).toHaveLength(2)
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!
    expect(JSON.parse(json)).toEqual(report('<img src=x onerror=alert(1)>'))
  })

  it('draws one distribution chart per feature from the binned counts, as shares', () => {
    const html = formatHtml(report('segment'), { script: '' })
    const spec = /data-chart="distribution:segment">\s*<div class="chart-box"><canvas data-spec="([^"]*)"/.exec(html)![1]!
    const parsed = JSON.parse(spec.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&#39;', "'").replaceAll('&amp;', '&'))
    expect(parsed.labels).toEqual(['a', '</script><b>'])
    expect(parsed.series.map((s: { values: number[] }) => s.values)).toEqual([[2 / 3, 1 / 3], [1, 0]])
  })
})

describe('formatHtml: no value where the data gives none', () => {
  const rowCells = (html: string, tableId: string, name: string) => {
    const table = new RegExp(`<table id="${tableId}">(.*?)</table>`, 's').exec(html)![1]!
    const row = new RegExp(`<tr><td>${name}</td>(.*?)</tr>`).exec(table)![1]!
    return [...row.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''))
  }

  it('an insufficient feature: its raw p-value under "p-value", "-" under "adjusted p-value" and drift', () => {
    const r = report('few')
    const few = { ...r.features['few']!, p_value: 0.0012, adjusted_p_value: null, drift_detected: null }
    const html = formatHtml({ ...r, features: { few } }, { script: '' })
    // kind, method, score, p-value, adjusted p-value, threshold, drift
    expect(rowCells(html, 'features', 'few')).toEqual(['categorical', 'chi2', '1.0000', '0.0012', '-', '0.0500', '-'])
  })

  it('quality: a constant flag the data leaves undefined (no value) is "-", not "no"', () => {
    const r = report('x')
    const html = formatHtml({ ...r, quality: { ...r.quality, features: { empty: { constant: null }, flat: { constant: true }, varied: { constant: false } } } }, { script: '' })
    expect(rowCells(html, 'quality-table', 'empty').at(-1)).toBe('-')
    expect(rowCells(html, 'quality-table', 'flat').at(-1)).toBe('yes')
    expect(rowCells(html, 'quality-table', 'varied').at(-1)).toBe('no')
  })
})

describe('formatHtml: calibration drift', () => {
  const calibration = (status: string) => ({
    method: 'chi2', status, statistic: 7.5, p_value: 0.02, dof: 2, ece_reference: 0.05, ece_current: 0.21, ece_difference: 0.16, bins: [],
  })
  const side = { rows: 12, status: 'insufficient', scored_rows: 12, scored_status: 'insufficient', accuracy: 0.75, ece: 0.21 }
  const paragraph = (status: string) => {
    const r = report('x')
    const html = formatHtml({ ...r, performance: { ...r.performance, reference: side, current: side, calibration_drift: calibration(status) } }, { script: '' })
    return /<p id="calibration-drift">(.*?)<\/p>/.exec(html)![1]!
  }

  it('says a chi2 on fewer than 30 labeled scores is no verdict (status insufficient), as the text report does', () => {
    expect(paragraph('insufficient')).toBe('Calibration drift: chi2 7.5000 (dof 2), p 0.0200; ECE 0.0500 → 0.2100 (insufficient: fewer than 30 labeled scores on a side, no verdict)')
  })

  it('with status ok, only the figures', () => {
    expect(paragraph('ok')).toBe('Calibration drift: chi2 7.5000 (dof 2), p 0.0200; ECE 0.0500 → 0.2100')
  })
})

describe('formatHtml size', () => {
  it('does not grow with the number of rows: charts come from binned counts', { timeout: 60_000 }, async () => {
    const { reportFromCsv, DEFAULT_REPORT_CONFIG } = await import('./index.js')
    const table = (rows: number, shift: number) => ({
      columns: ['x', 'c', 'label', 'prediction'],
      records: Array.from({ length: rows }, (_, i) => ({
        x: String(((i * 7919) % 1000) / 10 + shift),
        c: ['a', 'b', 'c'][i % 3]!,
        label: String(i % 2),
        prediction: String((i >> 1) % 2),
      })),
    })
    const html = async (rows: number) => formatHtml(await reportFromCsv(table(rows, 0), table(rows, 5), DEFAULT_REPORT_CONFIG), { script: '' })
    const small = await html(1_000)
    const large = await html(10_000)
    expect(large.length / small.length).toBeLessThan(1.05)
    expect(large).toMatch(/data-chart="distribution:x"/)
  })
})

describe('formatHtml of a current-only report (--fail-on without --reference)', () => {
  it('shows performance and fairness, and no empty drift or quality section', async () => {
    const { currentOnlyReport, csvCells, DEFAULT_REPORT_CONFIG } = await import('./index.js')
    const records = Array.from({ length: 200 }, (_, i) => ({ x: String(i % 17), g: i % 2 ? 'a' : 'b', label: String(i % 2), prediction: String((i >> 2) % 2) }))
    const html = formatHtml(await currentOnlyReport(csvCells({ columns: ['x', 'g', 'label', 'prediction'], records }), DEFAULT_REPORT_CONFIG, ['g']), { script: '' })
    expect(html).not.toContain('undefined')
    expect(html).toContain('200 current rows, no reference.')
    expect(html).not.toContain('<section id="drift">')
    expect(html).not.toContain('<section id="quality">')
    expect(html).toMatch(/data-chart="performance"/)
    expect(html).toMatch(/data-chart="fairness:g"/)
  })
})

describe('formatHtml: features left out of the dataset drift, continuous targets', () => {
  it('the headline counts the features not evaluated, with the reason', () => {
    const r = report('empty')
    const empty = { ...r.features['empty']!, drift_detected: null, current_count: 0, current_left_out: { missing: 1, type_violation: 0 } }
    const html = formatHtml({ ...r, features: { empty }, dataset: { ...r.dataset, evaluated_features: 0, drift_share: null } }, { script: '' })
    expect(html).toContain('Dataset drift: 0 of 0 features drifted (1 of 1 not evaluated: no values; share -, correction none).')
  })

  it('continuous label and prediction: no performance table, why not', () => {
    const r = report('x')
    const html = formatHtml({ ...r, performance: { task: 'continuous', positive_class: null, continuous_columns: ['label', 'prediction'], confidence: 0.95, reference: {}, current: {}, degradation: {} } }, { script: '' })
    expect(html).toContain('<p>No performance metric: &quot;label&quot; and &quot;prediction&quot; are continuous, not classes (see the notes).</p>')
    expect(html).not.toContain('the files have no label or prediction column')
  })
})

describe('formatHtml: the figures behind the performance and fairness charts, as the text report gives them', () => {
  const r = report('x')
  const paragraph = (html: string, id: string) => new RegExp(`<p id="${id}">(.*?)</p>`).exec(html)?.[1]
  const drift = (status: string, detected: boolean | null) => ({ method: 'z', drift_score: 13.1334, p_value: 2.12e-39, drift_detected: detected, status, reference_count: 300, current_count: 300 })

  it('prediction and score drift: method, statistic, p-value and verdict, and why there is none', () => {
    const html = formatHtml({ ...r, performance: { ...r.performance, prediction_drift: drift('ok', true), score_drift: { ...drift('insufficient', null), method: 'ks', drift_score: 0.5862, p_value: 5.93e-5 } } }, { script: '' })
    expect(paragraph(html, 'prediction-drift')).toBe('Prediction drift: z 13.1334, p 2.12e-39 → DRIFT')
    expect(paragraph(html, 'score-drift')).toBe('Score drift: ks 0.5862, p 5.93e-5 → - (insufficient: fewer than 30 values on a side, no verdict)')
  })

  it('a metric of a side with fewer than 30 labeled rows is marked in the performance table', () => {
    const side = (rows: number, status: string) => ({ rows, status, scored_rows: 300, scored_status: 'ok', f1: 0.6316, roc_auc: 0.94 })
    const html = formatHtml({ ...r, performance: { ...r.performance, reference: side(300, 'ok'), current: side(29, 'insufficient') } }, { script: '' })
    const table = /<table id="performance-table">(.*?)<\/table>/s.exec(html)![1]!
    expect(table).toContain('<th>method</th><th>status</th>')
    const cells = (name: string) => [...new RegExp(`<tr><td>${name}</td>(.*?)</tr>`).exec(table)![1]!.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''))
    expect(cells('f1').at(-1)).toBe('insufficient: fewer than 30 labeled predictions in the current file, no verdict')
    expect(cells('roc_auc').at(-1)).toBe('ok')
    const enough = formatHtml({ ...r, performance: { ...r.performance, reference: side(300, 'ok'), current: side(300, 'ok') } }, { script: '' })
    expect(/<table id="performance-table">\n<thead><tr>(.*?)<\/tr>/.exec(enough)![1]).toBe('<th>metric</th><th>reference</th><th>current</th><th>difference</th><th>95% interval</th><th>method</th>')
  })

  it('the fairness line says how many groups were compared', () => {
    const group = (predictions: number) => ({ predictions, count: predictions, status: predictions >= 30 ? 'ok' : 'insufficient', selection_status: predictions >= 30 ? 'ok' : 'insufficient', selection_rate: 0.5 })
    const fairness = {
      groups: { solo: group(1), big: group(264), mid: group(35) }, demographic_parity_difference: 0.0201, disparate_impact_ratio: 0.7,
      disparate_impact_ratio_upper: 0.75, disparate_impact_confidence: 0.95, below_four_fifths: true, four_fifths_rule_violated: true,
      groups_compared: 2, groups_insufficient: 1, min_group_size: 30, equalized_odds_groups_compared: 2, equal_opportunity_groups_compared: 2,
    }
    const line = (f: Readonly<Record<string, unknown>>) => /<p>(demographic parity difference .*?)<\/p>/.exec(formatHtml({ ...r, fairness: { g: f } }, { script: '' }))![1]!
    expect(line(fairness)).toMatch(/^demographic parity difference 0\.0201, /)
    expect(line(fairness)).toMatch(/<span class="badge bad">0\.7000 \(upper 95% bound 0\.7500: below 4\/5\)<\/span>; 2 of 3 groups compared \(groups under 30 predictions left out\)$/)
    // Below 4/5 within sampling noise: a warning, not a violation; above it, no badge.
    const noise = { ...fairness, disparate_impact_ratio_upper: 1.12, four_fifths_rule_violated: false }
    expect(line(noise)).toMatch(/<span class="badge warn">0\.7000 \(below 4\/5, upper 95% bound 1\.1200: within sampling noise\)<\/span>; 2 of 3/)
    const fair = { ...noise, disparate_impact_ratio: 0.9, below_four_fifths: false }
    expect(line(fair)).toMatch(/disparate impact 0\.9000 \(upper 95% bound 1\.1200\); 2 of 3/)
  })
})
