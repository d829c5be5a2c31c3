// What the ARM and Bicep writers share: the interface edits.ts plans fixes through, one parse per file reused by
// every fix of it, and combining many changes into a text in one pass.

import type { AddParameterIntent, AddResourceIntent, FixValue } from './fixes';
import type { SourceFile } from './model';

export interface Range { readonly start: number; readonly end: number }

/** Replace [start, end) of the planned text by `text`. */
export interface TextChange extends Range { readonly text: string }

/** A member a fix adds to an object (several for one object are written as one change). */
export interface Member { readonly key: string; readonly value: FixValue }

export interface Suppression { readonly at: number; readonly ruleId: string; readonly reason: string }

/** A batch's outcome: the changes, and how many of the requested operations could not be written. */
export interface Written { readonly changes: TextChange[]; readonly failed: number }

/**
 * A format's writer. Every method works on one parse of the text (`parse`), checks that the syntax it
 * touches is whole (closed brackets, no syntax error inside) and returns undefined (or counts a failure)
 * rather than write into broken or unexpected syntax.
 */
export interface FormatWriter<S> {
  parse(file: SourceFile, text: string): S | undefined;
  /** Adds members to the object spanning `object`. */
  insert(syntax: S, object: Range, members: readonly Member[]): TextChange[] | undefined;
  /** Replaces the value spanning `target`. */
  replace(syntax: S, target: Range, value: FixValue): TextChange[] | undefined;
  /** Removes array items (of any arrays) together, so neighbours removed at once never overlap. */
  removeItems(syntax: S, items: readonly Range[]): Written;
  /** Suppression comments; formats without them record suppressions as members instead. */
  suppress?(syntax: S, suppressions: readonly Suppression[]): Written;
  /** New parameters, then new resources (which may use them), in the templates of their targets. */
  declare?(syntax: S, parameters: readonly AddParameterIntent[], resources: readonly AddResourceIntent[]): Written;
}

/**
 * A parse per source file while the text is the one analysed: a fix set, and every finding's check that its
 * fixes can be written, share it. Other texts (a newer editor buffer) are parsed each time.
 */
export function parseCache<S>(parse: (text: string, file: SourceFile) => S | undefined) {
  const cache = new WeakMap<SourceFile, S | undefined>();
  return {
    get(file: SourceFile, text: string): S | undefined {
      if (text !== file.text) return parse(text, file);
      if (!cache.has(file)) cache.set(file, parse(text, file));
      return cache.get(file);
    },
    /** A parse the reader already made of the analysed text. */
    remember(file: SourceFile, syntax: S): void {
      cache.set(file, syntax);
    },
  };
}

/** Whether the ascending `offsets` hold one in [start, end]. */
export function anyWithin(offsets: readonly number[], start: number, end: number): boolean {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (offsets[mid] < start) low = mid + 1; else high = mid;
  }
  return low < offsets.length && offsets[low] <= end;
}

/** Maximal runs of consecutive indices, from ascending distinct indices. */
export function runsOf(indices: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const i of indices) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i; else runs.push([i, i]);
  }
  return runs;
}

/**
 * Changes in text order without overlaps: a change inside a removal is dropped (the removal covers it), and
 * of two that otherwise overlap the first is kept. Changes at one offset keep their given order.
 */
export function combine(changes: readonly TextChange[]): TextChange[] {
  const sorted = changes.map((c, i) => ({ c, i })).sort((a, b) => a.c.start - b.c.start || a.c.end - b.c.end || a.i - b.i).map((x) => x.c);
  const out: TextChange[] = [];
  for (const change of sorted) {
    const last = out[out.length - 1];
    if (!last || change.start >= last.end) {
      out.push(change);
    } else if (change.text === '' && change.start === last.start && change.end >= last.end) {
      out[out.length - 1] = change; // a removal covering the previous change wins
    }
  }
  return out;
}

/** Applies changes in one pass (linear in the text and the changes). */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const change of combine(changes)) {
    parts.push(text.slice(at, change.start), change.text);
    at = change.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** The end of the line from `from` (before `limit`) when only blanks and comments follow on it. */
export function endOfLine(text: string, from: number, limit: number): number | undefined {
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
    if (c === 32 || c === 9) i++;
    else if (c === 47 && text.charCodeAt(i + 1) === 47) { while (i < limit && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++; }
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close >= limit || /[\r\n]/.test(text.slice(i, close))) return undefined;
      i = close + 2;
    } else return undefined;
  }
  return undefined;
}

/** How a format writes values: its scalars and keys, and what separates members written on lines. */
export interface ValueStyle<V> {
  readonly eol: string;
  readonly unit: string;
  /** The text of a value that is not an array or a plain object; undefined for those. */
  scalar(value: V): string | undefined;
  key(key: string): string;
  /** Between members written on lines (`,` in JSON, nothing in Bicep). */
  readonly lineSeparator: string;
}

/** A value on lines from `indent` (arrays and objects one member a line), or all on one line without it. */
export function renderValue<V>(value: V, indent: string | undefined, style: ValueStyle<V>): string {
  const scalar = style.scalar(value);
  if (scalar !== undefined) return scalar;
  const array = Array.isArray(value);
  const entries: [string | undefined, V][] = array ? (value as V[]).map((v) => [undefined, v]) : Object.entries(value as Record<string, V>);
  const [open, close] = array ? ['[', ']'] : ['{', '}'];
  if (!entries.length) return `${open}${close}`;
  const inner = indent === undefined ? undefined : indent + style.unit;
  const items = entries.map(([k, v]) => `${k === undefined ? '' : `${style.key(k)}: `}${renderValue(v, inner, style)}`);
  if (inner === undefined) return array ? `[${items.join(', ')}]` : `{ ${items.join(', ')} }`;
  return `${open}${style.eol}${items.map((i) => inner + i).join(`${style.lineSeparator}${style.eol}`)}${style.eol}${indent}${close}`;
}
