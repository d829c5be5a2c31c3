// ARM JSON writer: fix operations as text changes against one parse of the file, in the file's indentation,
// line endings and layout (a one-line object stays on one line), keeping comments. It writes only into
// objects and arrays that are closed and free of syntax errors.

import { getNodeValue, parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { ExpressionValue, isTemplateRef, TEMPLATE_REF, type AddResourceIntent, type FixValue, type JsonValue, type NewResource, type NewValue, type TemplateRef } from '../fixes';
import { armLiteral, printTemplateExpression } from '../expressions/print';
import type { SourceFile } from '../model';
import { eolOf, indentAt, indentUnit, lineStartOf } from '../text';
import { anyWithin, endOfLine, parseCache, renderValue, runsOf, type FormatWriter, type Range, type TextChange, type ValueStyle } from '../writing';

interface ArmSyntax {
  readonly text: string;
  readonly root: JsonNode;
  /** Offsets of the syntax errors, ascending. */
  readonly errors: readonly number[];
  readonly eol: string;
  readonly style: ValueStyle<JsonValue>;
  /** What fixes ask of a `resources` container, indexed once per parse (a fix set asks it once per intent). */
  readonly containers: WeakMap<JsonNode, ContainerIndex>;
}

interface ContainerIndex {
  /** How many declarations have each type and name (lower case, `type\0name`). */
  readonly declarations: ReadonlyMap<string, number>;
  /** The symbolic names taken (lower case), for languageVersion 2.0's object of resources. */
  readonly symbols: ReadonlySet<string>;
}

const syntax = parseCache<ArmSyntax>((text) => {
  const errors: ParseError[] = [];
  let root: JsonNode | undefined;
  try {
    root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  } catch {
    return undefined; // nesting too deep for the parser: nothing is written
  }
  return root && armSyntax(text, root, errors);
});

function armSyntax(text: string, root: JsonNode, errors: readonly ParseError[]): ArmSyntax {
  const eol = eolOf(text);
  const style: ValueStyle<JsonValue> = {
    eol, unit: indentUnit(text), lineSeparator: ',', key: (k) => JSON.stringify(k),
    scalar: (v) => (v === null || typeof v !== 'object' ? JSON.stringify(v) : undefined),
  };
  return { text, root, errors: errors.map((e) => e.offset).sort((a, b) => a - b), eol, style, containers: new WeakMap() };
}

/** Lets the writer reuse the reader's parse of an analysed file (same parser options). */
export function rememberArmParse(file: SourceFile, root: JsonNode | undefined, errors: readonly ParseError[]): void {
  if (root) syntax.remember(file, armSyntax(file.text, root, errors));
}

export const armWriter: FormatWriter<ArmSyntax> = {
  parse: (file, text) => syntax.get(file, text),

  insert(s, range, members) {
    return appendTo(s, nodeAt(s.root, range), 'object', members.map((m) => ({ key: m.key, value: toArmJson(m.value) })));
  },

  replace(s, range, value) {
    const node = nodeAt(s.root, range);
    if (!node || node.type === 'property' || anyWithin(s.errors, range.start, range.end - 1)) return undefined;
    if ((node.type === 'object' || node.type === 'array') && !whole(s, node, node.type)) return undefined;
    return [{ start: range.start, end: range.end, text: render(s, toArmJson(value), undefined) }];
  },

  removeItems(s, items) {
    let failed = 0;
    const byArray = new Map<JsonNode, Set<number>>();
    for (const item of items) {
      const node = nodeAt(s.root, item);
      const array = node?.parent;
      if (!node || array?.type !== 'array' || !whole(s, array, 'array')) { failed++; continue; }
      let removed = byArray.get(array);
      if (!removed) byArray.set(array, (removed = new Set()));
      removed.add(indexOf(array.children!, node));
    }
    const changes: TextChange[] = [];
    for (const [array, removed] of byArray) changes.push(...removeFrom(s, array, [...removed].sort((a, b) => a - b)));
    return { changes, failed };
  },

  declare(s, parameters, resources) {
    let failed = 0;
    const changes: TextChange[] = [];
    // Parameter names as declared, by template and lower-case name: one declared or asked already is reused.
    const names = new Map<JsonNode, Map<string, string>>();
    const namesOf = (template: JsonNode) => names.get(template) ?? names.set(template, new Map()).get(template)!;
    const added = new Map<JsonNode, Entry[]>();
    for (const p of parameters) {
      const target = targetOf(s, p.target.loc);
      const declared = target && memberOf(target.template, 'parameters');
      if (!target || (declared && declared.type !== 'object')) { failed++; continue; }
      const known = namesOf(target.template);
      if (known.has(p.name.toLowerCase())) continue;
      const existing = declared?.children?.find((m) => String(m.children?.[0]?.value).toLowerCase() === p.name.toLowerCase());
      known.set(p.name.toLowerCase(), existing ? String(existing.children![0].value) : p.name);
      if (existing) continue;
      const list = added.get(target.template) ?? added.set(target.template, []).get(target.template)!;
      list.push({ key: p.name, value: { type: p.type, ...(p.nullable ? { nullable: true } : {}), ...(p.defaultValue !== undefined ? { defaultValue: toArmJson(p.defaultValue) } : {}), ...(p.description ? { metadata: { description: p.description } } : {}) } });
    }
    for (const [template, entries] of added) {
      const declared = memberOf(template, 'parameters');
      // A new `parameters` section goes where templates have it: before variables, functions and resources.
      const written = declared
        ? appendTo(s, declared, 'object', entries)
        : insertBefore(s, template, ['variables', 'functions', 'resources', 'outputs'], { key: 'parameters', value: Object.fromEntries(entries.map((e) => [e.key!, e.value])) });
      if (written) changes.push(...written); else failed += entries.length;
    }
    // New resources, by the resource they go beside, appended to its container together.
    const groups = new Map<JsonNode, { target: ArmTarget; intents: AddResourceIntent[] }>();
    for (const r of resources) {
      const target = targetOf(s, r.target.loc);
      if (!target) { failed++; continue; }
      const group = groups.get(target.node) ?? groups.set(target.node, { target, intents: [] }).get(target.node)!;
      group.intents.push(r);
    }
    const containers = new Map<JsonNode, { taken: Taken; entries: Entry[] }>();
    for (const { target, intents } of groups.values()) {
      const symbolic = target.container.type === 'object';
      let entry = containers.get(target.container);
      if (!entry) {
        containers.set(target.container, (entry = { taken: new Taken(symbolic ? containerIndex(s, target.container).symbols : new Set()), entries: [] }));
      }
      const writer = new ArmResourceWriter(target, namesOf(target.template), symbolic, entry.taken);
      for (const intent of intents) {
        const { key, json } = writer.write(intent.declaration);
        entry.entries.push(symbolic ? { key, value: json } : { value: json });
      }
    }
    for (const [container, { entries }] of containers) {
      const written = appendTo(s, container, container.type === 'object' ? 'object' : 'array', entries);
      if (written) changes.push(...written); else failed += entries.length;
    }
    return { changes, failed };
  },
};

/** A member placed before the first of `keys` (else last), on a line of its own when that member has one. */
function insertBefore(s: ArmSyntax, object: JsonNode, keys: readonly string[], entry: Entry): TextChange[] | undefined {
  if (!whole(s, object, 'object')) return undefined;
  const before = object.children?.find((p) => keys.includes(String(p.children?.[0]?.value).toLowerCase()));
  if (!before) return appendTo(s, object, 'object', [entry]);
  const lineStart = lineStartOf(s.text, before.offset);
  const indent = s.text.slice(lineStart, before.offset);
  if (/^[ \t]*$/.test(indent)) return [{ start: lineStart, end: lineStart, text: `${indent}${entryText(s, entry, indent)},${s.eol}` }];
  return [{ start: before.offset, end: before.offset, text: `${entryText(s, entry, undefined)}, ` }];
}

/** What a new resource needs to know of the resource it goes beside. */
interface ArmTarget {
  readonly node: JsonNode;
  /** The template declaring it (the root, or a nested deployment's `template`), and its `resources`. */
  readonly template: JsonNode;
  readonly container: JsonNode;
  readonly type: string;
  /** The name as an ARM expression without brackets (`'oai'`, `parameters('name')`), and the literal when it is one. */
  readonly nameExpression: string;
  readonly nameLiteral?: string;
  readonly location?: JsonValue;
  readonly condition?: JsonValue;
  /** The languageVersion 2.0 symbolic name. */
  readonly symbolicName?: string;
}

function memberOf(object: JsonNode, name: string): JsonNode | undefined {
  return object.children?.find((p) => String(p.children?.[0]?.value).toLowerCase() === name)?.children?.[1];
}

const declarationKey = (type: JsonNode, name: JsonNode) => `${String(type.value).toLowerCase()}\0${String(name.value).toLowerCase()}`;

/** The index of a `resources` container (an array, or languageVersion 2.0's object), made on first use. */
function containerIndex(s: ArmSyntax, container: JsonNode): ContainerIndex {
  let index = s.containers.get(container);
  if (index) return index;
  const declarations = new Map<string, number>();
  const symbols = new Set<string>();
  for (const child of container.children ?? []) {
    if (child.type === 'property') symbols.add(String(child.children?.[0]?.value).toLowerCase());
    const declaration = child.type === 'property' ? child.children?.[1] : child;
    if (declaration?.type !== 'object') continue;
    // `type` and `name` in one pass over the members (of thousands of resources: the first quick fix waits for it).
    let type: JsonNode | undefined;
    let name: JsonNode | undefined;
    for (const member of declaration.children ?? []) {
      const key = member.children?.[0]?.value;
      if (typeof key !== 'string' || key.length !== 4) continue;
      const lower = key.toLowerCase();
      if (lower === 'type') type ??= member.children![1];
      else if (lower === 'name') name ??= member.children![1];
    }
    if (!type || !name) continue;
    const key = declarationKey(type, name);
    declarations.set(key, (declarations.get(key) ?? 0) + 1);
  }
  s.containers.set(container, (index = { declarations, symbols }));
  return index;
}

/** Names taken: those of the parse, and those new resources take in this fix set. */
class Taken {
  private readonly added = new Set<string>();
  constructor(private readonly base: ReadonlySet<string>) {}
  has(name: string): boolean { return this.base.has(name) || this.added.has(name); }
  add(name: string): void { this.added.add(name); }
}

function targetOf(s: ArmSyntax, range: Range): ArmTarget | undefined {
  const node = whole(s, nodeAt(s.root, range), 'object');
  if (!node) return undefined;
  const symbolicName = node.parent?.type === 'property' ? String(node.parent.children![0].value) : undefined;
  const container = symbolicName !== undefined ? node.parent!.parent : node.parent;
  const resources = container?.parent;
  const template = resources?.parent;
  if (!container || resources?.type !== 'property' || String(resources.children?.[0]?.value).toLowerCase() !== 'resources' || !template) return undefined;
  const holder = template.parent;
  if (template !== s.root && !(holder?.type === 'property' && String(holder.children?.[0]?.value).toLowerCase() === 'template')) return undefined;
  const type = memberOf(node, 'type');
  const name = memberOf(node, 'name');
  if (type?.type !== 'string' || name?.type !== 'string') return undefined;
  // Another declaration of the same type and name: references by resourceId() would be ambiguous.
  if ((containerIndex(s, container).declarations.get(declarationKey(type, name)) ?? 0) > 1) return undefined;
  const nameText = String(name.value);
  const expression = /^\[(?!\[)[\s\S]*\]$/.test(nameText);
  const location = memberOf(node, 'location');
  const condition = memberOf(node, 'condition');
  return {
    node, template, container, symbolicName,
    type: String(type.value),
    nameExpression: expression ? nameText.slice(1, -1).trim() : armString(nameText.replace(/^\[\[/, '[')),
    nameLiteral: expression ? undefined : nameText.replace(/^\[\[/, '['),
    location: location ? getNodeValue(location) as JsonValue : undefined,
    condition: condition ? getNodeValue(condition) as JsonValue : undefined,
  };
}

function armString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * A name as ARM builds it: a `format()` pattern and its arguments (ARM expressions without brackets);
 * no arguments for a literal. One per name segment, so ids can be built segment by segment.
 */
interface ArmName { readonly pattern: string; readonly args: readonly string[] }

const literalName = (text: string): ArmName => ({ pattern: text.replace(/[{}]/g, (c) => c + c), args: [] });
const expressionName = (expression: string): ArmName => ({ pattern: '{0}', args: [expression] });

function literalOf(name: ArmName): string | undefined {
  return name.args.length ? undefined : name.pattern.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
}

function concatNames(a: ArmName, b: ArmName): ArmName {
  const shift = a.args.length;
  const pattern = b.pattern.replace(/\{\{|\}\}|\{(\d+)\}/g, (whole, n: string | undefined) => (n === undefined ? whole : `{${Number(n) + shift}}`));
  return { pattern: a.pattern + pattern, args: [...a.args, ...b.args] };
}

function nameExpression(name: ArmName): string {
  const literal = literalOf(name);
  if (literal !== undefined) return armString(literal);
  if (name.pattern === '{0}') return name.args[0];
  return `format(${armString(name.pattern)}, ${name.args.join(', ')})`;
}

/** The name as a JSON string value: the literal, or `[expression]`. */
function nameValue(name: ArmName): string {
  const literal = literalOf(name);
  return literal !== undefined ? escapeLiteral(literal) : `[${nameExpression(name)}]`;
}

function joinSegments(segments: readonly ArmName[]): ArmName {
  return segments.reduce((all, segment, i) => (i === 0 ? segment : concatNames(concatNames(all, literalName('/')), segment)));
}

/** `resourceId('Ns/a/b', 'x', 'y')` for a name of segments `x`, `y`. */
function resourceIdExpression(type: string, segments: readonly ArmName[]): string {
  return `resourceId(${armString(type)}, ${segments.map(nameExpression).join(', ')})`;
}

class ArmResourceWriter {
  private readonly written = new Map<string, { type: string; segments: readonly ArmName[]; key: string; location?: JsonValue }>();

  constructor(
    private readonly target: ArmTarget,
    private readonly parameterNames: ReadonlyMap<string, string>,
    private readonly symbolic: boolean,
    private readonly taken: Taken,
  ) {}

  private get targetName(): ArmName {
    return this.target.nameLiteral !== undefined ? literalName(this.target.nameLiteral) : expressionName(this.target.nameExpression);
  }

  write(resource: NewResource): { key: string; json: JsonValue } {
    let key = resource.symbolicName;
    for (let i = 2; this.taken.has(key.toLowerCase()); i++) key = `${resource.symbolicName}${i}`;
    this.taken.add(key.toLowerCase());
    const parent = resource.parent ? this.written.get(resource.parent) : undefined;
    const segments = [...(parent?.segments ?? []), this.nameOf(resource.name)];
    const targetId = `[${resourceIdExpression(this.target.type, [this.targetName])}]`;
    const dependsOn: string[] = [this.symbolic && this.target.symbolicName ? this.target.symbolicName : targetId];
    if (parent) dependsOn.push(this.symbolic ? parent.key : `[${resourceIdExpression(parent.type, parent.segments)}]`);
    const json: { [key: string]: JsonValue } = {};
    if (resource.sameCondition && this.target.condition !== undefined) json.condition = this.target.condition;
    json.type = resource.type;
    json.apiVersion = resource.apiVersion;
    if (resource.scopedToTarget) json.scope = nameValue(concatNames(literalName(`${this.target.type}/`), this.targetName));
    json.name = nameValue(joinSegments(segments));
    if (resource.location !== undefined) json.location = this.value(resource.location);
    json.properties = this.value(resource.properties);
    json.dependsOn = dependsOn;
    this.written.set(resource.symbolicName, { type: resource.type, segments, key, location: json.location });
    return { key, json };
  }

  /** A name value (a literal, or the name of another resource with a suffix) as an ARM name. */
  private nameOf(value: NewValue): ArmName {
    if (typeof value === 'string') return literalName(value);
    if (isTemplateRef(value)) {
      const r = value as TemplateRef;
      if (r[TEMPLATE_REF] === 'name') {
        const base = r.of === 'target' ? this.targetName : joinSegments(this.written.get(r.of)?.segments ?? [literalName('')]);
        return r.suffix ? concatNames(base, literalName(r.suffix)) : base;
      }
      const text = this.value(value);
      if (typeof text === 'string' && /^\[(?!\[)/.test(text)) return expressionName(text.slice(1, -1));
      if (typeof text === 'string') return literalName(text);
    }
    return expressionName(`string(json(${armString(JSON.stringify(this.value(value)))}))`);
  }

  /** A new value as ARM JSON: references become expressions. */
  private value(value: NewValue): JsonValue {
    if (isTemplateRef(value)) return this.reference(value as TemplateRef);
    if (typeof value === 'string') return escapeLiteral(value);
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (value && typeof value === 'object') {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.value(v as NewValue);
      return out;
    }
    return value as JsonValue;
  }

  private reference(r: TemplateRef): JsonValue {
    switch (r[TEMPLATE_REF]) {
      case 'parameter':
        return `[parameters(${armString(this.parameterNames.get(r.name.toLowerCase()) ?? r.name)})]`;
      case 'id': {
        if (r.of === 'target') return `[${resourceIdExpression(this.target.type, [this.targetName])}]`;
        const other = this.written.get(r.of);
        return other ? `[${resourceIdExpression(other.type, other.segments)}]` : null;
      }
      case 'location':
        if (r.of === 'target') return this.target.location ?? '[resourceGroup().location]';
        return this.written.get(r.of)?.location ?? '[resourceGroup().location]';
      case 'name':
        return nameValue(this.nameOf(r));
    }
  }
}

/** A string that ARM must not read as an expression. */
function escapeLiteral(text: string): string {
  return text.startsWith('[') ? `[${text}` : text;
}

/**
 * New members (or items, without keys) after the last one, in the layout of the object or array: one line stays
 * one line, `{}` on a line of its own opens onto lines.
 */
function appendTo(s: ArmSyntax, node: JsonNode | undefined, type: 'object' | 'array', entries: readonly Entry[]): TextChange[] | undefined {
  const container = whole(s, node, type);
  if (!container || !entries.length) return undefined;
  const { text, eol } = s;
  const children = container.children ?? [];
  const last = children[children.length - 1];
  const end = container.offset + container.length;
  const ownIndent = indentAt(text, container.offset);
  const [open, close] = type === 'object' ? ['{', '}'] : ['[', ']'];
  if (!last) {
    const inner = text.slice(container.offset + 1, end - 1);
    // `"key": {}` on a line of its own opens onto lines; inside a one-line parent it stays on one line.
    const multiline = inner.includes('\n') || onItsOwnLine(text, container.offset, end);
    if (/\/[/*]/.test(inner)) return undefined;
    const entryIndent = ownIndent + s.style.unit;
    return [{
      start: container.offset, end,
      text: multiline
        ? `${open}${eol}${entries.map((e) => entryIndent + entryText(s, e, entryIndent)).join(`,${eol}`)}${eol}${ownIndent}${close}`
        : type === 'object' ? `{ ${entries.map((e) => entryText(s, e, undefined)).join(', ')} }` : `[${entries.map((e) => entryText(s, e, undefined)).join(', ')}]`,
    }];
  }
  const valueEnd = last.offset + last.length;
  const comma = skipTrivia(text, valueEnd, end - 1);
  const hasComma = text.charCodeAt(comma) === 44;
  const after = hasComma ? comma + 1 : valueEnd;
  // A one-line object or array has no line break before its first entry or after its last.
  if (!hasLineBreak(text, container.offset, children[0].offset) && !hasLineBreak(text, valueEnd, end)) {
    return [{ start: after, end: after, text: `${hasComma ? ' ' : ', '}${entries.map((e) => entryText(s, e, undefined)).join(', ')}` }];
  }
  const lastIndent = indentAt(text, last.offset);
  const entryIndent = lastIndent.length === last.offset - lineStartOf(text, last.offset) ? lastIndent : ownIndent + s.style.unit;
  const lines = entries.map((e) => `${eol}${entryIndent}${entryText(s, e, entryIndent)}`).join(',');
  // After a comment that ends the last entry's line, so the comment stays with its entry.
  const at = endOfLine(text, after, end - 1) ?? after;
  const changes: TextChange[] = [];
  if (!hasComma) changes.push({ start: valueEnd, end: valueEnd, text: ',' });
  changes.push({ start: at, end: at, text: lines });
  return changes;
}

/** A member (with a key) or an array item, as ARM JSON already. */
interface Entry { readonly key?: string; readonly value: JsonValue }

function entryText(s: ArmSyntax, e: Entry, indent: string | undefined): string {
  return `${e.key === undefined ? '' : `${JSON.stringify(e.key)}: `}${render(s, e.value, indent)}`;
}

/** Removals of whole runs of neighbours: each run with the separator after it, or before it at the end. */
function removeFrom(s: ArmSyntax, array: JsonNode, indices: readonly number[]): TextChange[] {
  const children = array.children!;
  const end = array.offset + array.length;
  if (indices.length === children.length && !/\/[/*]/.test(s.text.slice(array.offset + 1, end - 1))) {
    return [{ start: array.offset + 1, end: end - 1, text: '' }];
  }
  return runsOf(indices).map(([first, lastRemoved]) => {
    const next = children[lastRemoved + 1];
    if (next) return { start: children[first].offset, end: next.offset, text: '' };
    const previous = children[first - 1];
    const lastNode = children[lastRemoved];
    return previous
      ? { start: previous.offset + previous.length, end: lastNode.offset + lastNode.length, text: '' }
      : { start: children[first].offset, end: lastNode.offset + lastNode.length, text: '' };
  });
}

/** The node of `type` when it is closed and has no syntax error inside. */
function whole(s: ArmSyntax, node: JsonNode | undefined, type: 'object' | 'array'): JsonNode | undefined {
  if (node?.type !== type) return undefined;
  const end = node.offset + node.length;
  if (s.text.charCodeAt(end - 1) !== (type === 'object' ? 125 : 93)) return undefined;
  return anyWithin(s.errors, node.offset, end) ? undefined : node;
}

/** The value node spanning exactly `range`, found by binary search at each level. */
function nodeAt(root: JsonNode, range: Range): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  while (node) {
    if (node.offset === range.start && node.offset + node.length === range.end && node.type !== 'property') return node;
    const children: JsonNode[] | undefined = node.children;
    if (!children?.length) return undefined;
    let low = 0;
    let high = children.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (children[mid].offset <= range.start) { found = mid; low = mid + 1; } else high = mid - 1;
    }
    const child: JsonNode | undefined = children[found];
    if (!child || range.end > child.offset + child.length) return undefined;
    node = child;
  }
  return undefined;
}

function render(s: ArmSyntax, value: JsonValue, indent: string | undefined): string {
  return renderValue(value, indent, s.style);
}

/** A fix value as ARM JSON: expressions become `"[...]"` strings, literals that would read as one are escaped. */
export function toArmJson(value: FixValue): JsonValue {
  if (value instanceof ExpressionValue) return printTemplateExpression(value.expr);
  if (typeof value === 'string') return armLiteral(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toArmJson);
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) out[k] = toArmJson(v);
  return out;
}

/** The offset of the first character from `from` (before `limit`) that is not blank or a comment. */
function skipTrivia(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 47 && text.charCodeAt(i + 1) === 47) { while (i < limit && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++; }
    else if (c === 47 && text.charCodeAt(i + 1) === 42) { const close = text.indexOf('*/', i + 2); i = close < 0 || close >= limit ? limit : close + 2; }
    else break;
  }
  return i;
}

/** Whether the object at [start, end) is all its line holds, but for its key before and a comma or comment after. */
function onItsOwnLine(text: string, start: number, end: number): boolean {
  let after = end;
  while (after < text.length && text.charCodeAt(after) !== 10 && text.charCodeAt(after) !== 13) after++;
  return /^\s*("([^"\\]|\\.)*"\s*:\s*)?$/.test(text.slice(lineStartOf(text, start), start)) && /^\s*,?\s*(\/\/.*)?$/.test(text.slice(end, after));
}

function hasLineBreak(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13) return true;
  return false;
}

/** The index of a child, by binary search on offsets. */
function indexOf(children: readonly JsonNode[], node: JsonNode): number {
  let low = 0;
  let high = children.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (children[mid].offset < node.offset) low = mid + 1; else if (children[mid].offset > node.offset) high = mid - 1; else return mid;
  }
  return -1;
}
