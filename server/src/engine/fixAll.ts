// source.fixAll and --fix: the safe fixes applied, the file analysed again and fixed again until no safe fix is
// left (ESLint's fixed point: a rewrite may create a duplicate, which the next pass removes), in at most 10 passes.

import { analysisOptionsOf, analyze, safeFixesOf, type AnalysisResult, type Finding } from './analyze';
import { applyFileEdits, editsFor, minimalEdit, type FileEdit } from './edits';

export const MAX_FIX_PASSES = 10;

export interface FixAllResult {
  /** The file's text with every safe fix applied. */
  readonly text: string;
  /** How many times fixes were applied. */
  readonly passes: number;
  /** One edit of the file (from its text to `text`), and the first pass's edits of other files (a parameter file). */
  readonly edits: readonly FileEdit[];
}

/**
 * Applies safe fixes to `text` until none is left. `analyze` analyses a text of the file; `first` is the analysis
 * of `text` when the caller has it. Other files are read with `textOf` (else as analysed) and changed once.
 */
export function fixAll(text: string, analyze: (text: string) => AnalysisResult,
  options: { readonly first?: Iterable<Finding>; readonly textOf?: (uri: string) => string | undefined } = {}): FixAllResult {
  let current = text;
  let passes = 0;
  let first = options.first && [...options.first];
  let uri = first?.[0]?.loc.file.uri;
  let others: FileEdit[] = [];
  while (passes < MAX_FIX_PASSES) {
    let findings: readonly Finding[];
    if (first) {
      findings = first;
      first = undefined;
    } else {
      const result = analyze(current);
      uri = result.file.uri;
      findings = result.findings;
    }
    const safe = findings.flatMap(safeFixesOf);
    if (!safe.length) break;
    const edits = editsFor(safe, (u) => (u === uri ? current : options.textOf?.(u)));
    const own = edits.filter((e) => e.uri === uri);
    if (passes === 0) others = edits.filter((e) => e.uri !== uri);
    if (!own.length) break;
    current = applyFileEdits(current, own);
    passes++;
  }
  const edit = uri !== undefined ? minimalEdit(uri, text, current) : undefined;
  return { text: current, passes, edits: edit ? [edit, ...others] : others };
}

/**
 * The edits of source.fixAll for the findings of one analysis: the file is analysed again with the options it was
 * analysed with. `textOf` gives the current text of other files.
 */
export function fixAllEdits(findings: Iterable<Finding>, textOf?: (uri: string) => string | undefined): readonly FileEdit[] {
  const list = [...findings];
  const file = list[0]?.loc.file;
  const options = file && analysisOptionsOf(file);
  if (!file || !options) return editsFor(list.flatMap(safeFixesOf), textOf);
  return fixAll(file.text, (text) => analyze({ ...file, text }, options), { first: list, textOf }).edits;
}
