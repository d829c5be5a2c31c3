// Bicep writer: fix operations as idiomatic Bicep against one parse of the file: the file's indentation and line
// endings, newline-separated members, single-quoted strings, `#disable-next-line`. It writes only into objects
// and arrays that are closed and free of syntax errors.

import { ExpressionValue, isTemplateRef, TEMPLATE_REF, type AddParameterIntent, type AddResourceIntent, type FixValue, type NewResource, type NewValue, type TemplateRef } from '../fixes';
import { eolOf, indentAt, indentUnit, lineAt } from '../text';
import { anyWithin, endOfLine, parseCache, renderValue, runsOf, type FormatWriter, type Range, type TextChange, type ValueStyle } from '../writing';
import type { ArrayNode, Declaration, Directive, ObjectNode, Program, ResourceDeclaration, StringNode } from './ast';
import { MAX_PARSE_DIAGNOSTICS, parseBicep, parseBicepParam } from './parser';
import { printBicepExpression, quoteBicepString as quote } from './print';

export const SUPPRESSION_DIRECTIVE = '#disable-next-line';

interface BicepSyntax {
  readonly text: string;
  readonly eol: string;
  readonly unit: string;
  readonly style: ValueStyle<FixValue>;
  readonly lineStarts: readonly number[];
  readonly directives: readonly Directive[];
  readonly program: Program;
  readonly objects: ReadonlyMap<string, ObjectNode>;
  /** Each array item's array and index, by the item's range. */
  readonly items: ReadonlyMap<string, { readonly array: ArrayNode; readonly index: number }>;
  /** Ranges of every syntax node (a replaced value must be one). */
  readonly values: ReadonlySet<string>;
  /** Where the parse went wrong (diagnostics and error nodes), ascending; everything when diagnostics were capped. */
  readonly errors: readonly number[];
  readonly everythingBroken: boolean;
  readonly multilineStrings: readonly Range[];
}

const key = (r: Range) => `${r.start}:${r.end}`;

const syntax = parseCache<BicepSyntax>((text, file) => {
  const { program, diagnostics } = file.kind === 'bicepparam' ? parseBicepParam(text) : parseBicep(text);
  const objects = new Map<string, ObjectNode>();
  const items = new Map<string, { array: ArrayNode; index: number }>();
  const values = new Set<string>();
  const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => d.start);
  const multilineStrings: Range[] = [];
  // Iterative: the tree's depth follows the input's. Only syntax nodes (with a `kind`) and arrays of them hold values.
  const stack: unknown[] = [...program.declarations];
  // Nodes are shared between fields (an object's `members` and `properties`, a declaration's `value` and `body`):
  // visit each once, or nested objects double the walk at every level.
  const seen = new Set<unknown>();
  while (stack.length) {
    const node = stack.pop() as { kind?: string; start: number; end: number } | unknown[];
    if (seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) { for (const child of node) if (child && typeof child === 'object') stack.push(child); continue; }
    if (typeof node.kind !== 'string') continue;
    const range = key(node);
    values.add(range);
    switch (node.kind) {
      case 'object': objects.set(range, node as ObjectNode); break;
      case 'array': (node as ArrayNode).items.forEach((item, index) => items.set(key(item), { array: node as ArrayNode, index })); break;
      case 'error': errors.push(node.start); break;
      case 'string': {
        const string = node as StringNode;
        if (string.multiline) multilineStrings.push(string);
        stack.push(string.expressions);
        continue;
      }
    }
    for (const field in node) {
      const value = (node as unknown as Record<string, unknown>)[field];
      if (value && typeof value === 'object') stack.push(value);
    }
  }
  const eol = eolOf(text);
  const unit = indentUnit(text);
  return {
    text, eol, unit, style: { eol, unit, scalar, key: renderKey, lineSeparator: '' }, lineStarts: program.lineStarts, directives: program.directives, program,
    objects, items, values, errors: errors.sort((a, b) => a - b), everythingBroken: diagnostics.length >= MAX_PARSE_DIAGNOSTICS, multilineStrings,
  };
});

/** No syntax error within [start, end]. */
function intact(s: BicepSyntax, range: Range): boolean {
  return !s.everythingBroken && !anyWithin(s.errors, range.start, range.end);
}

export const bicepWriter: FormatWriter<BicepSyntax> = {
  parse: (file, text) => syntax.get(file, text),

  insert(s, range, members) {
    const object = s.objects.get(key(range));
    if (!object || !object.closed || object.skipped || !intact(s, object) || !members.length) return undefined;
    const { text, eol } = s;
    const ownIndent = indentAt(text, object.start);
    const last = object.members[object.members.length - 1];
    if (!object.multiline) {
      // `{ a: 1 }` stays on one line; `{}` opens onto lines unless its parent is on one line.
      const lines = members.map((m) => `${renderKey(m.key)}: ${render(s, m.value, undefined)}`);
      if (last) return [{ start: last.end, end: last.end, text: lines.map((l) => `, ${l}`).join('') }];
      if (!onItsOwnLine(s, object)) return [{ start: object.start, end: object.end, text: `{ ${lines.join(', ')} }` }];
      const memberIndent = ownIndent + s.unit;
      const block = members.map((m) => `${memberIndent}${renderKey(m.key)}: ${render(s, m.value, memberIndent)}`);
      return [{ start: object.start, end: object.end, text: `{${eol}${block.join(eol)}${eol}${ownIndent}}` }];
    }
    const memberIndent = last ? indentAt(text, last.start) : ownIndent + s.unit;
    const lines = members.map((m) => `${memberIndent}${renderKey(m.key)}: ${render(s, m.value, memberIndent)}`);
    if (!last) {
      // `{\n}`: before the line of the closing brace.
      const closing = s.lineStarts[lineAt(s.lineStarts, object.end - 1)];
      return [{ start: closing, end: closing, text: lines.map((l) => `${l}${eol}`).join('') }];
    }
    const comma = object.commaSeparated ? /^[ \t]*,/.exec(text.slice(last.end, last.end + 64)) : null;
    const after = comma ? last.end + comma[0].length : last.end;
    const at = endOfLine(text, after, object.end - 1) ?? after;
    const changes: TextChange[] = [];
    if (object.commaSeparated && !comma) changes.push({ start: last.end, end: last.end, text: ',' });
    changes.push({ start: at, end: at, text: lines.map((l) => `${eol}${l}`).join(object.commaSeparated ? ',' : '') });
    return changes;
  },

  replace(s, range, value) {
    if (!s.values.has(key(range)) || !intact(s, range)) return undefined;
    return [{ start: range.start, end: range.end, text: render(s, value, indentAt(s.text, range.start)) }];
  },

  removeItems(s, targets) {
    let failed = 0;
    const byArray = new Map<ArrayNode, Set<number>>();
    for (const target of targets) {
      const entry = s.items.get(key(target));
      if (!entry || !entry.array.closed || !intact(s, entry.array)) { failed++; continue; }
      let removed = byArray.get(entry.array);
      if (!removed) byArray.set(entry.array, (removed = new Set()));
      removed.add(entry.index);
    }
    const changes: TextChange[] = [];
    for (const [array, removed] of byArray) changes.push(...removeFrom(s, array, [...removed].sort((a, b) => a - b)));
    return { changes, failed };
  },

  suppress(s, suppressions) {
    // Several suppressions of one line become one directive.
    const byLine = new Map<number, { ids: string[]; reason: string }>();
    let failed = 0;
    for (const { at, ruleId, reason } of suppressions) {
      const line = lineAt(s.lineStarts, at);
      if (s.multilineStrings.some((r) => r.start < s.lineStarts[line] && s.lineStarts[line] < r.end)) { failed++; continue; }
      const entry = byLine.get(line) ?? { ids: [], reason };
      if (!entry.ids.includes(ruleId)) entry.ids.push(ruleId);
      byLine.set(line, entry);
    }
    const changes: TextChange[] = [];
    for (const [line, { ids, reason }] of byLine) {
      // After a byte order mark, which must stay first.
      const start = line === 0 && s.text.charCodeAt(0) === 0xfeff ? 1 : s.lineStarts[line];
      const existing = s.directives.find((d) => d.kind === 'disable-next-line' && d.line === line - 1);
      if (existing) {
        const missing = ids.filter((id) => !existing.codes.some((c) => c.code === id));
        if (missing.length) changes.push({ start: existing.end, end: existing.end, text: ` ${missing.join(' ')}` });
        continue;
      }
      const indent = /^[ \t]*/.exec(s.text.slice(start, start + 256))![0];
      changes.push({ start, end: start, text: `${indent}// ${reason}${s.eol}${indent}${SUPPRESSION_DIRECTIVE} ${ids.join(' ')}${s.eol}` });
    }
    return { changes, failed };
  },

  declare(s, parameters, resources) {
    let failed = 0;
    const changes: TextChange[] = [];
    // Parameter names as declared, by lower-case name: one declared or asked already is reused.
    const names = new Map<string, string>();
    for (const p of parameters) {
      const change = addParameter(s, p, names);
      if (change) changes.push(...change); else failed++;
    }
    const groups = new Map<string, AddResourceIntent[]>();
    for (const r of resources) {
      const list = groups.get(key(r.target.loc)) ?? groups.set(key(r.target.loc), []).get(key(r.target.loc))!;
      list.push(r);
    }
    for (const group of groups.values()) {
      const change = addResources(s, group, names);
      if (change) changes.push(change); else failed += group.length;
    }
    return { changes, failed };
  },
};

/** Declares a parameter after the last one (or before the first declaration), unless one of that name exists. */
function addParameter(s: BicepSyntax, intent: AddParameterIntent, names: Map<string, string>): TextChange[] | undefined {
  const { program, text, eol } = s;
  if (program.fileKind !== 'bicep' || s.everythingBroken) return undefined;
  const id = intent.name.toLowerCase();
  if (names.has(id)) return [];
  const declarations = program.declarations;
  const existing = declarations.find((d) => d.kind === 'param' && d.name.name.toLowerCase() === id);
  if (existing?.kind === 'param') { names.set(id, existing.name.name); return []; }
  names.set(id, intent.name);
  const value = intent.defaultValue === undefined ? '' : ` = ${render(s, intent.defaultValue, '')}`;
  const lines = [...(intent.description ? [`@description(${quote(intent.description)})`] : []), `param ${intent.name} ${intent.type}${intent.nullable ? '?' : ''}${value}`].join(eol);
  const params = declarations.filter((d) => d.kind === 'param');
  const last = params[params.length - 1];
  if (last) return [{ start: last.end, end: last.end, text: `${eol}${eol}${lines}` }];
  const first = declarations.find((d) => !['targetScope', 'metadata', 'import', 'extension', 'using'].includes(d.kind));
  if (first) return [{ start: first.start, end: first.start, text: `${lines}${eol}${eol}` }];
  return [{ start: text.length, end: text.length, text: `${text.length && !text.endsWith('\n') ? eol : ''}${eol}${lines}${eol}` }];
}

interface BicepTarget {
  /** How the target is referred to: `account`, or `parent::child`. */
  readonly symbol: string;
  readonly hasLocation: boolean;
  /** The condition's text (inside the parentheses), when the target has one. */
  readonly condition?: string;
}

/** New resource declarations after the top-level declaration holding the body `intents[0].target`. */
function addResources(s: BicepSyntax, intents: readonly AddResourceIntent[], names: ReadonlyMap<string, string>): TextChange | undefined {
  const found = resourceWithBody(s.program, intents[0].target.loc);
  if (!found || s.program.fileKind !== 'bicep' || !intact(s, found.topLevel)) return undefined;
  const { declaration, symbol, topLevel } = found;
  const taken = new Set(s.program.declarations.map(symbolOf).filter((n): n is string => !!n).map((n) => n.toLowerCase()));
  const target: BicepTarget = {
    symbol,
    hasLocation: declaration.body!.properties.some((p) => p.keyName?.toLowerCase() === 'location'),
    condition: declaration.condition ? s.text.slice(declaration.condition.start, declaration.condition.end) : undefined,
  };
  const symbols = new Map<string, string>();
  const blocks: string[] = [];
  for (const intent of intents) {
    const wanted = intent.declaration.symbolicName;
    let name = wanted;
    for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${wanted}${i}`;
    taken.add(name.toLowerCase());
    symbols.set(wanted, name);
    blocks.push(resourceText(s, intent.declaration, name, target, symbols, names));
  }
  return { start: topLevel.end, end: topLevel.end, text: blocks.map((b) => `${s.eol}${s.eol}${b}`).join('') };
}

function resourceWithBody(program: Program, body: Range): { declaration: ResourceDeclaration; symbol: string; topLevel: Declaration } | undefined {
  const visit = (d: ResourceDeclaration, prefix: string | undefined, top: Declaration): { declaration: ResourceDeclaration; symbol: string; topLevel: Declaration } | undefined => {
    const symbol = prefix ? `${prefix}::${d.name.name}` : d.name.name;
    if (d.body && d.body.start === body.start && d.body.end === body.end) return { declaration: d, symbol, topLevel: top };
    for (const member of d.body?.members ?? []) {
      const hit = member.kind === 'resource' ? visit(member, symbol, top) : undefined;
      if (hit) return hit;
    }
    return undefined;
  };
  for (const d of program.declarations) {
    const hit = d.kind === 'resource' ? visit(d, undefined, d) : undefined;
    if (hit) return hit;
  }
  return undefined;
}

function resourceText(s: BicepSyntax, resource: NewResource, symbol: string, target: BicepTarget, symbols: ReadonlyMap<string, string>, names: ReadonlyMap<string, string>): string {
  const inner = s.unit;
  const expression = (value: NewValue): string => renderNew(s, value, inner, target, symbols, names);
  const lines: string[] = [];
  if (resource.parent) lines.push(`${inner}parent: ${symbols.get(resource.parent) ?? resource.parent}`);
  lines.push(`${inner}name: ${expression(resource.name)}`);
  if (resource.scopedToTarget) lines.push(`${inner}scope: ${target.symbol}`);
  if (resource.location !== undefined) lines.push(`${inner}location: ${expression(resource.location)}`);
  lines.push(`${inner}properties: ${expression(resource.properties)}`);
  const condition = resource.sameCondition && target.condition ? `if (${target.condition}) ` : '';
  return `resource ${symbol} ${quote(`${resource.type}@${resource.apiVersion}`)} = ${condition}{${s.eol}${lines.join(s.eol)}${s.eol}}`;
}

/** A new value as Bicep: references become symbols and property accesses. */
function renderNew(s: BicepSyntax, value: NewValue, indent: string, target: BicepTarget, symbols: ReadonlyMap<string, string>, names: ReadonlyMap<string, string>): string {
  if (isTemplateRef(value)) {
    const r = value as TemplateRef;
    const of = 'of' in r ? (r.of === 'target' ? target.symbol : symbols.get(r.of) ?? r.of) : '';
    switch (r[TEMPLATE_REF]) {
      case 'parameter': return names.get(r.name.toLowerCase()) ?? r.name;
      case 'id': return `${of}.id`;
      case 'location': return r.of === 'target' && !target.hasLocation ? 'resourceGroup().location' : `${of}.location`;
      case 'name': return r.suffix ? `'\${${of}.name}${quote(r.suffix).slice(1, -1)}'` : `${of}.name`;
    }
  }
  if (value === null || typeof value !== 'object') return scalar(value)!;
  const next = indent + s.unit;
  const { eol } = s;
  if (Array.isArray(value)) {
    return value.length ? `[${eol}${value.map((v) => next + renderNew(s, v, next, target, symbols, names)).join(eol)}${eol}${indent}]` : '[]';
  }
  const entries = Object.entries(value as { [key: string]: NewValue });
  return entries.length
    ? `{${eol}${entries.map(([k, v]) => `${next}${renderKey(k)}: ${renderNew(s, v, next, target, symbols, names)}`).join(eol)}${eol}${indent}}`
    : '{}';
}

function symbolOf(d: Declaration): string | undefined {
  switch (d.kind) {
    case 'param': case 'var': case 'resource': case 'module': case 'output': case 'type': case 'func': case 'metadata':
      return d.name.name;
    case 'import':
      return d.wildcardAlias?.name;
    case 'extension':
      return d.alias?.name;
    default:
      return undefined;
  }
}

/** Removals: whole lines where an item is alone on its line, else runs of neighbours with their separator. */
function removeFrom(s: BicepSyntax, array: ArrayNode, indices: readonly number[]): TextChange[] {
  const { text, lineStarts } = s;
  const items = array.items;
  const changes: TextChange[] = [];
  const rest: number[] = [];
  for (const index of indices) {
    const item = items[index];
    if (array.multiline && !array.commaSeparated) {
      const lineStart = lineStarts[lineAt(lineStarts, item.start)];
      const nextLine = lineStarts[lineAt(lineStarts, item.end) + 1] ?? text.length;
      if (/^[ \t]*$/.test(text.slice(lineStart, item.start)) && /^[ \t]*(\/\/.*)?\r?\n?$/.test(text.slice(item.end, nextLine))) {
        changes.push({ start: lineStart, end: nextLine, text: '' });
        continue;
      }
    }
    rest.push(index);
  }
  if (rest.length === items.length && !/\/[/*]/.test(text.slice(array.start + 1, array.end - 1))) {
    return [{ start: array.start + 1, end: array.end - 1, text: '' }];
  }
  for (const [first, last] of runsOf(rest)) {
    const next = items[last + 1];
    const previous = items[first - 1];
    if (next) {
      const separator = text.slice(items[last].end, next.start);
      const end = separator.includes(',') ? next.start : items[last].end + separator.length - separator.trimStart().length;
      changes.push({ start: items[first].start, end, text: '' });
    } else {
      changes.push({ start: previous ? previous.end : items[first].start, end: items[last].end, text: '' });
    }
  }
  return changes;
}

/** Whether only blanks or a comment follow the object on its line (not the rest of a one-line parent). */
function onItsOwnLine(s: BicepSyntax, object: ObjectNode): boolean {
  return object.end === s.text.length || endOfLine(s.text, object.end, s.text.length) !== undefined;
}

/** A fix value as Bicep: single-quoted strings, newline-separated members from `indent`, or all on one line without it. */
function render(s: BicepSyntax, value: FixValue, indent: string | undefined): string {
  return renderValue(value, indent, s.style);
}

function scalar(value: FixValue): string | undefined {
  if (value === null) return 'null';
  if (value instanceof ExpressionValue) return printBicepExpression(value.expr);
  if (typeof value === 'string') return quote(value);
  return typeof value === 'object' ? undefined : String(value);
}

function renderKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : quote(key);
}
