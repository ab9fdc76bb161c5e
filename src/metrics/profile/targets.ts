/**
 * The model's outputs and the ground truth, read from rows: labels, predicted classes and
 * scores (probability of the positive class).
 *
 * Classes (./values.ts: 1 and "1" are one class) are compared one of two ways, decided over
 * every label and prediction given together (a reference and a current file as one):
 * - as numbers, when every non-missing label and prediction is a finite number (a number, or
 *   text written as a decimal: "1", "1.0", "1e0"): each class is named by its number's
 *   shortest text (String(Number(x)): "1.0" → "1", "0.50" → "0.5"), so labels 0.0/1.0 (pandas
 *   writes an integer column holding a NaN as floats) and predictions 0/1 are two classes,
 *   as scikit-learn compares them (1.0 == 1);
 * - as booleans, when the caller asks (`numbersAsBooleans`: the report, whose cells name a boolean
 *   `True` / `False`, src/report/csv-cells.ts) and the classes are the booleans `True` / `False`
 *   and the numbers 0 and 1 (in any decimal spelling: 0, 1.0, 1e0), at least one of each kind:
 *   1 is the class "True" and 0 the class "False", as pandas and numpy compare them (True == 1,
 *   which is how scikit-learn scores a bool label column against a 0/1 prediction column). pandas
 *   writes a bool column `True` / `False` and an int column `0` / `1`, so a bool label beside an
 *   int prediction, or a reference and a current file written by different code, would
 *   otherwise be four classes, none matching. The stream compares class texts as sent and
 *   leaves the option off;
 * - as text otherwise: "1" and "1.0" are two classes, and `spellings` lists the classes that
 *   are equal as numbers but written differently (the report notes them).
 * Task and positive class, unless given:
 * - task: 'multiclass' when labels and predictions together hold more than two classes,
 *   else 'binary'; read as a reference and a current file, a reference that holds exactly two
 *   classes fixes the task as binary (compared as its own classes are: as numbers when they are
 *   numbers), and a class only the current file holds reads as not the positive class:
 *   classesAdded names such classes and their rows, for the report's note. The task is then
 *   the model's as the reference shows it, and one stray value (a repeated header row) changes
 *   no reference metric. A reference with one class or none leaves the task to both files;
 * - the caller leaves out the rows it does not read (the report: rows whose score the stream
 *   refuses), so their classes decide nothing;
 * - positive class: "1" if present, else a boolean's true ("true" as a JavaScript boolean
 *   reads, "True" as the report names a boolean cell), else the greatest class in code-unit
 *   order (sklearn's pos_label=1 on {0, 1}); with no class at all, "1". Name it in the
 *   configuration for anything else (e.g. "approved" vs "denied"). A configured positive
 *   class written as a decimal is named as the classes are when they are compared as numbers
 *   ("1.0" → "1") or as booleans ("1" → "True").
 * When there is no prediction column but a score column, a binary prediction is derived:
 * positive iff score >= 0.5 (`predictionSource: 'score>=0.5'`). Scores are only read for
 * binary tasks. A score that is not a number reads as null (missing).
 */
import { compareText, DECIMAL_TEXT, type FeatureValue, readCategory } from './values.js'

export type Task = 'binary' | 'multiclass'

export const DECISION_THRESHOLD = 0.5

export interface TargetOptions {
  readonly task?: Task
  readonly positiveClass?: string
  /**
   * Classes that are the booleans `True` / `False` and the numbers 0 / 1 are compared as
   * booleans (1 is "True", 0 is "False"; see above). Default: off (the stream's reading).
   */
  readonly numbersAsBooleans?: boolean
}

export interface TargetColumns {
  readonly label?: readonly FeatureValue[]
  readonly prediction?: readonly FeatureValue[]
  readonly score?: readonly FeatureValue[]
}

export interface TaskSpec {
  readonly task: Task
  /** null for multiclass. */
  readonly positiveClass: string | null
  /** Classes compared as numbers (named by String(Number(x))); absent or false: as text. */
  readonly numericClasses?: boolean
  /** Compared as booleans: the numbers 0 and 1 are the classes "False" and "True" (TargetOptions.numbersAsBooleans). */
  readonly numbersAsBooleans?: boolean
  /** Compared as text: the groups of classes equal as numbers but written differently ("1", "1.0"). */
  readonly spellings?: readonly (readonly string[])[]
}

export interface Targets extends TaskSpec {
  /** Per row: class text, or null when missing / not readable. */
  readonly labels?: readonly (string | null)[]
  /** The prediction column's classes (not derived from scores: see binaryOutcomes). */
  readonly predictions?: readonly (string | null)[]
  readonly scores?: readonly (number | null)[]
  readonly predictionSource: 'column' | 'score>=0.5' | 'none'
}

function classText(v: FeatureValue): string | null {
  // A string is its own class (readCategory's reading), without a reading object per row.
  if (typeof v === 'string') return v
  const r = readCategory(v)
  return r.kind === 'value' ? r.value : null
}

/** A decimal class's name when classes are compared as numbers: its number's shortest text. */
const numberName = (text: string): string => String(Number(text))

/** The report's names of the booleans (src/report/csv-cells.ts booleanText). */
const BOOLEAN_NAMES: ReadonlySet<string> = new Set(['True', 'False'])

/** A class's name when classes are compared as booleans: 1 is "True", 0 is "False", another number by its number. */
function booleanName(text: string): string {
  if (!DECIMAL_TEXT.test(text)) return text
  const n = Number(text)
  return n === 1 ? 'True' : n === 0 ? 'False' : numberName(text)
}

/** Whether the classes are the booleans True / False and the numbers 0 / 1, at least one of each. */
function booleansAndBits(written: ReadonlySet<string>): boolean {
  let booleans = 0
  let bits = 0
  for (const c of written) {
    if (BOOLEAN_NAMES.has(c)) booleans++
    else if (DECIMAL_TEXT.test(c) && (Number(c) === 0 || Number(c) === 1)) bits++
    else return false
  }
  return booleans > 0 && bits > 0
}

/** Classes equal as numbers but written differently, each group in code-unit order. */
function spellingGroups(classes: ReadonlySet<string>): string[][] {
  const byNumber = new Map<string, string[]>()
  for (const c of classes) if (DECIMAL_TEXT.test(c)) byNumber.set(numberName(c), [...(byNumber.get(numberName(c)) ?? []), c])
  return [...byNumber.values()].filter((g) => g.length > 1).map((g) => g.sort(compareText)).sort((a, b) => compareText(a[0] as string, b[0] as string))
}

/** The distinct classes written in the labels and predictions, as text. */
function writtenClasses(c: TargetColumns): Set<string> {
  const written = new Set<string>()
  for (const column of [c.label ?? [], c.prediction ?? []]) {
    for (const v of column) {
      const text = classText(v)
      if (text !== null) written.add(text)
    }
  }
  return written
}

interface Comparison {
  readonly numericClasses: boolean
  readonly numbersAsBooleans: boolean
  readonly classes: ReadonlySet<string>
}

/**
 * Classes compared as numbers when every written one is a number, as booleans when asked and
 * they are booleans and 0 / 1 (decided over the distinct classes, not per row).
 */
function compared(written: ReadonlySet<string>, options: TargetOptions): Comparison {
  const numericClasses = written.size > 0 && [...written].every((c) => DECIMAL_TEXT.test(c))
  if (numericClasses) return { numericClasses, numbersAsBooleans: false, classes: new Set([...written].map(numberName)) }
  if (options.numbersAsBooleans === true && booleansAndBits(written)) return { numericClasses, numbersAsBooleans: true, classes: new Set([...written].map(booleanName)) }
  return { numericClasses, numbersAsBooleans: false, classes: written }
}

/**
 * The task and positive class of one set of columns, or of several read as one (a reference
 * and a current file: the reference first).
 */
export function resolveTask(columns: TargetColumns | readonly TargetColumns[], options: TargetOptions = {}): TaskSpec {
  const parts = Array.isArray(columns) ? (columns as readonly TargetColumns[]) : [columns as TargetColumns]
  const written = new Set<string>()
  for (const part of parts) for (const c of writtenClasses(part)) written.add(c)
  let { numericClasses, numbersAsBooleans, classes } = compared(written, options)
  // A reference with two classes fixes a binary task that the other files' classes would make multiclass.
  const reference = parts.length > 1 && parts[0] !== undefined ? compared(writtenClasses(parts[0]), options) : undefined
  if (options.task === undefined && reference !== undefined && reference.classes.size === 2 && classes.size > 2) ({ numericClasses, numbersAsBooleans, classes } = reference)
  const spellings = numericClasses || numbersAsBooleans ? [] : spellingGroups(written)
  const comparedAs = {
    ...(numericClasses ? { numericClasses } : {}),
    ...(numbersAsBooleans ? { numbersAsBooleans } : {}),
    ...(spellings.length > 0 ? { spellings } : {}),
  }
  const task = options.task ?? (classes.size > 2 ? 'multiclass' : 'binary')
  if (task === 'multiclass') return { task, positiveClass: null, ...comparedAs }
  if (options.positiveClass !== undefined) {
    const configured = options.positiveClass
    const named = numbersAsBooleans ? booleanName(configured) : numericClasses && DECIMAL_TEXT.test(configured) ? numberName(configured) : configured
    return { task, positiveClass: named, ...comparedAs }
  }
  const sorted = [...classes].sort(compareText)
  // A boolean's true: "true" as String(true) names it, "True" as the report names a boolean cell.
  const positiveClass = classes.has('1') ? '1' : classes.has('true') ? 'true' : classes.has('True') ? 'True' : (sorted[sorted.length - 1] ?? '1')
  return { task, positiveClass, ...comparedAs }
}

/** The classes a current file adds to the reference's (classesAdded). */
export interface AddedClasses {
  /** As `spec` names them, in code-unit order. */
  readonly classes: readonly string[]
  /** The rows holding one in their label, in their prediction, and in either. */
  readonly labelRows: number
  readonly predictionRows: number
  readonly rows: number
  /** The first such row, 0-based among the data rows. */
  readonly firstRow: number
}

/**
 * The label and prediction classes of `current` that `reference` has none of, as `spec` names
 * them; undefined when there is none, or when the reference has no class at all (nothing to
 * add to).
 */
export function classesAdded(reference: TargetColumns, current: TargetColumns, spec: TaskSpec): AddedClasses | undefined {
  const known = new Set<string>()
  for (const column of [reference.label, reference.prediction]) for (const c of column ? classesOf(column, spec) : []) if (c !== null) known.add(c)
  if (known.size === 0) return undefined
  const added = new Set<string>()
  const label = current.label ? classesOf(current.label, spec) : []
  const prediction = current.prediction ? classesOf(current.prediction, spec) : []
  const isAdded = (c: string | null | undefined) => c !== null && c !== undefined && !known.has(c)
  let labelRows = 0
  let predictionRows = 0
  let rows = 0
  let firstRow = -1
  for (let i = 0; i < Math.max(label.length, prediction.length); i++) {
    const inLabel = isAdded(label[i])
    const inPrediction = isAdded(prediction[i])
    if (inLabel) {
      labelRows++
      added.add(label[i] as string)
    }
    if (inPrediction) {
      predictionRows++
      added.add(prediction[i] as string)
    }
    if (!inLabel && !inPrediction) continue
    rows++
    if (firstRow < 0) firstRow = i
  }
  return rows === 0 ? undefined : { classes: [...added].sort(compareText), labelRows, predictionRows, rows, firstRow }
}

/**
 * The report's notes on how the classes were compared: as booleans (the numbers 0 / 1 read as
 * False / True), or as text when some are equal as numbers (none when compared as numbers).
 */
export function classSpellingNotes(spec: TaskSpec): string[] {
  if (spec.numbersAsBooleans) {
    const positive = spec.positiveClass === null ? '' : `; positive class "${spec.positiveClass}"`
    return [`label and prediction classes are the booleans True / False and the numbers 0 / 1: 1 is read as True and 0 as False, as pandas and scikit-learn compare them (True == 1)${positive}`]
  }
  if (!spec.spellings || spec.spellings.length === 0) return []
  const groups = spec.spellings.map((g) => g.map((c) => `"${c}"`).join(' / ')).join(', ')
  return [`label and prediction classes are compared as text because not every one is a number, so classes equal as numbers but written differently are different classes: ${groups}`]
}

/** A column's classes as the spec compares them (named by their numbers when numeric; 0 / 1 as "False" / "True" when compared as booleans). */
function classesOf(column: readonly FeatureValue[], spec: TaskSpec): (string | null)[] {
  if (!spec.numericClasses && !spec.numbersAsBooleans) return column.map(classText)
  const nameOf = spec.numbersAsBooleans ? booleanName : numberName
  // One name per distinct text: a million rows hold a handful of classes.
  const names = new Map<string, string>()
  return column.map((v) => {
    const text = classText(v)
    if (text === null) return null
    let name = names.get(text)
    if (name === undefined) {
      name = DECIMAL_TEXT.test(text) ? nameOf(text) : text
      names.set(text, name)
    }
    return name
  })
}

export function readTargets(columns: TargetColumns, spec: TaskSpec): Targets {
  const labels = columns.label && classesOf(columns.label, spec)
  const scores = spec.task === 'binary' ? columns.score?.map((v) => (typeof v === 'number' && !Number.isNaN(v) ? v : null)) : undefined
  const predictions = columns.prediction && classesOf(columns.prediction, spec)
  const predictionSource = predictions !== undefined ? 'column' : scores !== undefined ? 'score>=0.5' : 'none'
  return { ...spec, labels, predictions, scores, predictionSource }
}

export interface BinaryOutcomes {
  /** 1 = the positive class, 0 = any other class, null = missing. */
  readonly yTrue?: readonly (0 | 1 | null)[]
  readonly yPred?: readonly (0 | 1 | null)[]
}

// Computed once per Targets (performance, ranking and fairness each read them): Targets are not mutated.
const outcomes = new WeakMap<Targets, BinaryOutcomes>()

/** Labels and predictions of a binary task as 0/1 (predictions derived from scores if need be). */
export function binaryOutcomes(targets: Targets): BinaryOutcomes {
  const known = outcomes.get(targets)
  if (known) return known
  const computed = outcomesOf(targets)
  outcomes.set(targets, computed)
  return computed
}

function outcomesOf(targets: Targets): BinaryOutcomes {
  const positive = targets.positiveClass
  if (targets.task !== 'binary' || positive === null) return {}
  const indicator = (c: string | null): 0 | 1 | null => (c === null ? null : c === positive ? 1 : 0)
  const yPred =
    targets.predictionSource === 'column'
      ? targets.predictions?.map(indicator)
      : targets.scores?.map((s) => (s === null ? null : s >= DECISION_THRESHOLD ? 1 : 0))
  return { yTrue: targets.labels?.map(indicator), yPred }
}
