// Renders one format-neutral description of a deployment (an AI account, parameters, variables,
// other resources, a parameter file) as an ARM template and as a Bicep file, and records where it
// wrote each value, so the rule tester can check a finding's range in both formats.

export type Format = 'arm' | 'bicep';

/** An expression, written as each format writes it (ARM without the surrounding `"[...]"`). */
export class Expr {
  constructor(readonly arm: string, readonly bicep: string) {}
}

/** A value whose written range is recorded under `label`, for expected findings to point at. */
export class Marked {
  constructor(readonly label: string, readonly value: Val) {}
}

/** Leaves a member out (`tags: absent`): no tags at all, rather than the default ones. */
export const absent: unique symbol = Symbol('absent');
export type Absent = typeof absent;

/**
 * A value as both formats write it. In objects, a key starting with `//` is a line comment whose
 * text is the value (`{ '//': 'hosts we need' }`).
 */
export type Val = null | boolean | number | string | Expr | Marked | readonly Val[] | { readonly [key: string]: Val };

export const expr = (e: { arm: string; bicep: string }): Expr => new Expr(e.arm, e.bicep);
export const param = (name: string): Expr => new Expr(`parameters('${name}')`, name);
export const variable = (name: string): Expr => new Expr(`variables('${name}')`, name);
export const marked = (label: string, value: Val): Marked => new Marked(label, value);

export interface ParamSpec {
  readonly type: 'bool' | 'string' | 'int' | 'array' | 'object';
  readonly default?: Val;
}

/** A resource other than the AI account. */
export interface ResourceSpec {
  /** Relative (`managedNetworks`) for a resource nested in another (`children`). */
  readonly type: string;
  readonly apiVersion: string;
  readonly name: string;
  /** Bicep symbolic name (default r1, r2, ... at the top level, c1, c2, ... nested). */
  readonly symbol?: string;
  /**
   * The Bicep symbol of its parent ('ai' for the account): Bicep writes `parent: <symbol>`, ARM the name
   * as `<parent's name>/<name>`.
   */
  readonly parent?: string;
  /** `scope` (ARM a resource id string or expression, Bicep a symbol: `expr({ arm: ..., bicep: 'ai' })`). */
  readonly scope?: Val;
  /** ARM `condition`, Bicep `= if (<condition>)`. */
  readonly condition?: Val;
  readonly kind?: Val;
  /** An `existing` reference (Bicep writes only its name, parent and scope). */
  readonly existing?: boolean;
  /** As TemplateSpec.suppress, on this resource. */
  readonly suppress?: Readonly<Record<string, string>>;
  readonly properties?: Val;
  /** Resources nested in it: ARM `resources`, Bicep nested declarations. */
  readonly children?: readonly ResourceSpec[];
}

export interface TemplateSpec {
  /** False: no AI account, only `resources`. */
  readonly account?: false;
  /** The account's type (default Microsoft.CognitiveServices/accounts). */
  readonly type?: string;
  readonly apiVersion?: string;
  /** The account's `name` (default 'oai'). */
  readonly resourceName?: Val;
  /** Default 'OpenAI'. */
  readonly kind?: Val | Absent;
  /** Default `{ owner: 'team' }`. */
  readonly tags?: Val | Absent;
  /** Default `{}`. */
  readonly properties?: Val | Absent;
  /** An `existing` reference (Bicep writes only its name). */
  readonly existing?: boolean;
  /** The account's ARM `condition`, Bicep `= if (<condition>)`. */
  readonly condition?: Val;
  /** Suppressions on the account: ARM metadata.aiEgressGuard.suppress, Bicep `#disable-next-line` with the reason above. */
  readonly suppress?: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, ParamSpec>>;
  readonly vars?: Readonly<Record<string, Val>>;
  readonly resources?: readonly ResourceSpec[];
  /** Resources nested in the account (relative types): ARM `resources`, Bicep nested declarations. */
  readonly children?: readonly ResourceSpec[];
  /** Values of a parameter file beside the template (template.parameters.json / main.bicepparam). */
  readonly parameterFile?: Readonly<Record<string, Val>>;
  readonly eol?: '\n' | '\r\n';
}

export interface Range { readonly uri: string; readonly start: number; readonly end: number }

export interface Rendered {
  readonly format: Format;
  /** The template's URI. */
  readonly uri: string;
  /** Every file written: URI → text. */
  readonly files: Readonly<Record<string, string>>;
  /** Recorded ranges by `pathKey(path)` or `markKey(label)`. */
  readonly ranges: ReadonlyMap<string, Range>;
}

/**
 * Paths of recorded values: the account's own members (`['type']`, `['apiVersion']`, `['kind']`,
 * `['tags', 'owner']`, `['properties', 'allowedFqdnList', 2]`), `['parameters', name]` (the default),
 * `['variables', name]`, `['resources', i, ...]` (nested: `['resources', i, 'children', j, ...]`), the
 * account's `['children', j, ...]` and `['parameterFile', name]`.
 */
export type Path = readonly (string | number)[];
export const pathKey = (path: Path): string => `path:${JSON.stringify(path)}`;
export const markKey = (label: string): string => `mark:${label}`;

export const DIR = 'file:///work/rule-tester';
export const URIS: Record<Format, { template: string; parameters: string }> = {
  arm: { template: `${DIR}/template.json`, parameters: `${DIR}/template.parameters.json` },
  bicep: { template: `${DIR}/main.bicep`, parameters: `${DIR}/main.bicepparam` },
};

const AI_TYPE = 'Microsoft.CognitiveServices/accounts';
const UNIT = '  ';

/** Text written so far, with the ranges recorded on the way. */
class Writer {
  text = '';
  constructor(readonly uri: string, readonly eol: string, readonly ranges: Map<string, Range>) {}
  write(s: string): void { this.text += s; }
  nl(indent = ''): void { this.text += this.eol + indent; }
  record(key: string, start: number): void {
    if (this.ranges.has(key)) throw new Error(`render: ${key} recorded twice`);
    this.ranges.set(key, { uri: this.uri, start, end: this.text.length });
  }
}

export function render(spec: TemplateSpec, format: Format): Rendered {
  const ranges = new Map<string, Range>();
  const eol = spec.eol ?? '\n';
  const uris = URIS[format];
  const files: Record<string, string> = {};
  const main = new Writer(uris.template, eol, ranges);
  if (format === 'arm') armTemplate(main, spec); else bicepTemplate(main, spec);
  files[uris.template] = main.text;
  if (spec.parameterFile) {
    const w = new Writer(uris.parameters, eol, ranges);
    if (format === 'arm') armParameters(w, spec.parameterFile); else bicepParameters(w, spec.parameterFile);
    files[uris.parameters] = w.text;
  }
  return { format, uri: uris.template, files, ranges };
}

function present<T>(v: T | Absent | undefined, fallback: T): T | undefined {
  return v === absent ? undefined : v === undefined ? fallback : v;
}

/** The account's members in the order both formats write them. */
function accountMembers(spec: TemplateSpec): [string, Val][] {
  const out: [string, Val][] = [['name', spec.resourceName ?? 'oai'], ['location', 'eastus']];
  const kind = present(spec.kind, 'OpenAI');
  if (kind !== undefined) out.push(['kind', kind]);
  const tags = present<Val>(spec.tags, { owner: 'team' });
  if (tags !== undefined) out.push(['tags', tags]);
  const properties = present<Val>(spec.properties, {});
  if (properties !== undefined) out.push(['properties', properties]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// ARM JSON: two-space indentation, one member per line, as JSON.stringify(x, null, 2) writes it.

function armTemplate(w: Writer, spec: TemplateSpec): void {
  const top: [string, (indent: string) => void][] = [
    ['$schema', () => w.write(JSON.stringify('https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'))],
    ['contentVersion', () => w.write('"1.0.0.0"')],
  ];
  if (spec.params) {
    const params = spec.params;
    top.push(['parameters', (indent) => armMembers(w, Object.entries(params), indent, (name, p, inner) => {
      const members: [string, Val][] = [['type', p.type]];
      if (p.default !== undefined) members.push(['defaultValue', p.default]);
      armMembers(w, members, inner, (key, v, i) => armValue(w, v, i, key === 'defaultValue' ? ['parameters', name] : undefined));
    })]);
  }
  if (spec.vars) {
    const vars = spec.vars;
    top.push(['variables', (indent) => armMembers(w, Object.entries(vars), indent, (name, v, inner) => armValue(w, v, inner, ['variables', name]))]);
  }
  top.push(['resources', (indent) => {
    const items: ((indent: string) => void)[] = [];
    if (spec.account !== false) items.push((inner) => armAccount(w, spec, inner));
    (spec.resources ?? []).forEach((r, i) => items.push((inner) => armResource(w, spec, r, inner, ['resources', i])));
    armList(w, items, indent);
  }]);
  armMembers(w, top, '', (_key, writeValue, inner) => writeValue(inner));
  w.nl();
}

/** `[ item, ... ]`, one item a line. */
function armList(w: Writer, items: readonly ((indent: string) => void)[], indent: string): void {
  if (!items.length) { w.write('[]'); return; }
  const inner = indent + UNIT;
  w.write('[');
  items.forEach((item, i) => { w.nl(inner); item(inner); if (i < items.length - 1) w.write(','); });
  w.nl(indent);
  w.write(']');
}

/** A member holding nested resources, written by `armList`. */
class Nested {
  constructor(readonly items: readonly ((indent: string) => void)[]) {}
}

function armAccount(w: Writer, spec: TemplateSpec, indent: string): void {
  const members: [string, Val | Nested][] = [];
  if (spec.condition !== undefined) members.push(['condition', spec.condition]);
  members.push(['type', spec.type ?? AI_TYPE], ['apiVersion', spec.apiVersion ?? '2024-10-01']);
  for (const m of accountMembers(spec)) {
    if (m[0] === 'location' && spec.existing) members.push(['existing', true]);
    members.push(m);
  }
  if (spec.suppress) members.push(['metadata', { aiEgressGuard: { suppress: spec.suppress } }]);
  if (spec.children?.length) members.push(['resources', armChildren(w, spec, spec.children, ['children'])]);
  armMembers(w, members, indent, (key, v, inner) => v instanceof Nested ? armList(w, v.items, inner) : armValue(w, v, inner, [key]));
}

function armChildren(w: Writer, spec: TemplateSpec, children: readonly ResourceSpec[], path: Path): Nested {
  return new Nested(children.map((c, j) => (indent: string) => armResource(w, spec, c, indent, [...path, j])));
}

/** The full name of the resource a Bicep symbol declares ('ai': the account), its parents' names included. */
function nameOfSymbol(spec: TemplateSpec, symbol: string, depth = 0): string {
  if (symbol === 'ai') {
    if (typeof (spec.resourceName ?? 'oai') !== 'string') throw new Error(`render: no resource with a literal name has the symbol '${symbol}'`);
    return String(spec.resourceName ?? 'oai');
  }
  const found = (spec.resources ?? []).find((r, i) => (r.symbol ?? `r${i + 1}`) === symbol);
  if (!found || depth > 8) throw new Error(`render: no resource with a literal name has the symbol '${symbol}'`);
  return found.parent ? `${nameOfSymbol(spec, found.parent, depth + 1)}/${found.name}` : found.name;
}

function armResource(w: Writer, spec: TemplateSpec, r: ResourceSpec, indent: string, path: Path): void {
  const members: [string, Val | Nested][] = [];
  if (r.condition !== undefined) members.push(['condition', r.condition]);
  members.push(['type', r.type], ['apiVersion', r.apiVersion], ['name', r.parent ? `${nameOfSymbol(spec, r.parent)}/${r.name}` : r.name]);
  if (r.existing) members.push(['existing', true]);
  if (r.scope !== undefined) members.push(['scope', r.scope]);
  if (r.kind !== undefined) members.push(['kind', r.kind]);
  if (r.suppress) members.push(['metadata', { aiEgressGuard: { suppress: r.suppress } }]);
  if (r.properties !== undefined) members.push(['properties', r.properties]);
  if (r.children?.length) members.push(['resources', armChildren(w, spec, r.children, [...path, 'children'])]);
  armMembers(w, members, indent, (key, v, inner) => v instanceof Nested ? armList(w, v.items, inner) : armValue(w, v, inner, [...path, key]));
}

/** `{ "key": value, ... }` over several lines; `//` keys become comments. */
function armMembers<T>(w: Writer, members: readonly [string, T][], indent: string, value: (key: string, v: T, inner: string) => void): void {
  if (!members.length) { w.write('{}'); return; }
  const inner = indent + UNIT;
  const isComment = (k: string) => k.startsWith('//');
  w.write('{');
  members.forEach(([key, v], i) => {
    w.nl(inner);
    if (isComment(key)) { w.write(`// ${String(v)}`); return; }
    w.write(`${JSON.stringify(key)}: `);
    value(key, v, inner);
    if (members.slice(i + 1).some(([k]) => !isComment(k))) w.write(',');
  });
  w.nl(indent);
  w.write('}');
}

function armValue(w: Writer, v: Val, indent: string, path: Path | undefined): void {
  const start = w.text.length;
  if (v instanceof Marked) {
    armValue(w, v.value, indent, path);
    w.record(markKey(v.label), start);
    return;
  }
  if (v instanceof Expr) w.write(JSON.stringify(`[${v.arm}]`));
  else if (Array.isArray(v)) {
    const items = v as readonly Val[];
    if (!items.length) w.write('[]');
    else {
      const inner = indent + UNIT;
      w.write('[');
      items.forEach((item, i) => { w.nl(inner); armValue(w, item, inner, path && [...path, i]); if (i < items.length - 1) w.write(','); });
      w.nl(indent);
      w.write(']');
    }
  } else if (v !== null && typeof v === 'object') {
    armMembers(w, Object.entries(v as Record<string, Val>), indent, (key, item, inner) => armValue(w, item, inner, path && [...path, key]));
  } else w.write(JSON.stringify(v));
  if (path) w.record(pathKey(path), start);
}

function armParameters(w: Writer, values: Readonly<Record<string, Val>>): void {
  const top: [string, (indent: string) => void][] = [
    ['$schema', () => w.write(JSON.stringify('https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#'))],
    ['contentVersion', () => w.write('"1.0.0.0"')],
    ['parameters', (indent) => armMembers(w, Object.entries(values), indent, (name, v, inner) =>
      armMembers(w, [['value', v]], inner, (_k, value, ii) => armValue(w, value, ii, ['parameterFile', name])))],
  ];
  armMembers(w, top, '', (_key, writeValue, inner) => writeValue(inner));
  w.nl();
}

// ---------------------------------------------------------------------------------------------
// Bicep: two-space indentation, newline-separated members, single-quoted strings.

function bicepTemplate(w: Writer, spec: TemplateSpec): void {
  for (const [name, p] of Object.entries(spec.params ?? {})) {
    w.write(`param ${name} ${p.type}`);
    if (p.default !== undefined) { w.write(' = '); bicepValue(w, p.default, '', ['parameters', name]); }
    w.nl();
  }
  for (const [name, v] of Object.entries(spec.vars ?? {})) {
    w.write(`var ${name} = `);
    bicepValue(w, v, '', ['variables', name]);
    w.nl();
  }
  if (spec.params || spec.vars) w.nl();
  const blocks: (() => void)[] = [];
  if (spec.account !== false) blocks.push(() => bicepAccount(w, spec));
  (spec.resources ?? []).forEach((r, i) => blocks.push(() => { bicepResource(w, r, '', r.symbol ?? `r${i + 1}`, ['resources', i]); w.nl(); }));
  blocks.forEach((block, i) => { if (i) w.nl(); block(); });
}

function bicepSuppress(w: Writer, suppress: Readonly<Record<string, string>> | undefined, indent: string): void {
  for (const [id, reason] of Object.entries(suppress ?? {})) {
    w.write(`// ${reason}`); w.nl(indent);
    w.write(`#disable-next-line ${id}`); w.nl(indent);
  }
}

/** Nested declarations, each after a blank line, in the body of the resource that holds them. */
function bicepChildren(w: Writer, children: readonly ResourceSpec[] | undefined, path: Path): ((inner: string) => void)[] {
  return (children ?? []).map((c, j) => (inner) => bicepResource(w, c, inner, c.symbol ?? `c${j + 1}`, [...path, j]));
}

function bicepResource(w: Writer, r: ResourceSpec, indent: string, symbol: string, path: Path): void {
  bicepSuppress(w, r.suppress, indent);
  w.write(`resource ${symbol} '${r.type}@${r.apiVersion}' ${r.existing ? 'existing ' : ''}= `);
  if (r.condition !== undefined) { w.write('if ('); bicepValue(w, r.condition, indent, [...path, 'condition']); w.write(') '); }
  const members: [string, Val][] = [];
  if (r.parent) members.push(['parent', new Expr('', r.parent)]);
  members.push(['name', r.name]);
  if (r.scope !== undefined) members.push(['scope', r.scope]);
  if (!r.existing) {
    if (r.kind !== undefined) members.push(['kind', r.kind]);
    if (r.properties !== undefined) members.push(['properties', r.properties]);
  }
  bicepMembers(w, members, indent, (key, v, inner) => bicepValue(w, v, inner, [...path, key]), bicepChildren(w, r.children, [...path, 'children']));
}

function bicepAccount(w: Writer, spec: TemplateSpec): void {
  bicepSuppress(w, spec.suppress, '');
  w.write('resource ai ');
  const typeStart = w.text.length;
  w.write(`'${spec.type ?? AI_TYPE}@`);
  const apiStart = w.text.length;
  w.write(spec.apiVersion ?? '2024-10-01');
  // Bicep has no apiVersion value of its own: findings about it point inside the type string.
  w.record(pathKey(['apiVersion']), apiStart);
  w.write("'");
  w.record(pathKey(['type']), typeStart);
  w.write(spec.existing ? ' existing = ' : ' = ');
  if (spec.condition !== undefined) { w.write('if ('); bicepValue(w, spec.condition, '', ['condition']); w.write(') '); }
  // An existing reference takes only its name.
  const members = accountMembers(spec).filter(([key]) => !spec.existing || key === 'name');
  bicepMembers(w, members, '', (key, v, inner) => bicepValue(w, v, inner, [key]), bicepChildren(w, spec.children, ['children']));
  w.nl();
}

function bicepMembers<T>(w: Writer, members: readonly [string, T][], indent: string, value: (key: string, v: T, inner: string) => void, nested: readonly ((inner: string) => void)[] = []): void {
  if (!members.length && !nested.length) { w.write('{}'); return; }
  const inner = indent + UNIT;
  w.write('{');
  for (const [key, v] of members) {
    w.nl(inner);
    if (key.startsWith('//')) { w.write(`// ${String(v)}`); continue; }
    w.write(`${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : bicepString(key)}: `);
    value(key, v, inner);
  }
  for (const declare of nested) { w.nl(); w.nl(inner); declare(inner); }
  w.nl(indent);
  w.write('}');
}

function bicepValue(w: Writer, v: Val, indent: string, path: Path | undefined): void {
  const start = w.text.length;
  if (v instanceof Marked) {
    bicepValue(w, v.value, indent, path);
    w.record(markKey(v.label), start);
    return;
  }
  if (v instanceof Expr) w.write(v.bicep);
  else if (Array.isArray(v)) {
    const items = v as readonly Val[];
    if (!items.length) w.write('[]');
    else {
      const inner = indent + UNIT;
      w.write('[');
      items.forEach((item, i) => { w.nl(inner); bicepValue(w, item, inner, path && [...path, i]); });
      w.nl(indent);
      w.write(']');
    }
  } else if (v !== null && typeof v === 'object') {
    bicepMembers(w, Object.entries(v as Record<string, Val>), indent, (key, item, inner) => bicepValue(w, item, inner, path && [...path, key]));
  } else w.write(typeof v === 'string' ? bicepString(v) : String(v));
  if (path) w.record(pathKey(path), start);
}

function bicepString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

function bicepParameters(w: Writer, values: Readonly<Record<string, Val>>): void {
  w.write("using './main.bicep'");
  w.nl();
  for (const [name, v] of Object.entries(values)) {
    w.nl();
    w.write(`param ${name} = `);
    bicepValue(w, v, '', ['parameterFile', name]);
  }
  w.nl();
}
