// Writes an expression tree back as ARM expression text (without the surrounding brackets).

import type { Expr } from './ast';

export function printExpression(e: Expr): string {
  switch (e.kind) {
    case 'string': return `'${e.value.replace(/'/g, "''")}'`;
    case 'number': return String(e.value);
    case 'boolean': return e.value ? 'true()' : 'false()';
    case 'null': return 'null()';
    case 'call': return `${e.namespace ? `${e.namespace}.` : ''}${e.name}(${e.args.map(printExpression).join(', ')})`;
    case 'property': return `${printExpression(e.target)}${e.safe ? '.?' : '.'}${e.name}`;
    case 'index': return `${printExpression(e.target)}${e.safe ? '[?' : '['}${printExpression(e.index)}]`;
  }
}
