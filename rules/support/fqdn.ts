// Host-name checks for allowedFqdnList entries. Entries may be partly unknown
// (`{0}.blob.core.windows.net` with `{0}` a parameter): unknown pieces count as valid labels.

import { isUnknown, type Value } from '../../server/src/engine/expressions/value';

/** The service limit on allowedFqdnList entries. */
export const MAX_ENTRIES = 1000;

/** A stand-in for an unknown piece: a valid label, so only the known text is judged. */
const HOLE = 'x';

/** The entry's text with unknown pieces replaced by a label, or undefined when nothing of it is known. */
export function entryText(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (isUnknown(v) && v.parts) return v.parts.map((p) => (p === null ? HOLE : p)).join('');
  return undefined;
}

/** The entry as shown in messages: unknown pieces as `{…}`. */
export function entryDisplay(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (isUnknown(v) && v.parts) return v.parts.map((p) => (p === null ? '{…}' : p)).join('');
  return undefined;
}

/** True when the known text contains a wildcard. */
export function hasWildcard(v: Value): boolean {
  if (typeof v === 'string') return v.includes('*');
  return isUnknown(v) && !!v.parts?.some((p) => p !== null && p.includes('*'));
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/i;

/** A plain host name, the common case, recognised in one pass (labels of at most 63 characters). */
const PLAIN_HOST = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?$/i;

/** Why `text` is not a bare host name, or undefined when it is one. Wildcards are left to no-wildcard-fqdns. */
export function hostProblem(text: string): string | undefined {
  if (text.length <= 253 && PLAIN_HOST.test(text) && !IPV4.test(text)) return undefined;
  if (text.length === 0) return 'it is empty';
  if (/\s/.test(text)) return 'it contains whitespace';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return 'it has a URL scheme; list the host name only';
  if (text.includes('/')) return 'it has a path; list the host name only';
  if (text.includes('?') || text.includes('#')) return 'it has a query or fragment; list the host name only';
  if (text.includes('@')) return 'it has user information; list the host name only';
  if (text.startsWith('[') || (text.split(':').length > 2)) return 'it is an IP address; the allow-list accepts host names (FQDNs) only';
  if (/:\d*$/.test(text)) return 'it has a port; list the host name only';
  if (IPV4.test(text)) return 'it is an IP address; the allow-list accepts host names (FQDNs) only';
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name.length > 253) return `it is ${name.length} characters long; a host name has at most 253`;
  for (const label of name.split('.')) {
    if (label === '*') continue;
    if (label.length === 0) return 'it has an empty label (two dots in a row, or a leading dot)';
    if (label.length > 63) return `its label '${label.slice(0, 20)}…' is ${label.length} characters long; a label has at most 63`;
    if (!LABEL.test(label.replace(/\*/g, 'x'))) return `its label '${label}' has characters a host name cannot contain`;
  }
  return undefined;
}

/** The host inside a URL-like entry (`https://x.contoso.com/path` → `x.contoso.com`), when that is clear. */
export function hostOf(text: string): string | undefined {
  const trimmed = text.trim();
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/?#\s:@]+)(?::\d+)?(?:[/?#].*)?$/i.exec(trimmed);
  if (!match) return undefined;
  const host = match[1];
  return host !== text && !host.includes('*') && hostProblem(host) === undefined ? host : undefined;
}

/** A host as hosts compare: case-insensitively, a trailing dot ignored. */
export function hostKey(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}
