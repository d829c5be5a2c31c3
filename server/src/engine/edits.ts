// Turns fixes (format-neutral intents) into text edits, one per touched file. All intents on a file are planned
// against one parse of it and combined in one pass. An intent that cannot be written safely (its target computed
// by an expression, of another type, or in broken syntax) is left out, and a fix with one is not offered.

import { ExpressionValue, type AddParameterIntent, type AddResourceIntent, type Fix, type FixIntent, type FixValue } from './fixes';
import { writtenAt, type FileKind, type Loc, type SourceFile, type ValueNode } from './model';
import { SUPPRESS_PATH } from './arm/reader';
import { armWriter } from './arm/writer';
import { bicepWriter } from './bicep/writer';
import { applyChanges, combine, type FormatWriter, type Member, type Suppression, type TextChange } from './writing';

/** One replacement in a file; a file's edits (from `editsFor`) are in text order and do not overlap. */
export interface FileEdit {
  readonly uri: string;
  /** Offsets into the file's current text. */
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** An intent resolved to where it writes. */
type Operation =
  | { readonly kind: 'insert'; readonly object: Loc; readonly key: string; readonly value: FixValue; readonly onlyIfMissing: boolean }
  | { readonly kind: 'replace'; readonly target: Loc; readonly value: FixValue }
  | { readonly kind: 'remove-item'; readonly target: Loc }
  | { readonly kind: 'suppress'; readonly at: Loc; readonly ruleId: string; readonly reason: string }
  /** New declarations in the template of `intent.target`. */
  | { readonly kind: 'add-parameter'; readonly intent: AddParameterIntent }
  | { readonly kind: 'add-resource'; readonly intent: AddResourceIntent }
  /** Already as wanted (`onlyIfMissing` and present). */
  | { readonly kind: 'none' };

const writers: Record<FileKind, FormatWriter<unknown>> = { arm: armWriter, bicep: bicepWriter, bicepparam: bicepWriter };

/**
 * The edits of several fixes applied together (source.fixAll): one per change, so an edit at the top of a file and
 * one at its end do not carry the text between. `textOf` gives the current text of a file.
 */
export function editsFor(fixes: readonly Fix[], textOf: (uri: string) => string | undefined = () => undefined): FileEdit[] {
  return editsWithText(fixes, textOf).map((e) => e.edit);
}

/** `editsFor`, each edit with the text it applies to (to say its offsets as lines and columns). */
export function editsWithText(fixes: readonly Fix[], textOf: (uri: string) => string | undefined = () => undefined): { edit: FileEdit; text: string }[] {
  const out: { edit: FileEdit; text: string }[] = [];
  for (const { file, text, changes } of plan(fixes.flatMap((f) => f.changes), textOf).files) {
    for (const edit of editsOf(file.uri, text, changes)) out.push({ edit, text });
  }
  return out;
}

/**
 * An edit per change (changes that touch are one), each trimmed to what it changes: their cost follows what
 * changes, not the file's size.
 */
function editsOf(uri: string, text: string, changes: readonly TextChange[]): FileEdit[] {
  const runs: { start: number; end: number; parts: string[] }[] = [];
  for (const { start, end, text: newText } of combine(changes)) {
    const last = runs[runs.length - 1];
    if (last && last.end === start) { last.end = end; last.parts.push(newText); } else runs.push({ start, end, parts: [newText] });
  }
  const edits: FileEdit[] = [];
  for (const { start, end, parts } of runs) {
    const span = minimalEdit(uri, text.slice(start, end), parts.join(''));
    if (span) edits.push({ uri, start: start + span.start, end: start + span.end, newText: span.newText });
  }
  return edits;
}

/** Whether every intent of the fix can be written, against the text analysed, and it changes something. */
export function isWritable(fix: Fix): boolean {
  const { failed, files } = plan(fix.changes, () => undefined);
  return failed === 0 && files.some((f) => f.changes.length > 0);
}

interface FilePlan { readonly file: SourceFile; readonly text: string; readonly changes: TextChange[] }

function plan(intents: readonly FixIntent[], textOf: (uri: string) => string | undefined): { failed: number; files: FilePlan[] } {
  let failed = 0;
  const byFile = new Map<string, { file: SourceFile; operations: Operation[] }>();
  for (const intent of intents) {
    const operation = resolve(intent);
    if (!operation) { failed++; continue; }
    if (operation.kind === 'none') continue;
    const file = locOf(operation).file;
    let entry = byFile.get(file.uri);
    if (!entry) byFile.set(file.uri, (entry = { file, operations: [] }));
    entry.operations.push(operation);
  }
  const files: FilePlan[] = [];
  for (const { file, operations } of byFile.values()) {
    const text = textOf(file.uri) ?? file.text;
    const written = writeFile(writers[file.kind], file, text, operations);
    failed += written.failed;
    files.push({ file, text, changes: written.changes });
  }
  return { failed, files };
}

function locOf(operation: Exclude<Operation, { kind: 'none' }>): Loc {
  switch (operation.kind) {
    case 'insert': return operation.object;
    case 'suppress': return operation.at;
    case 'add-parameter': case 'add-resource': return operation.intent.target.loc;
    default: return operation.target;
  }
}

function writeFile<S>(writer: FormatWriter<S>, file: SourceFile, text: string, operations: readonly Operation[]): { changes: TextChange[]; failed: number } {
  const syntax = writer.parse(file, text);
  if (syntax === undefined) return { changes: [], failed: operations.length };
  const changes: TextChange[] = [];
  let failed = 0;
  // Members added to one object are written together; nested ones merge (`networkAcls` set twice).
  const inserts = new Map<string, { object: Loc; members: Map<string, { key: string; value: FixValue; onlyIfMissing: boolean }>; count: number }>();
  const removals: Loc[] = [];
  const suppressions: Suppression[] = [];
  const parameters: AddParameterIntent[] = [];
  const resources: AddResourceIntent[] = [];
  for (const op of operations) {
    switch (op.kind) {
      case 'insert': {
        const id = `${op.object.start}:${op.object.end}`;
        let entry = inserts.get(id);
        if (!entry) inserts.set(id, (entry = { object: op.object, members: new Map(), count: 0 }));
        entry.count++;
        addMember(entry.members, op.key, op.value, op.onlyIfMissing);
        break;
      }
      case 'replace': {
        const written = writer.replace(syntax, op.target, op.value);
        if (written) changes.push(...written); else failed++;
        break;
      }
      case 'remove-item': removals.push(op.target); break;
      case 'suppress': suppressions.push({ at: op.at.start, ruleId: op.ruleId, reason: op.reason }); break;
      case 'add-parameter': parameters.push(op.intent); break;
      case 'add-resource': resources.push(op.intent); break;
      case 'none': break;
    }
  }
  for (const { object, members, count } of inserts.values()) {
    const written = writer.insert(syntax, object, [...members.values()].map(({ key, value }): Member => ({ key, value })));
    if (written) changes.push(...written); else failed += count;
  }
  const removed = writer.removeItems(syntax, removals);
  changes.push(...removed.changes);
  failed += removed.failed;
  if (suppressions.length) {
    const suppressed = writer.suppress?.(syntax, suppressions) ?? { changes: [], failed: suppressions.length };
    changes.push(...suppressed.changes);
    failed += suppressed.failed;
  }
  if (parameters.length || resources.length) {
    const declared = writer.declare?.(syntax, parameters, resources) ?? { changes: [], failed: parameters.length + resources.length };
    changes.push(...declared.changes);
    failed += declared.failed;
  }
  return { changes, failed };
}

/** Adds a member; the same key again merges objects, else the later value wins unless it is only a default. */
function addMember(members: Map<string, { key: string; value: FixValue; onlyIfMissing: boolean }>, key: string, value: FixValue, onlyIfMissing: boolean): void {
  const id = key.toLowerCase();
  const existing = members.get(id);
  if (!existing) members.set(id, { key, value, onlyIfMissing });
  else if (!onlyIfMissing) members.set(id, { key: existing.key, value: merge(existing.value, value), onlyIfMissing: false });
  // A default below a member being created is missing too, unless that member writes it.
  else members.set(id, { ...existing, value: merge(existing.value, value, true) });
}

function isPlainObject(v: FixValue): v is { [key: string]: FixValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ExpressionValue);
}

/** `b` merged into `a`; with `keep`, `a` wins where both have a value that is not an object. */
function merge(a: FixValue, b: FixValue, keep = false): FixValue {
  if (!isPlainObject(a) || !isPlainObject(b)) return keep ? a : b;
  const out: { [key: string]: FixValue } = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const existing = Object.keys(out).find((x) => x.toLowerCase() === k.toLowerCase());
    if (existing === undefined) out[k] = v; else out[existing] = merge(out[existing], v, keep);
  }
  return out;
}

/** Where an intent writes; undefined when it cannot be written safely. */
function resolve(intent: FixIntent): Operation | undefined {
  switch (intent.kind) {
    case 'replace': return { kind: 'replace', target: intent.target.loc, value: intent.value };
    case 'remove-item': return { kind: 'remove-item', target: intent.target.loc };
    case 'set': return resolveSet(intent.target, intent.path, intent.value, intent.onlyIfMissing ?? false, true);
    case 'add-parameter': return { kind: 'add-parameter', intent };
    case 'add-resource': return { kind: 'add-resource', intent };
    case 'suppress': {
      const at = intent.at ?? intent.resource.typeLoc;
      // Bicep suppresses with a comment where the finding is reported (a caller's value, a parameter file)...
      if (at.file.kind !== 'arm') return { kind: 'suppress', at, ruleId: intent.ruleId, reason: intent.reason };
      // ...ARM in the resource's metadata, which the reader reads as written (never through variables).
      if (intent.resource.declaration.loc.file.uri !== at.file.uri) return undefined;
      return resolveSet(intent.resource.declaration, [...SUPPRESS_PATH, intent.ruleId], intent.reason, false, false);
    }
  }
}

/**
 * A `set` of `path` below the object `target`: through members written as objects, and (with `follow`) through a
 * member written as a variable or parameter to the object where its value is written. A step computed by an
 * expression (`union(...)`), or written as something other than an object, cannot be written.
 */
function resolveSet(target: ValueNode, path: readonly string[], value: FixValue, onlyIfMissing: boolean, follow: boolean): Operation | undefined {
  let node = target;
  for (let i = 0; i < path.length; i++) {
    if (!isWrittenObject(node)) {
      const site = follow && !node.literal ? writtenAt(node) : undefined;
      if (!site || !isWrittenObject(site)) return undefined;
      node = site;
    }
    const child = node.member(path[i]);
    if (!child) {
      let nested = value;
      for (let j = path.length - 1; j > i; j--) nested = { [path[j]]: nested };
      return { kind: 'insert', object: node.loc, key: path[i], value: nested, onlyIfMissing };
    }
    // A member found through a spread or a computed value has no place of its own to write.
    if (!ownMember(node, child)) return undefined;
    if (i === path.length - 1) return onlyIfMissing ? { kind: 'none' } : { kind: 'replace', target: child.loc, value };
    node = child;
  }
  return undefined;
}

/** An object written literally (`{ ... }`), whose members a writer can edit. */
function isWrittenObject(node: ValueNode): boolean {
  return node.literal && node.loc.file.text.charCodeAt(node.loc.start) === 0x7b;
}

function ownMember(parent: ValueNode, child: ValueNode): boolean {
  return child.keyLoc !== undefined && child.loc.file === parent.loc.file && child.loc.start > parent.loc.start && child.loc.end < parent.loc.end;
}

/** One edit covering only what changed between two texts. */
export function minimalEdit(uri: string, before: string, after: string): FileEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { uri, start, end: endBefore, newText: after.slice(start, endAfter) };
}

/** Applies edits of one file (non-overlapping) to its text, in one pass. */
export function applyFileEdits(text: string, edits: readonly FileEdit[]): string {
  return applyChanges(text, edits.map((e) => ({ start: e.start, end: e.end, text: e.newText })));
}
