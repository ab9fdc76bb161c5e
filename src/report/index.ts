/** Batch report of a current data set against a reference (pure; the CLI does the I/O). */
export { buildReport, type ReportInput } from './build-report.js'
export { type ColumnRoles, DEFAULT_TARGETS, resolveColumns } from './columns.js'
export {
  DEFAULT_REPORT_CONFIG,
  parseReportConfig,
  type ReportConfig,
  ReportConfigSchema,
  type ReportMethod,
  type ThresholdSetting,
} from './config.js'
export { type CellType, type CsvRecord, MISSING_TOKENS, parseCell, typeRecords } from './csv-cells.js'
export { type CellSource, csvCells, type CsvTable, reportFromCells, reportFromCsv, type ReportProgress } from './csv-report.js'
export { columnOf, type Table } from './table.js'
export { currentOnlyReport } from './current-only.js'
export { evaluateGates, formatGate, type Gate, type GateResult, gateNeedsReference, needsReference, parseGates } from './gates.js'
export { type ColumnDrift, columnDrift } from './feature-drift.js'
export { formatNumber, formatText, table } from './format-text.js'
export { categoryDistribution, DISTRIBUTION_CATEGORIES, numericDistribution } from './distribution.js'
export type {
  CategoryDistributionJson,
  DifferenceJson,
  DistributionJson,
  FeatureDriftJson,
  NumericDistributionJson,
  ReportJson,
  TestJson,
} from './types.js'
