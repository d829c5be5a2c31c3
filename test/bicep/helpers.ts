// Shared helpers for the Bicep parser/lowering tests.

import type { Expr } from '../../server/src/engine/expressions/ast';
import type { Program } from '../../server/src/engine/bicep/ast';

/** ARM-like rendering of a lowered expression: `concat('a', parameters('b'))`, `x.?y`, `a[0]`. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'string': return `'${e.value.replace(/'/g, "''")}'`;
    case 'number': return String(e.value);
    case 'boolean': return String(e.value);
    case 'null': return 'null';
    case 'call': return `${e.namespace ? e.namespace + '.' : ''}${e.name}(${e.args.map(printExpr).join(', ')})`;
    case 'property': return `${printExpr(e.target)}${e.safe ? '.?' : '.'}${e.name}`;
    case 'index': return `${printExpr(e.target)}[${e.safe ? '?' : ''}${printExpr(e.index)}]`;
  }
}

/** Offset of the `n`-th (0-based) occurrence of `needle` in `text`; throws when absent. */
export function at(text: string, needle: string, n = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' (#${n}) not found`);
  }
  return i;
}

/** `{ start, end }` of the `n`-th occurrence of `needle`. */
export function rangeOf(text: string, needle: string, n = 0): { start: number; end: number } {
  const start = at(text, needle, n);
  return { start, end: start + needle.length };
}

/**
 * Walks every node (object with numeric start/end) of a program and checks the range invariants:
 * 0 <= start <= end <= text length, and children lie within their parents.
 * Returns the number of nodes visited; throws with a path on the first violation.
 */
export function checkRanges(program: Program, textLength: number): number {
  let count = 0;
  const seen = new Set<object>();
  const stack: { node: unknown; parent?: { start: number; end: number }; path: string }[] = [{ node: program, path: 'program' }];
  while (stack.length > 0) {
    const { node, parent, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((c, i) => stack.push({ node: c, parent, path: `${path}[${i}]` }));
      continue;
    }
    const rec = node as Record<string, unknown>;
    let here = parent;
    if (typeof rec.start === 'number' && typeof rec.end === 'number') {
      count++;
      const { start, end } = rec as { start: number; end: number };
      if (!(start >= 0 && start <= end && end <= textLength)) throw new Error(`bad range ${start}-${end} at ${path}`);
      if (parent && !(start >= parent.start && end <= parent.end)) {
        throw new Error(`range ${start}-${end} outside parent ${parent.start}-${parent.end} at ${path}`);
      }
      here = { start, end };
    }
    for (const [k, v] of Object.entries(rec)) {
      if (k === 'lineStarts' || k === 'comments' || k === 'directives') continue;
      // a declaration's keyword/name ranges and the partial of an error node are inside it; follow everything
      stack.push({ node: v, parent: here, path: `${path}.${k}` });
    }
  }
  return count;
}
