// Writes an expression tree back as ARM expression text (without the surrounding brackets).

import type { Expr } from './ast';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function printExpression(e: Expr): string {
  switch (e.kind) {
    case 'string': return `'${e.value.replace(/'/g, "''")}'`;
    case 'number': return String(e.value);
    case 'boolean': return e.value ? 'true()' : 'false()';
    case 'null': return 'null()';
    case 'call': return `${e.namespace ? `${e.namespace}.` : ''}${e.name}(${e.args.map(printExpression).join(', ')})`;
    // A name that is not an identifier (built in code) can only be reached by index.
    case 'property': return IDENTIFIER.test(e.name)
      ? `${printExpression(e.target)}${e.safe ? '.?' : '.'}${e.name}`
      : `${printExpression(e.target)}${e.safe ? '[?' : '['}${printExpression({ kind: 'string', value: e.name, span: e.span })}]`;
    case 'index': return `${printExpression(e.target)}${e.safe ? '[?' : '['}${printExpression(e.index)}]`;
  }
}

/** A JSON string value for the expression: `[expression]`. */
export function printTemplateExpression(e: Expr): string {
  return `[${printExpression(e)}]`;
}

/** A JSON string value that ARM reads as this literal: one that looks like an expression gets its `[` doubled. */
export function armLiteral(s: string): string {
  return s.startsWith('[') && s.endsWith(']') ? `[${s}` : s;
}
