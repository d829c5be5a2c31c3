// ARM JSON writer: turns fix intents into one minimal text edit with jsonc-parser's
// `modify`, keeping the file's indentation, line endings and comments.

import { applyEdits, getNodePath, modify, parseTree, findNodeAtOffset, type JSONPath, type Node as JsonNode } from 'jsonc-parser';
import { ExpressionValue, type FixIntent, type FixValue, type JsonValue } from '../fixes';
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
