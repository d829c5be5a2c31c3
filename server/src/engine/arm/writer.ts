// ARM JSON writer: turns fix intents into one minimal text edit with jsonc-parser's
// `modify`, keeping the file's indentation, line endings and comments.

import { applyEdits, getNodePath, modify, parseTree, findNodeAtOffset, type JSONPath, type Node as JsonNode } from 'jsonc-parser';
import type { FixIntent } from '../fixes';
import { eolOf, indentOf } from '../text';
import { SUPPRESS_PATH } from './reader';

interface PathEdit { readonly path: JSONPath; readonly value: unknown; readonly onlyIfMissing?: boolean }

/** Applies the intents that target `text` and returns the new text (unchanged when none apply). */
export function applyArmIntents(text: string, intents: readonly FixIntent[]): string {
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (!root) return text;
  const edits: PathEdit[] = [];
  for (const intent of intents) {
    switch (intent.kind) {
      case 'set': {
        const base = pathAt(root, intent.target.loc.start);
        if (base) edits.push({ path: existingSpelling(root, [...base, ...intent.path]), value: intent.value, onlyIfMissing: intent.onlyIfMissing });
        break;
      }
      case 'replace': {
        const path = pathAt(root, intent.target.loc.start);
        if (path) edits.push({ path, value: intent.value });
        break;
      }
      case 'remove-item': {
        const path = pathAt(root, intent.target.loc.start);
        if (path) edits.push({ path, value: undefined });
        break;
      }
      case 'suppress': {
        const base = pathAt(root, intent.resource.declaration.loc.start);
        if (base) edits.push({ path: existingSpelling(root, [...base, ...SUPPRESS_PATH, intent.ruleId]), value: intent.reason });
        break;
      }
    }
  }
  // Removals last and from the end of each array, so earlier paths stay valid.
  const removals = edits.filter((e) => e.value === undefined).sort((a, b) => comparePaths(b.path, a.path));
  const ordered = [...edits.filter((e) => e.value !== undefined), ...removals];
  const { insertSpaces, tabSize } = indentOf(text);
  const formattingOptions = { insertSpaces, tabSize, eol: eolOf(text) };
  let result = text;
  const removed = new Set<string>();
  for (const edit of ordered) {
    if (edit.value === undefined) {
      const key = JSON.stringify(edit.path);
      if (removed.has(key)) continue;
      removed.add(key);
    }
    if (edit.onlyIfMissing) {
      const current = parseTree(result, [], { allowTrailingComma: true });
      if (current && nodeAtPath(current, edit.path)) continue;
    }
    result = applyEdits(result, modify(result, edit.path, edit.value, { formattingOptions }));
  }
  return result;
}

function pathAt(root: JsonNode, offset: number): JSONPath | undefined {
  let node = findNodeAtOffset(root, offset, true);
  // findNodeAtOffset returns the deepest node starting there; climb to the value whose range starts at offset.
  while (node && node.parent && node.parent.offset === offset && node.parent.type !== 'property') node = node.parent;
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

function comparePaths(a: JSONPath, b: JSONPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (typeof a[i] === 'number' && typeof b[i] === 'number') return (a[i] as number) - (b[i] as number);
    return String(a[i]).localeCompare(String(b[i]));
  }
  return a.length - b.length;
}
