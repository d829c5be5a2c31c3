// Bicep writer: turns fix intents into idiomatic Bicep text: the file's indentation and line
// endings, newline-separated object members, single-quoted strings, `#disable-next-line`.

import { ExpressionValue, isTemplateRef, TEMPLATE_REF, type AddParameterIntent, type AddResourceIntent, type FixIntent, type FixValue, type JsonValue, type NewResource, type NewValue, type TemplateRef } from '../fixes';
import { eolOf, lineAt } from '../text';
import type { ArrayNode, Declaration, ObjectNode, ObjectProperty, Program, ResourceDeclaration } from './ast';
import { parseBicep, parseBicepParam } from './parser';
import { printBicepExpression, quoteBicepString as quote } from './print';

interface Edit { start: number; end: number; text: string }

export const SUPPRESSION_DIRECTIVE = '#disable-next-line';

export function applyBicepIntents(text: string, intents: readonly FixIntent[], kind: 'bicep' | 'bicepparam' = 'bicep'): string {
  const parse = (t: string) => (kind === 'bicepparam' ? parseBicepParam(t) : parseBicep(t)).program;
  // Intents are applied one after another, each on the text the previous ones left; their
  // locations (offsets into the original text) are carried through the edits made so far.
  let current = text;
  const log: { start: number; oldEnd: number; newLength: number }[] = [];
  const map = (offset: number) => {
    let o = offset;
    for (const e of log) if (o >= e.oldEnd) o += e.newLength - (e.oldEnd - e.start);
    return o;
  };
  const apply = (edits: Edit[]) => {
    // Edits computed on the same text: apply from the end so earlier offsets stay valid.
    let lastStart = Infinity;
    const applied: Edit[] = [];
    for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
      if (edit.end > lastStart) continue;
      current = current.slice(0, edit.start) + edit.text + current.slice(edit.end);
      lastStart = edit.start;
      applied.push(edit);
    }
    for (const edit of applied.reverse()) log.push({ start: edit.start, oldEnd: edit.end, newLength: edit.text.length });
  };
  const first = new WriterContext(text, parse(text));
  // Several suppressions of one line become one directive.
  const suppressions = new Map<number, { ids: string[]; reason: string }>();
  for (const intent of intents) {
    if (intent.kind !== 'suppress') continue;
    const line = first.lineOf(intent.at?.start ?? intent.resource.typeLoc.start);
    const entry = suppressions.get(line) ?? { ids: [], reason: intent.reason };
    if (!entry.ids.includes(intent.ruleId)) entry.ids.push(intent.ruleId);
    suppressions.set(line, entry);
  }
  const startOf = (i: FixIntent) => (i.kind === 'suppress' ? 0 : i.target.loc.start);
  // Removals from the end of the text first, so earlier items keep their place.
  const ordered = [
    ...intents.filter((i) => i.kind === 'set' || i.kind === 'replace'),
    ...intents.filter((i) => i.kind === 'remove-item').sort((a, b) => startOf(b) - startOf(a)),
  ];
  for (const intent of ordered) {
    const ctx = log.length ? new WriterContext(current, parse(current)) : first;
    if (intent.kind === 'set') {
      const target = ctx.objectAt(map(intent.target.loc.start), map(intent.target.loc.end));
      if (target) apply(ctx.set(target, intent.path, intent.value, intent.onlyIfMissing ?? false));
    } else if (intent.kind === 'replace') {
      const start = map(intent.target.loc.start);
      apply([{ start, end: map(intent.target.loc.end), text: ctx.render(intent.value, ctx.indentAt(start)) }]);
    } else if (intent.kind === 'remove-item') {
      const edit = ctx.removeItem(map(intent.target.loc.start), map(intent.target.loc.end));
      if (edit) apply([edit]);
    }
  }
  // New parameters, then the new resources that use them (grouped by the resource they go beside).
  const parameterNames = new Map<string, string>();
  for (const intent of intents.filter((i): i is AddParameterIntent => i.kind === 'add-parameter')) {
    const ctx = log.length ? new WriterContext(current, parse(current)) : first;
    const { name, edit } = ctx.addParameter(intent);
    parameterNames.set(intent.name, name);
    if (edit) apply([edit]);
  }
  const additions = new Map<number, AddResourceIntent[]>();
  for (const intent of intents) {
    if (intent.kind !== 'add-resource') continue;
    const list = additions.get(intent.target.loc.start) ?? [];
    list.push(intent);
    additions.set(intent.target.loc.start, list);
  }
  for (const group of additions.values()) {
    const ctx = log.length ? new WriterContext(current, parse(current)) : first;
    const edit = ctx.addResources(group, map(group[0].target.loc.start), map(group[0].target.loc.end), parameterNames);
    if (edit) apply([edit]);
  }
  if (suppressions.size) {
    const ctx = log.length ? new WriterContext(current, parse(current)) : first;
    apply([...suppressions].map(([line, { ids, reason }]) => ctx.suppress(ctx.lineOf(map(first.program.lineStarts[line])), ids, reason)));
  }
  return current;
}

class WriterContext {
  readonly eol: string;
  readonly unit: string;

  constructor(readonly text: string, readonly program: Program) {
    this.eol = eolOf(text);
    const indented = /\n([ \t]+)\S/.exec(text)?.[1];
    this.unit = indented?.startsWith('\t') ? '\t' : indented ? ' '.repeat(Math.min(indented.length, 8)) : '  ';
  }

  lineOf(offset: number): number {
    return lineAt(this.program.lineStarts, offset);
  }

  lineStart(offset: number): number {
    return this.program.lineStarts[this.lineOf(offset)];
  }

  indentAt(offset: number): string {
    const start = this.lineStart(offset);
    return /^[ \t]*/.exec(this.text.slice(start, offset))![0];
  }

  /** The object expression whose range is exactly [start, end). */
  objectAt(start: number, end: number): ObjectNode | undefined {
    let found: ObjectNode | undefined;
    const visit = (node: unknown): void => {
      if (found || !node || typeof node !== 'object') return;
      const n = node as { kind?: string; start?: number; end?: number };
      if (n.kind === 'object' && n.start === start && n.end === end) {
        found = node as ObjectNode;
        return;
      }
      if (typeof n.start === 'number' && typeof n.end === 'number' && (n.end < start || n.start > end)) return;
      for (const value of Object.values(node)) {
        if (Array.isArray(value)) value.forEach(visit);
        else if (value && typeof value === 'object') visit(value);
      }
    };
    visit(this.program.declarations);
    return found;
  }

  set(target: ObjectNode, path: readonly string[], value: FixValue, onlyIfMissing: boolean): Edit[] {
    let object = target;
    for (let i = 0; i < path.length; i++) {
      const property = findProperty(object, path[i]);
      const last = i === path.length - 1;
      if (!property) {
        let nested: FixValue = value;
        for (let j = path.length - 1; j > i; j--) nested = { [path[j]]: nested };
        return [this.insert(object, path[i], nested)];
      }
      if (last) {
        if (onlyIfMissing) return [];
        return [{ start: property.value.start, end: property.value.end, text: this.render(value, this.indentAt(property.start)) }];
      }
      if (property.value.kind !== 'object') return []; // an expression: nothing safe to edit inside
      object = property.value;
    }
    return [];
  }

  /** A new member after the last one, on its own line with the members' indentation. */
  private insert(object: ObjectNode, key: string, value: FixValue): Edit {
    const ownIndent = this.indentAt(object.start);
    const members = object.members;
    const lastMember = members[members.length - 1];
    const memberIndent = lastMember && object.multiline ? this.indentAt(lastMember.start) : ownIndent + this.unit;
    const line = `${renderKey(key)}: ${this.render(value, memberIndent)}`;
    if (!object.multiline && lastMember) {
      // `{ a: 1, b: 2 }` stays on one line in the comma-separated form.
      return { start: lastMember.end, end: lastMember.end, text: `, ${line}` };
    }
    if (!object.multiline) {
      return { start: object.start, end: object.end, text: `{${this.eol}${memberIndent}${line}${this.eol}${ownIndent}}` };
    }
    if (lastMember) {
      return { start: lastMember.end, end: lastMember.end, text: `${object.commaSeparated ? ',' : ''}${this.eol}${memberIndent}${line}` };
    }
    // `{\n}`: before the line of the closing brace.
    const closing = this.lineStart(object.end - 1);
    return { start: closing, end: closing, text: `${memberIndent}${line}${this.eol}` };
  }

  removeItem(start: number, end: number): Edit | undefined {
    const array = this.arrayContaining(start, end);
    if (!array) return undefined;
    const index = array.items.findIndex((i) => i.start === start && i.end === end);
    if (index < 0) return undefined;
    const item = array.items[index];
    if (array.multiline && !array.commaSeparated) {
      // Its whole line, when the item is alone on it.
      const lineStart = this.lineStart(item.start);
      const nextLine = this.program.lineStarts[this.lineOf(item.end) + 1] ?? this.text.length;
      const before = this.text.slice(lineStart, item.start);
      const after = this.text.slice(item.end, nextLine);
      if (/^[ \t]*$/.test(before) && /^[ \t]*(\/\/.*)?\r?\n?$/.test(after)) return { start: lineStart, end: nextLine, text: '' };
    }
    const next = array.items[index + 1];
    if (next) {
      const separator = this.text.slice(item.end, next.start);
      return { start: item.start, end: separator.includes(',') ? next.start : item.end + separator.length - separator.trimStart().length, text: '' };
    }
    const previous = array.items[index - 1];
    return previous ? { start: previous.end, end: item.end, text: '' } : { start: item.start, end: item.end, text: '' };
  }

  private arrayContaining(start: number, end: number): ArrayNode | undefined {
    let found: ArrayNode | undefined;
    const visit = (node: unknown): void => {
      if (found || !node || typeof node !== 'object') return;
      const n = node as { kind?: string; start?: number; end?: number };
      if (typeof n.start === 'number' && typeof n.end === 'number' && (n.end < start || n.start > end)) return;
      if (n.kind === 'array' && (node as ArrayNode).items.some((i) => i.start === start && i.end === end)) {
        found = node as ArrayNode;
        return;
      }
      for (const value of Object.values(node)) {
        if (Array.isArray(value)) value.forEach(visit);
        else if (value && typeof value === 'object') visit(value);
      }
    };
    visit(this.program.declarations);
    return found;
  }

  /** `#disable-next-line` above `line`, with the reason in a comment above it; extends a directive already there. */
  suppress(line: number, ids: string[], reason: string): Edit {
    const start = this.program.lineStarts[line];
    const existing = this.program.directives.find((d) => d.kind === 'disable-next-line' && d.line === line - 1);
    if (existing) return { start: existing.end, end: existing.end, text: ` ${ids.filter((id) => !existing.codes.some((c) => c.code === id)).join(' ')}`.trimEnd() };
    const indent = /^[ \t]*/.exec(this.text.slice(start))![0];
    return { start, end: start, text: `${indent}// ${reason}${this.eol}${indent}${SUPPRESSION_DIRECTIVE} ${ids.join(' ')}${this.eol}` };
  }

  /** Declares a parameter after the last one (or before the first declaration), unless one of that name exists. */
  addParameter(intent: AddParameterIntent): { name: string; edit?: Edit } {
    const declarations = this.program.declarations;
    const existing = declarations.find((d) => d.kind === 'param' && d.name.name.toLowerCase() === intent.name.toLowerCase());
    if (existing?.kind === 'param') return { name: existing.name.name };
    const lines = [...(intent.description ? [`@description(${quote(intent.description)})`] : []), `param ${intent.name} ${intent.type}`];
    const params = declarations.filter((d) => d.kind === 'param');
    const last = params[params.length - 1];
    if (last) return { name: intent.name, edit: { start: last.end, end: last.end, text: `${this.eol}${this.eol}${lines.join(this.eol)}` } };
    const first = declarations.find((d) => !['targetScope', 'metadata', 'import', 'extension', 'using'].includes(d.kind));
    const at = first ? first.start : this.text.length;
    const text = first ? `${lines.join(this.eol)}${this.eol}${this.eol}` : `${this.text.length && !this.text.endsWith('\n') ? this.eol : ''}${this.eol}${lines.join(this.eol)}${this.eol}`;
    return { name: intent.name, edit: { start: at, end: at, text } };
  }

  /** New resource declarations after the top-level declaration that holds the body at [start, end). */
  addResources(intents: readonly AddResourceIntent[], start: number, end: number, parameterNames: ReadonlyMap<string, string>): Edit | undefined {
    const found = this.resourceWithBody(start, end);
    if (!found) return undefined;
    const { declaration, symbol, topLevel } = found;
    const taken = new Set(this.program.declarations.map((d) => symbolOf(d)).filter((n): n is string => !!n).map((n) => n.toLowerCase()));
    const body = declaration.body!;
    const target: BicepTarget = {
      symbol,
      hasLocation: body.properties.some((p) => p.keyName?.toLowerCase() === 'location'),
      condition: declaration.condition ? this.text.slice(declaration.condition.start, declaration.condition.end) : undefined,
    };
    const symbols = new Map<string, string>();
    const blocks: string[] = [];
    for (const intent of intents) {
      const wanted = intent.declaration.symbolicName;
      let name = wanted;
      for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${wanted}${i}`;
      taken.add(name.toLowerCase());
      symbols.set(wanted, name);
      blocks.push(this.resourceText(intent.declaration, name, target, symbols, parameterNames));
    }
    return { start: topLevel.end, end: topLevel.end, text: blocks.map((b) => `${this.eol}${this.eol}${b}`).join('') };
  }

  private resourceWithBody(start: number, end: number): { declaration: ResourceDeclaration; symbol: string; topLevel: Declaration } | undefined {
    const visit = (d: ResourceDeclaration, prefix: string | undefined, top: Declaration): { declaration: ResourceDeclaration; symbol: string; topLevel: Declaration } | undefined => {
      const symbol = prefix ? `${prefix}::${d.name.name}` : d.name.name;
      if (d.body && d.body.start === start && d.body.end === end) return { declaration: d, symbol, topLevel: top };
      for (const member of d.body?.members ?? []) {
        const hit = member.kind === 'resource' ? visit(member, symbol, top) : undefined;
        if (hit) return hit;
      }
      return undefined;
    };
    for (const d of this.program.declarations) {
      const hit = d.kind === 'resource' ? visit(d, undefined, d) : undefined;
      if (hit) return hit;
    }
    return undefined;
  }

  private resourceText(resource: NewResource, symbol: string, target: BicepTarget, symbols: ReadonlyMap<string, string>, parameterNames: ReadonlyMap<string, string>): string {
    const inner = this.unit;
    const expression = (value: NewValue, indent: string): string => this.renderNew(value, indent, target, symbols, parameterNames);
    const lines: string[] = [];
    if (resource.parent) lines.push(`${inner}parent: ${symbols.get(resource.parent) ?? resource.parent}`);
    lines.push(`${inner}name: ${expression(resource.name, inner)}`);
    if (resource.scopedToTarget) lines.push(`${inner}scope: ${target.symbol}`);
    if (resource.location !== undefined) lines.push(`${inner}location: ${expression(resource.location, inner)}`);
    lines.push(`${inner}properties: ${expression(resource.properties, inner)}`);
    const condition = resource.sameCondition && target.condition ? `if (${target.condition}) ` : '';
    return `resource ${symbol} ${quote(`${resource.type}@${resource.apiVersion}`)} = ${condition}{${this.eol}${lines.join(this.eol)}${this.eol}}`;
  }

  /** A new value as Bicep: references become symbols and property accesses. */
  private renderNew(value: NewValue, indent: string, target: BicepTarget, symbols: ReadonlyMap<string, string>, parameterNames: ReadonlyMap<string, string>): string {
    if (isTemplateRef(value)) {
      const r = value as TemplateRef;
      const of = 'of' in r ? (r.of === 'target' ? target.symbol : symbols.get(r.of) ?? r.of) : '';
      switch (r[TEMPLATE_REF]) {
        case 'parameter': return parameterNames.get(r.name) ?? r.name;
        case 'id': return `${of}.id`;
        case 'location': return r.of === 'target' && !target.hasLocation ? 'resourceGroup().location' : `${of}.location`;
        case 'name': return r.suffix ? `'\${${of}.name}${quote(r.suffix).slice(1, -1)}'` : `${of}.name`;
      }
    }
    if (value === null || typeof value !== 'object') return this.render(value as JsonValue, indent);
    const next = indent + this.unit;
    if (Array.isArray(value)) {
      return value.length ? `[${this.eol}${value.map((v) => next + this.renderNew(v, next, target, symbols, parameterNames)).join(this.eol)}${this.eol}${indent}]` : '[]';
    }
    const entries = Object.entries(value as { [key: string]: NewValue });
    return entries.length
      ? `{${this.eol}${entries.map(([k, v]) => `${next}${renderKey(k)}: ${this.renderNew(v, next, target, symbols, parameterNames)}`).join(this.eol)}${this.eol}${indent}}`
      : '{}';
  }

  /** A fix value as Bicep: single-quoted strings, newline-separated members, expressions in Bicep syntax. */
  render(value: FixValue, indent: string): string {
    if (value === null) return 'null';
    if (value instanceof ExpressionValue) return printBicepExpression(value.expr);
    if (typeof value === 'string') return quote(value);
    if (typeof value !== 'object') return String(value);
    const inner = indent + this.unit;
    if (Array.isArray(value)) {
      return value.length ? `[${this.eol}${value.map((v) => inner + this.render(v, inner)).join(this.eol)}${this.eol}${indent}]` : '[]';
    }
    const entries = Object.entries(value);
    return entries.length ? `{${this.eol}${entries.map(([k, v]) => `${inner}${renderKey(k)}: ${this.render(v, inner)}`).join(this.eol)}${this.eol}${indent}}` : '{}';
  }
}

interface BicepTarget {
  /** How the target is referred to: `account`, or `parent::child`. */
  readonly symbol: string;
  readonly hasLocation: boolean;
  /** The condition's text (inside the parentheses), when the target has one. */
  readonly condition?: string;
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

function findProperty(object: ObjectNode, key: string): ObjectProperty | undefined {
  const lower = key.toLowerCase();
  return object.properties.find((p) => p.keyName?.toLowerCase() === lower);
}

function renderKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : quote(key);
}

