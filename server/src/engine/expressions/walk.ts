// Searching expression trees.

import type { Expr, Span } from './ast';

/** The span of the first string literal (depth first, left to right) whose value passes `test`. */
export function findStringLiteral(expr: Expr, test: (text: string) => boolean): Span | undefined {
  const stack: Expr[] = [expr];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.kind === 'string' && test(e.value)) return e.span;
    const children: Expr[] = e.kind === 'call' ? e.args : e.kind === 'property' ? [e.target] : e.kind === 'index' ? [e.target, e.index] : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return undefined;
}
