// Prints JSON values as Bicep literals, deterministically (keys in the order given, two-space indent).

export class BicepExpression {
  /** Bicep source text put in as it is: a symbol (`def.id`), a parameter, a function call. */
  constructor(readonly text: string) {}
}

export type BicepValue = null | boolean | number | string | BicepExpression | BicepValue[] | { [key: string]: BicepValue | undefined };

export function bicepString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RAW = '\u0000';

/** An object key written as Bicep source, e.g. an interpolated string `'${ruleId}'`. */
export function rawKey(text: string): string {
  return RAW + text;
}

export function bicepKey(key: string): string {
  if (key.startsWith(RAW)) return key.slice(RAW.length);
  return IDENTIFIER.test(key) ? key : bicepString(key);
}

export function bicepValue(value: BicepValue, indent = ''): string {
  if (value instanceof BicepExpression) return value.text;
  if (value === null) return 'null';
  if (typeof value === 'string') return bicepString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => `${inner}${bicepValue(v, inner)}\n`).join('')}${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined) as [string, BicepValue][];
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${bicepKey(k)}: ${bicepValue(v, inner)}\n`).join('')}${indent}}`;
}
