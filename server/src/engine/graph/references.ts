// The resources an expression refers to, for the graph's `references` relation: the same walk for ARM
// expressions and lowered Bicep (resource symbols are `resourceSymbol('x')` calls there).

import type { Expr } from '../expressions/ast';
import type { Value } from '../expressions/value';

/** Functions whose first argument names a resource (symbol or id); the resource id functions name one themselves. */
const BY_ARGUMENT = new Set(['reference', 'resourceinfo', 'resourcesymbol']);
const IDS = new Set(['resourceid', 'subscriptionresourceid', 'extensionresourceid', 'tenantresourceid']);

/** Adds to `out` the values naming the resources `expr` refers to; `evaluate` evaluates in the expression's scope. */
export function collectReferences(expr: Expr, evaluate: (e: Expr) => Value, out: Value[]): void {
  const exprs: Expr[] = [expr];
  while (exprs.length) {
    const e = exprs.pop()!;
    if (e.kind === 'call') {
      const name = e.name.toLowerCase();
      if (!e.namespace && BY_ARGUMENT.has(name) && e.args.length) { out.push(evaluate(e.args[0])); continue; }
      if (!e.namespace && IDS.has(name)) { out.push(evaluate(e)); continue; }
      // listKeys(x, v) and the like read the resource x.
      if (!e.namespace && name.startsWith('list') && e.args.length) out.push(evaluate(e.args[0]));
      exprs.push(...e.args);
    } else if (e.kind === 'property') exprs.push(e.target);
    else if (e.kind === 'index') exprs.push(e.target, e.index);
  }
}
