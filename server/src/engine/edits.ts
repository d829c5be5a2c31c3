// Turns a fix (format-neutral intents) into text edits, one per touched file.

import type { Fix, FixIntent } from './fixes';
import type { FileKind } from './model';
import { applyArmIntents } from './arm/writer';
import { applyBicepIntents } from './bicep/writer';

export interface FileEdit {
  readonly uri: string;
  /** Offsets into the file's current text. */
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export type Writer = (text: string, intents: readonly FixIntent[]) => string;

const writers: Record<FileKind, Writer> = {
  arm: applyArmIntents,
  bicep: (text, intents) => applyBicepIntents(text, intents, 'bicep'),
  bicepparam: (text, intents) => applyBicepIntents(text, intents, 'bicepparam'),
};

function fileOf(intent: FixIntent) {
  return intent.kind === 'suppress' ? intent.resource.declaration.loc.file : intent.target.loc.file;
}

/** The edits of several fixes applied together (source.fixAll). `textOf` gives the current text of a file. */
export function editsFor(fixes: readonly Fix[], textOf: (uri: string) => string | undefined = () => undefined): FileEdit[] {
  const byFile = new Map<string, { kind: FileKind; text: string; intents: FixIntent[] }>();
  for (const fix of fixes) {
    for (const intent of fix.changes) {
      const file = fileOf(intent);
      let entry = byFile.get(file.uri);
      if (!entry) byFile.set(file.uri, (entry = { kind: file.kind, text: textOf(file.uri) ?? file.text, intents: [] }));
      entry.intents.push(intent);
    }
  }
  const edits: FileEdit[] = [];
  for (const [uri, { kind, text, intents }] of byFile) {
    const edit = minimalEdit(uri, text, writers[kind](text, intents));
    if (edit) edits.push(edit);
  }
  return edits;
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

/** Applies edits of one file (non-overlapping) to its text. */
export function applyFileEdits(text: string, edits: readonly FileEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  }
  return result;
}
