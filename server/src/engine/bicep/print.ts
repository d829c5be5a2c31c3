// Writes an ARM expression tree (expressions/ast.ts) as Bicep: the inverse of lower.ts, for fixes that
// write expressions. `format` and `concat` become interpolated strings, `parameters('x')` becomes `x`,
// ARM's operator functions become operators; anything else is printed as the Bicep call of the same name.

import type { Expr } from '../expressions/ast';
import { MODULE_SYMBOL_FUNCTION, RESOURCE_SYMBOL_FUNCTION, UNKNOWN_SYMBOL_FUNCTION, USER_FUNCTION_NAMESPACE } from './lower';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Functions that name a declaration; Bicep writes the name itself. */
const SYMBOL_FUNCTIONS = new Set(['parameters', 'variables', 'lambdavariables', RESOURCE_SYMBOL_FUNCTION.toLowerCase(), MODULE_SYMBOL_FUNCTION.toLowerCase(), UNKNOWN_SYMBOL_FUNCTION.toLowerCase()]);

const BINARY: Readonly<Record<string, string>> = {
  equals: '==', less: '<', lessorequals: '<=', greater: '>', greaterorequals: '>=',
  add: '+', sub: '-', mul: '*', div: '/', mod: '%',
};
/** ARM functions of any arity that Bicep writes as a chain of one operator. */
const CHAINED: Readonly<Record<string, string>> = { and: '&&', or: '||', coalesce: '??' };

/** Text, and whether it can stand as an operand or access target without parentheses. */
interface Printed { readonly text: string; readonly atom: boolean }

export function printBicepExpression(e: Expr): string {
  return print(e).text;
}

/** A Bicep string literal: `\`, `'`, `${` and control characters escaped. */
export function quoteBicepString(s: string): string {
  return `'${escapeText(s)}'`;
}

function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

const atom = (text: string): Printed => ({ text, atom: true });
const compound = (text: string): Printed => ({ text, atom: false });
const operand = (e: Expr): string => {
  const p = print(e);
  return p.atom ? p.text : `(${p.text})`;
};

function print(e: Expr): Printed {
  switch (e.kind) {
    case 'string': return atom(quoteBicepString(e.value));
    case 'number': return e.value < 0 ? compound(String(e.value)) : atom(String(e.value));
    case 'boolean': return atom(String(e.value));
    case 'null': return atom('null');
    case 'property': return IDENTIFIER.test(e.name)
      ? atom(`${operand(e.target)}${e.safe ? '.?' : '.'}${e.name}`)
      : atom(`${operand(e.target)}${e.safe ? '[?' : '['}${quoteBicepString(e.name)}]`);
    case 'index': return atom(`${operand(e.target)}${e.safe ? '[?' : '['}${print(e.index).text}]`);
    case 'call': return printCall(e);
  }
}

function printCall(e: Extract<Expr, { kind: 'call' }>): Printed {
  const name = e.name.toLowerCase();
  const args = e.args;
  if (e.namespace) {
    const callee = e.namespace === USER_FUNCTION_NAMESPACE ? e.name : `${e.namespace}.${e.name}`;
    return atom(`${callee}(${args.map((a) => print(a).text).join(', ')})`);
  }
  const only = args.length === 1 && args[0].kind === 'string' ? args[0].value : undefined;
  if (SYMBOL_FUNCTIONS.has(name) && only !== undefined && SYMBOL.test(only)) return atom(only);
  if (args.length === 0 && (name === 'true' || name === 'false' || name === 'null')) return atom(name);
  if (name === 'format' && args[0]?.kind === 'string') {
    const parts = formatParts(args[0].value, args.length - 1);
    if (parts) return atom(interpolate(parts.map((p) => (typeof p === 'number' ? args[p + 1] : p))));
  }
  if (name === 'concat' && args.some((a) => a.kind === 'string')) return atom(interpolate(args));
  if (name === 'createarray') return atom(`[${args.map((a) => print(a).text).join(', ')}]`);
  if (name === 'createobject' && args.length % 2 === 0 && args.every((a, i) => i % 2 === 1 || a.kind === 'string')) {
    const members: string[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const key = (args[i] as { value: string }).value;
      members.push(`${IDENTIFIER.test(key) ? key : quoteBicepString(key)}: ${print(args[i + 1]).text}`);
    }
    return atom(members.length ? `{ ${members.join(', ')} }` : '{}');
  }
  if (name === 'not' && args.length === 1) {
    const inner = args[0];
    if (inner.kind === 'call' && !inner.namespace && inner.name.toLowerCase() === 'equals' && inner.args.length === 2) {
      return compound(`${operand(inner.args[0])} != ${operand(inner.args[1])}`);
    }
    return compound(`!${operand(inner)}`);
  }
  if (BINARY[name] && args.length === 2) return compound(`${operand(args[0])} ${BINARY[name]} ${operand(args[1])}`);
  if (CHAINED[name] && args.length >= 2) return compound(args.map(operand).join(` ${CHAINED[name]} `));
  if (name === 'if' && args.length === 3) return compound(`${operand(args[0])} ? ${operand(args[1])} : ${operand(args[2])}`);
  if (name === 'lambda' && args.length >= 1 && args.slice(0, -1).every((a) => a.kind === 'string' && IDENTIFIER.test(a.value))) {
    const params = args.slice(0, -1).map((a) => (a as { value: string }).value);
    return compound(`${params.length === 1 ? params[0] : `(${params.join(', ')})`} => ${print(args[args.length - 1]).text}`);
  }
  return atom(`${e.name}(${args.map((a) => print(a).text).join(', ')})`);
}

/**
 * The pieces of a .NET composite format pattern: literal text and argument indexes; undefined when the
 * pattern has what an interpolation cannot say (alignment, format strings, an index out of range, a stray brace).
 */
function formatParts(pattern: string, argCount: number): (string | number)[] | undefined {
  const parts: (string | number)[] = [];
  let text = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if ((c === '{' || c === '}') && pattern[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)\}/.exec(pattern.slice(i));
      if (!m || Number(m[1]) >= argCount) return undefined;
      parts.push(text, Number(m[1]));
      text = '';
      i += m[0].length - 1;
    } else if (c === '}') {
      return undefined;
    } else {
      text += c;
    }
  }
  parts.push(text);
  return parts;
}

/** An interpolated string of literal text and expressions; string literals are written into the text. */
function interpolate(pieces: readonly (string | Expr)[]): string {
  let out = '';
  let run = '';
  for (const piece of pieces) {
    const literal = typeof piece === 'string' ? piece : piece.kind === 'string' ? piece.value : undefined;
    if (literal !== undefined) {
      run += literal;
      continue;
    }
    // Escaped as a whole, so a `$` and a `{` from two pieces cannot meet as an unescaped `${`.
    out += `${escapeText(run)}\${${print(piece as Expr).text}}`;
    run = '';
  }
  return `'${out}${escapeText(run)}'`;
}
