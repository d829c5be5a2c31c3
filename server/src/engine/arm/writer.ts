// ARM JSON writer: fix operations as text changes against one parse of the file, in the file's indentation,
// line endings and layout (a one-line object stays on one line), keeping comments. It writes only into
// objects and arrays that are closed and free of syntax errors.

import { parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { ExpressionValue, type FixValue, type JsonValue } from '../fixes';
import { armLiteral, printTemplateExpression } from '../expressions/print';
import type { SourceFile } from '../model';
import { eolOf, indentAt, indentUnit, lineStartOf } from '../text';
import { anyWithin, endOfLine, parseCache, renderValue, runsOf, type FormatWriter, type Member, type Range, type TextChange, type ValueStyle } from '../writing';

interface ArmSyntax {
  readonly text: string;
  readonly root: JsonNode;
  /** Offsets of the syntax errors, ascending. */
  readonly errors: readonly number[];
  readonly eol: string;
  readonly style: ValueStyle<JsonValue>;
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
  return { text, root, errors: errors.map((e) => e.offset).sort((a, b) => a - b), eol, style };
}

/** Lets the writer reuse the reader's parse of an analysed file (same parser options). */
export function rememberArmParse(file: SourceFile, root: JsonNode | undefined, errors: readonly ParseError[]): void {
  if (root) syntax.remember(file, armSyntax(file.text, root, errors));
}

export const armWriter: FormatWriter<ArmSyntax> = {
  parse: (file, text) => syntax.get(file, text),

  insert(s, range, members) {
    const object = whole(s, nodeAt(s.root, range), 'object');
    if (!object || !members.length) return undefined;
    const { text, eol } = s;
    const properties = object.children ?? [];
    const last = properties[properties.length - 1];
    const end = object.offset + object.length;
    const ownIndent = indentAt(text, object.offset);
    if (!last) {
      const inner = text.slice(object.offset + 1, end - 1);
      // `"key": {}` on a line of its own opens onto lines; inside a one-line parent it stays on one line.
      const multiline = inner.includes('\n') || onItsOwnLine(text, object.offset, end);
      if (/\/[/*]/.test(inner)) return undefined;
      const memberIndent = ownIndent + s.style.unit;
      return [{
        start: object.offset, end,
        text: multiline
          ? `{${eol}${members.map((m) => memberIndent + member(s, m, memberIndent)).join(`,${eol}`)}${eol}${ownIndent}}`
          : `{ ${members.map((m) => member(s, m, undefined)).join(', ')} }`,
      }];
    }
    const valueEnd = last.offset + last.length;
    const comma = skipTrivia(text, valueEnd, end - 1);
    const hasComma = text.charCodeAt(comma) === 44;
    const after = hasComma ? comma + 1 : valueEnd;
    // A one-line object has no line break before its first member or after its last.
    if (!hasLineBreak(text, object.offset, properties[0].offset) && !hasLineBreak(text, valueEnd, end)) {
      return [{ start: after, end: after, text: `${hasComma ? ' ' : ', '}${members.map((m) => member(s, m, undefined)).join(', ')}` }];
    }
    const lastIndent = indentAt(text, last.offset);
    const memberIndent = lastIndent.length === last.offset - lineStartOf(text, last.offset) ? lastIndent : ownIndent + s.style.unit;
    const lines = members.map((m) => `${eol}${memberIndent}${member(s, m, memberIndent)}`).join(',');
    // After a comment that ends the last member's line, so the comment stays with its member.
    const at = endOfLine(text, after, end - 1) ?? after;
    const changes: TextChange[] = [];
    if (!hasComma) changes.push({ start: valueEnd, end: valueEnd, text: ',' });
    changes.push({ start: at, end: at, text: lines });
    return changes;
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
};

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

/** `"key": value`, on several lines from `indent`, or on one line without it. */
function member(s: ArmSyntax, m: Member, indent: string | undefined): string {
  return `${JSON.stringify(m.key)}: ${render(s, toArmJson(m.value), indent)}`;
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
