// ARM JSON writer: turns fix intents into one minimal text edit with jsonc-parser's
// `modify`, keeping the file's indentation, line endings and comments.

import { applyEdits, getNodePath, getNodeValue, modify, parseTree, findNodeAtOffset, type JSONPath, type Node as JsonNode } from 'jsonc-parser';
import { ExpressionValue, isTemplateRef, TEMPLATE_REF, type AddParameterIntent, type AddResourceIntent, type FixIntent, type FixValue, type JsonValue, type NewResource, type NewValue, type TemplateRef } from '../fixes';
import { armLiteral, printTemplateExpression } from '../expressions/print';
import { eolOf, indentOf } from '../text';
import { SUPPRESS_PATH } from './reader';

interface PathEdit { readonly path: JSONPath; readonly value: unknown; readonly onlyIfMissing?: boolean }

/**
 * Applies the intents that target `text` and returns the new text (unchanged when none apply).
 * Replacements and removals edit exactly the value (and one separator); insertions go through
 * jsonc-parser's `modify`, formatted like the file.
 */
export function applyArmIntents(text: string, intents: readonly FixIntent[]): string {
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (!root) return text;
  const direct: { start: number; end: number; newText: string }[] = [];
  const sets: PathEdit[] = [];
  const parameters: AddParameterIntent[] = [];
  const additions: { intent: AddResourceIntent; target: TargetInfo }[] = [];
  for (const intent of intents) {
    switch (intent.kind) {
      case 'set': {
        const base = pathAt(root, intent.target.loc.start);
        if (base) sets.push({ path: existingSpelling(root, [...base, ...intent.path]), value: toArmJson(intent.value), onlyIfMissing: intent.onlyIfMissing });
        break;
      }
      case 'replace':
        direct.push({ start: intent.target.loc.start, end: intent.target.loc.end, newText: JSON.stringify(toArmJson(intent.value)) });
        break;
      case 'remove-item': {
        const range = removalRange(root, intent.target.loc.start);
        if (range) direct.push({ ...range, newText: '' });
        break;
      }
      case 'suppress': {
        const base = pathAt(root, intent.resource.declaration.loc.start);
        if (base) sets.push({ path: existingSpelling(root, [...base, ...SUPPRESS_PATH, intent.ruleId]), value: intent.reason });
        break;
      }
      case 'add-parameter':
        parameters.push(intent);
        break;
      case 'add-resource': {
        // Read from the text as it is now: later edits move offsets, not paths.
        const target = targetInfo(root, intent.target.loc.start);
        if (target) additions.push({ intent, target });
        break;
      }
    }
  }
  let result = text;
  let lastStart = Infinity;
  for (const edit of direct.sort((a, b) => b.start - a.start)) {
    if (edit.end > lastStart) continue; // overlapping edits (the same entry twice): keep the first
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
    lastStart = edit.start;
  }
  const { insertSpaces, tabSize } = indentOf(text);
  const formattingOptions = { insertSpaces, tabSize, eol: eolOf(text) };
  for (const edit of sets) {
    if (edit.onlyIfMissing) {
      const current = parseTree(result, [], { allowTrailingComma: true });
      if (current && nodeAtPath(current, edit.path)) continue;
    }
    result = applyEdits(result, modify(result, edit.path, edit.value, { formattingOptions }));
  }
  // New parameters, then new resources that may use them.
  const parameterNames = new Map<string, string>();
  for (const intent of parameters) {
    const current = parseTree(result, [], { allowTrailingComma: true });
    const base = templatePathAt(root, intent.target.loc.start);
    if (!current || !base) continue;
    const declared = nodeAtPath(current, [...base, 'parameters']);
    const existing = declared?.type === 'object' ? declared.children?.find((p) => String(p.children?.[0]?.value).toLowerCase() === intent.name.toLowerCase()) : undefined;
    if (existing) {
      parameterNames.set(intent.name, String(existing.children![0].value));
      continue;
    }
    const value: JsonValue = { type: intent.type, ...(intent.description ? { metadata: { description: intent.description } } : {}) };
    if (declared) {
      result = applyEdits(result, modify(result, existingSpelling(current, [...base, 'parameters', intent.name]), value, { formattingOptions }));
    } else {
      // A new `parameters` section goes where templates have it: before variables, functions and resources.
      const getInsertionIndex = (keys: string[]) => {
        const at = keys.findIndex((k) => ['variables', 'functions', 'resources', 'outputs'].includes(k.toLowerCase()));
        return at < 0 ? keys.length : at;
      };
      result = applyEdits(result, modify(result, [...base, 'parameters'], { [intent.name]: value }, { formattingOptions, getInsertionIndex }));
    }
    parameterNames.set(intent.name, intent.name);
  }
  for (const group of groupByTarget(additions)) {
    const current = parseTree(result, [], { allowTrailingComma: true });
    const container = current && nodeAtPath(current, group.target.resourcesPath);
    if (!current || !container) continue;
    const taken = new Set(container.type === 'object' ? (container.children ?? []).map((p) => String(p.children?.[0]?.value).toLowerCase()) : []);
    const writer = new ArmResourceWriter(group.target, parameterNames, container.type === 'object', taken);
    for (const intent of group.intents) {
      const { key, json } = writer.write(intent.declaration);
      const path = container.type === 'object' ? [...group.target.resourcesPath, key] : [...group.target.resourcesPath, -1];
      result = applyEdits(result, modify(result, path, json, { formattingOptions }));
    }
  }
  return result;
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

// ------------------------------------------------------------------------------------------------
// New resources and parameters

/** What a new resource needs to know of the resource it goes beside, read before any edit. */
interface TargetInfo {
  readonly start: number;
  /** `resources` of the template that declares the target. */
  readonly resourcesPath: JSONPath;
  readonly type: string;
  /** The name as an ARM expression without brackets (`'oai'`, `parameters('name')`), and the literal when it is one. */
  readonly nameExpression: string;
  readonly nameLiteral?: string;
  readonly location?: JsonValue;
  readonly condition?: JsonValue;
  /** The languageVersion 2.0 symbolic name. */
  readonly symbolicName?: string;
}

function targetInfo(root: JsonNode, offset: number): TargetInfo | undefined {
  const node = valueAt(root, offset);
  const path = node && getNodePath(node);
  const base = path && templatePathOf(path);
  if (!node || node.type !== 'object' || !path || !base) return undefined;
  const member = (name: string) => node.children?.find((p) => String(p.children?.[0]?.value).toLowerCase() === name)?.children?.[1];
  const type = member('type');
  const name = member('name');
  if (type?.type !== 'string' || name?.type !== 'string') return undefined;
  const nameText = String(name.value);
  const expression = /^\[(?!\[)[\s\S]*\]$/.test(nameText);
  const location = member('location');
  const condition = member('condition');
  const key = path[path.length - 1];
  return {
    start: node.offset,
    resourcesPath: [...base, path[base.length]],
    type: String(type.value),
    nameExpression: expression ? nameText.slice(1, -1).trim() : armString(nameText.replace(/^\[\[/, '[')),
    nameLiteral: expression ? undefined : nameText.replace(/^\[\[/, '['),
    location: location ? getNodeValue(location) as JsonValue : undefined,
    condition: condition ? getNodeValue(condition) as JsonValue : undefined,
    symbolicName: typeof key === 'string' ? key : undefined,
  };
}

/** The path of the template holding the value at `path`: the root, or the nested deployment's `template`. */
function templatePathOf(path: JSONPath): JSONPath | undefined {
  let last = -1;
  for (let i = 0; i < path.length; i++) if (typeof path[i] === 'string' && String(path[i]).toLowerCase() === 'template' && i > 0) last = i;
  const base = path.slice(0, last + 1);
  const resources = path[base.length];
  return typeof resources === 'string' && resources.toLowerCase() === 'resources' ? base : undefined;
}

/** The template path of the resource whose declaration starts at `offset` in the original text (edits keep paths). */
function templatePathAt(original: JsonNode, offset: number): JSONPath | undefined {
  const node = valueAt(original, offset);
  return node && templatePathOf(getNodePath(node));
}

function groupByTarget(additions: readonly { intent: AddResourceIntent; target: TargetInfo }[]): { target: TargetInfo; intents: AddResourceIntent[] }[] {
  const groups = new Map<number, { target: TargetInfo; intents: AddResourceIntent[] }>();
  for (const { intent, target } of additions) {
    const group = groups.get(target.start) ?? { target, intents: [] };
    group.intents.push(intent);
    groups.set(target.start, group);
  }
  return [...groups.values()];
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
    private readonly target: TargetInfo,
    private readonly parameterNames: ReadonlyMap<string, string>,
    private readonly symbolic: boolean,
    private readonly taken: Set<string>,
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
        return `[parameters(${armString(this.parameterNames.get(r.name) ?? r.name)})]`;
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

/** The element at `offset` with one separator: up to the next element, or from the previous one when it is last. */
function removalRange(root: JsonNode, offset: number): { start: number; end: number } | undefined {
  const node = valueAt(root, offset);
  const siblings = node?.parent?.type === 'array' ? node.parent.children ?? [] : undefined;
  if (!node || !siblings) return undefined;
  const i = siblings.indexOf(node);
  if (i < siblings.length - 1) return { start: node.offset, end: siblings[i + 1].offset };
  if (i > 0) return { start: siblings[i - 1].offset + siblings[i - 1].length, end: node.offset + node.length };
  return { start: node.offset, end: node.offset + node.length };
}

function valueAt(root: JsonNode, offset: number): JsonNode | undefined {
  let node = findNodeAtOffset(root, offset, false);
  while (node && node.parent && node.parent.offset === offset && node.parent.type !== 'property') node = node.parent;
  return node;
}

function pathAt(root: JsonNode, offset: number): JSONPath | undefined {
  const node = valueAt(root, offset);
  return node ? getNodePath(node) : undefined;
}

/** ARM property names are case-insensitive: reuse `Properties` rather than adding `properties` beside it. */
function existingSpelling(root: JsonNode, path: JSONPath): JSONPath {
  const out: JSONPath = [];
  let node: JsonNode | undefined = root;
  for (const segment of path) {
    if (typeof segment === 'string' && node?.type === 'object') {
      const prop: JsonNode | undefined = node.children?.find((p) => String(p.children?.[0]?.value).toLowerCase() === segment.toLowerCase());
      out.push(prop ? String(prop.children![0].value) : segment);
      node = prop?.children?.[1];
    } else {
      out.push(segment);
      node = typeof segment === 'number' && node?.type === 'array' ? node.children?.[segment] : undefined;
    }
  }
  return out;
}

function nodeAtPath(root: JsonNode, path: JSONPath): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === 'number') node = node.type === 'array' ? node.children?.[segment] : undefined;
    else node = node.type === 'object' ? node.children?.find((p) => p.children?.[0]?.value === segment)?.children?.[1] : undefined;
  }
  return node;
}
