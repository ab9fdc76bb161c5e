/**
 * Which CSV column plays which part in a report: features, targets, protected attributes.
 *
 * - targets: the configured names (default label / prediction / score); a target is used on a
 *   side when that file has the column (labels often arrive later than the current window);
 * - features: the configured features, or every reference column except the targets
 *   (protected attributes included: a shift in who is scored is drift too);
 * - protected: the configured ones plus --protected.
 * A current file that shares no column with the reference is DW_FILE_INVALID on its own (one
 * line: almost surely the wrong file). Other problems that make the report meaningless are
 * DW_FILE_INVALID, all listed at once: a
 * configured feature the reference lacks, a protected attribute the current file lacks, no
 * feature at all. A feature the current file lacks is not an error: it reads as all missing.
 */
import { DriftwatchError } from '../errors.js'
import { compareText, type TargetNames } from '../metrics/profile/index.js'
import type { ReportConfig } from './config.js'

export const DEFAULT_TARGETS = { label: 'label', prediction: 'prediction', score: 'score' } as const

export interface ColumnRoles {
  readonly features: readonly string[]
  readonly targets: Required<TargetNames>
  readonly protected: readonly string[]
  /** Features the current file lacks. */
  readonly missingInCurrent: readonly string[]
}

export function resolveColumns(
  referenceColumns: readonly string[],
  currentColumns: readonly string[],
  config: Pick<ReportConfig, 'features' | 'protected' | 'columns'>,
  extraProtected: readonly string[] = [],
): ColumnRoles {
  if (!currentColumns.some((c) => referenceColumns.includes(c))) {
    throw new DriftwatchError('DW_FILE_INVALID', `the current file shares no column with the reference (reference: ${referenceColumns.slice(0, 5).join(', ')}${referenceColumns.length > 5 ? ', …' : ''}): wrong file?`)
  }
  const targets = { ...DEFAULT_TARGETS, ...config.columns }
  const targetNames = new Set(Object.values(targets))
  const features = config.features
    ? Object.keys(config.features).sort(compareText)
    : referenceColumns.filter((c) => !targetNames.has(c)).sort(compareText)
  const protectedAttributes = [...new Set([...config.protected, ...extraProtected])]
  const problems = [
    ...features.filter((f) => !referenceColumns.includes(f)).map((f) => `feature "${f}" is not a column of the reference file`),
    ...features.filter((f) => targetNames.has(f)).map((f) => `"${f}" cannot be both a feature and a target column`),
    ...protectedAttributes.filter((p) => !currentColumns.includes(p)).map((p) => `protected attribute "${p}" is not a column of the current file`),
    ...(features.length === 0 ? ['there is no feature column (every column is a target)'] : []),
  ]
  if (problems.length > 0) {
    throw new DriftwatchError('DW_FILE_INVALID', `cannot build the report:\n  ${problems.join('\n  ')}`, { problems })
  }
  return { features, targets, protected: protectedAttributes, missingInCurrent: features.filter((f) => !currentColumns.includes(f)) }
}
