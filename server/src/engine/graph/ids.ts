// Resource names and ids as the graph compares them: partially known values become patterns in
// which an unknown piece matches anything, so `[null, '.blob']` can still find its storage account.

import { Unknown, isUnknown, type Value } from '../expressions/value';
import type { GraphResource } from './graph';

/** A resource object value made by the graph carries the resource it stands for. */
export const RESOURCE_REF: unique symbol = Symbol('resource');

/** Stands for an unknown piece inside a pattern string. */
export const HOLE = '\u0000';

export interface ResourceIdPattern {
  /** `Microsoft.Storage/storageAccounts/blobServices` */
  readonly type: string;
  /** One pattern string per name segment (`HOLE` for unknown pieces). */
  readonly name: readonly string[];
}

/** A string or partially known string as a pattern; undefined when nothing of it is known. */
export function patternOf(v: Value): string | undefined {
  if (typeof v === 'string') return known(v);
  if (isUnknown(v) && v.parts) return v.parts.map((p) => (p === null ? HOLE : known(p))).join('');
  return undefined;
}

/** Known text in a pattern: a NUL the template writes (`\u0000`) is a character (U+FFFD), not an unknown piece. */
function known(text: string): string {
  return text.includes(HOLE) ? text.replaceAll(HOLE, '\ufffd') : text;
}

/** A pattern back as a value: a string, or an Unknown with parts. */
export function valueOfPattern(pattern: string, reason: string): Value {
  if (!pattern.includes(HOLE)) return pattern;
  const parts: (string | null)[] = [];
  pattern.split(HOLE).forEach((piece, i) => {
    if (i) parts.push(null); // also before the first piece: a pattern may start with a hole
    if (piece) parts.push(piece);
  });
  return new Unknown(reason, undefined, parts);
}

/**
 * Type and name segments of a resource id (`/subscriptions/…/providers/Ns/t1/n1/t2/n2`, or relative
 * `Ns/t1/n1`), known or partially known. Undefined when it is not one.
 */
export function parseResourceId(v: Value | undefined): ResourceIdPattern | undefined {
  const pattern = v === undefined ? undefined : patternOf(v);
  if (pattern === undefined) return undefined;
  const lower = pattern.toLowerCase();
  const at = lower.lastIndexOf('/providers/');
  let tail: string;
  if (at >= 0) tail = pattern.slice(at + '/providers/'.length);
  else if (pattern.startsWith('/')) return undefined;
  else tail = pattern;
  const segments = tail.split('/');
  if (segments.length < 3 || segments.length % 2 === 0) return undefined;
  const [namespace] = segments;
  if (!namespace.includes('.') || namespace.includes(HOLE)) return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 1; i < segments.length; i += 2) {
    if (segments[i].includes(HOLE)) return undefined;
    types.push(segments[i]);
    names.push(segments[i + 1]);
  }
  return { type: [namespace, ...types].join('/'), name: names };
}

/** Whether a resource's full name (known or partial) fits the name segments of an id. */
export function matchesName(fullName: Value, segments: readonly string[]): boolean {
  const pattern = patternOf(fullName);
  if (pattern === undefined) return false;
  const own = pattern.split('/');
  if (own.length !== segments.length) return false;
  return own.every((segment, i) => segmentsMatch(segment, segments[i]));
}

function segmentsMatch(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) return true;
  const aHole = a.includes(HOLE), bHole = b.includes(HOLE);
  if (aHole && bHole) return false;
  if (!aHole && !bHole) return false;
  const [pattern, text] = aHole ? [a, b] : [b, a];
  return fitsPattern(pattern, text);
}

/** Whether a known text fits a pattern (`HOLE` for any text), compared case-insensitively. */
export function fitsPattern(pattern: string, text: string): boolean {
  return fitsPieces(pattern.toLowerCase().split(HOLE), text.toLowerCase());
}

/**
 * Whether `text` is the `pieces` with any text between them (a glob whose one wildcard stands for any text): the
 * first a prefix, the last a suffix, the others in order, each where it is first found. At most linear in the text
 * per piece: a regular expression of the pieces joined by `.*` backtracks polynomially in their number on a text
 * that does not fit (a fuzzed template's 70 s).
 */
export function fitsPieces(pieces: readonly string[], text: string): boolean {
  if (pieces.length === 1) return pieces[0] === text;
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (first.length + last.length > text.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let at = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const found = text.indexOf(pieces[i], at);
    if (found < 0 || found + pieces[i].length > end) return false;
    at = found + pieces[i].length;
  }
  return true;
}

/** The full ARM name of a resource: a nested child's own segment under its parent's full name. */
export function fullNameOf(resource: GraphResource): Value {
  const own = resource.nameNode?.value;
  if (own === undefined) return new Unknown(`the name of '${resource.symbolicName ?? resource.type}' is not read`);
  const parent = resource.declaredParent;
  if (!parent) return own;
  const ownPattern = patternOf(own);
  // Already a full name (`acct/child`), as ARM allows for nested resources too.
  const depth = resource.type.split('/').length - 1;
  if (ownPattern !== undefined && ownPattern.split('/').length === depth) return own;
  const parentPattern = patternOf(fullNameOf(parent));
  if (parentPattern === undefined || ownPattern === undefined) return new Unknown(`the name of '${resource.symbolicName ?? resource.type}' is only known at deployment`);
  return valueOfPattern(`${parentPattern}/${ownPattern}`, 'part of the name is only known at deployment');
}

/** `/subscriptions/{?}/resourceGroups/{?}/providers/{type}/{names}` for a resource of this deployment. */
export function resourceIdOf(resource: GraphResource, fullName: Value): Value {
  const [namespace, ...types] = resource.type.split('/');
  const name = patternOf(fullName);
  const names = name === undefined ? types.map(() => HOLE) : name.split('/');
  if (names.length !== types.length) return new Unknown(`the id of '${resource.symbolicName ?? resource.type}' is only known at deployment`);
  const tail = types.map((t, i) => `/${t}/${names[i]}`).join('');
  return valueOfPattern(`/subscriptions/${HOLE}/resourceGroups/${HOLE}/providers/${namespace}${tail}`, 'the subscription and resource group are only known at deployment');
}
