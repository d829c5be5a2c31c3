// Seeded mutants of ARM and Bicep templates for property tests: array entries dropped or repeated, booleans
// flipped, strings turned into URLs or wildcards, values moved into a parameter or a variable. Mutations aim at the
// AI accounts (and module calls) of a file, where the rules look.

import { getNodePath, getNodeValue, modify, parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { ArrayNode, Expression, ObjectNode } from '../../server/src/engine/bicep/ast';
import { parseBicep, parseBicepParam } from '../../server/src/engine/bicep/parser';

/** A seeded generator of numbers in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

interface Splice { readonly start: number; readonly end: number; readonly text: string }

function splice(text: string, s: Splice): string {
  return text.slice(0, s.start) + s.text + text.slice(s.end);
}

/** Allow-list entries the rules have something to say about: repeats, case, URLs, wildcards, a trailing dot. */
const HOSTS = ['a.contoso.com', 'A.contoso.com', 'https://a.contoso.com/x', 'https://b.contoso.com', '*.contoso.com', 'b.contoso.com.', 'c.contoso.com'];

function someHosts(random: () => number): string[] {
  return Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(random, HOSTS));
}

/** A string as a URL with a path, or as a wildcard under it. */
function urlOrWildcard(random: () => number, value: string): string {
  return random() < 0.5 ? `https://${value}/path` : `*.${value.replace(/^\*\./, '')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// ARM

const AI_TYPE = 'microsoft.cognitiveservices/accounts';

/** Applies `count` mutations to an ARM template; a text that does not parse cleanly is returned as it is. */
export function mutateArm(text: string, random: () => number, count: number): string {
  let current = text;
  for (let k = 0; k < count; k++) {
    const errors: ParseError[] = [];
    const root = parseTree(current, errors, { allowTrailingComma: true });
    if (!root || errors.length) return current;
    const nodes = armCandidates(root);
    if (!nodes.length) return current;
    // Allow-lists are where most fixes are: one mutation in three goes there.
    const lists = nodes.filter((n) => /^(properties|allowedfqdnlist)$/i.test(String(n.parent?.children?.[0]?.value)));
    const node = lists.length && random() < 0.35 ? pick(random, lists) : pick(random, nodes);
    current = mutateArmNode(current, node, random, `mutant${k}${Math.floor(random() * 1000)}`);
  }
  return current;
}

/** Value nodes inside AI accounts (the account objects themselves included). */
function armCandidates(root: JsonNode): JsonNode[] {
  const out: JsonNode[] = [];
  const stack: { node: JsonNode; inside: boolean }[] = [{ node: root, inside: false }];
  while (stack.length) {
    const { node, inside } = stack.pop()!;
    const isAccount = node.type === 'object' && (node.children ?? []).some((p) => p.children?.[0]?.value === 'type' && String(p.children?.[1]?.value).toLowerCase() === AI_TYPE);
    const within = inside || isAccount;
    if (within && node.type !== 'property') out.push(node);
    for (const child of node.children ?? []) stack.push({ node: child.type === 'property' ? child.children?.[1] ?? child : child, inside: within });
  }
  return out.filter((n) => n.type !== 'property');
}

function mutateArmNode(text: string, node: JsonNode, random: () => number, name: string): string {
  const parent = node.parent;
  const ops: (() => string | undefined)[] = [];
  if (parent?.type === 'array') {
    const items = parent.children!;
    const i = items.indexOf(node);
    ops.push(() => splice(text, i < items.length - 1
      ? { start: node.offset, end: items[i + 1].offset, text: '' }
      : i > 0 ? { start: items[i - 1].offset + items[i - 1].length, end: node.offset + node.length, text: '' } : { start: node.offset, end: node.offset + node.length, text: '' }));
    ops.push(() => splice(text, { start: node.offset + node.length, end: node.offset + node.length, text: `, ${text.slice(node.offset, node.offset + node.length)}` }));
  }
  if (node.type === 'boolean') ops.push(() => splice(text, { start: node.offset, end: node.offset + node.length, text: String(!node.value) }));
  // An account's allow-list gets entries.
  if (node.type === 'array' && String(parent?.children?.[0]?.value).toLowerCase() === 'allowedfqdnlist') {
    const hosts = someHosts(random).map((h) => JSON.stringify(h)).join(', ');
    ops.push(() => splice(text, { start: node.offset + 1, end: node.offset + 1, text: node.children?.length ? `${hosts}, ` : hosts }));
  }
  if (node.type === 'object' && String(parent?.children?.[0]?.value).toLowerCase() === 'properties' && !node.children?.some((p) => String(p.children?.[0]?.value).toLowerCase() === 'allowedfqdnlist')) {
    const hosts = someHosts(random).map((h) => JSON.stringify(h)).join(', ');
    ops.push(() => splice(text, { start: node.offset + 1, end: node.offset + 1, text: `"allowedFqdnList": [${hosts}]${node.children?.length ? ', ' : ''}` }));
  }
  if (node.type === 'string' && !String(node.value).startsWith('[')) {
    ops.push(() => splice(text, { start: node.offset, end: node.offset + node.length, text: JSON.stringify(urlOrWildcard(random, String(node.value))) }));
  }
  // A value of the root template moves into a parameter's default or a variable.
  const path = getNodePath(node);
  if (parent?.type === 'property' || parent?.type === 'array') {
    if (node.type !== 'null' && !path.some((p) => typeof p === 'string' && p.toLowerCase() === 'template')) {
      ops.push(() => wrapArm(text, node, random() < 0.5 ? 'parameters' : 'variables', name));
    }
  }
  return (ops.length ? pick(random, ops)() : undefined) ?? text;
}

function wrapArm(text: string, node: JsonNode, section: 'parameters' | 'variables', name: string): string | undefined {
  const value = getNodeValue(node) as unknown;
  const type = typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? 'int' : typeof value === 'string' ? 'string' : Array.isArray(value) ? 'array' : 'object';
  const replaced = splice(text, { start: node.offset, end: node.offset + node.length, text: JSON.stringify(`[${section}('${name}')]`) });
  const declaration = section === 'parameters' ? { type, defaultValue: value } : value;
  const edits = modify(replaced, [section, name], declaration, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  return edits.reduceRight((t, e) => splice(t, { start: e.offset, end: e.offset + e.length, text: e.content }), replaced);
}

// ---------------------------------------------------------------------------------------------------------------
// Bicep

/** Applies `count` mutations to a Bicep or .bicepparam file. */
export function mutateBicep(text: string, random: () => number, count: number, kind: 'bicep' | 'bicepparam'): string {
  let current = text;
  for (let k = 0; k < count; k++) {
    const { program, diagnostics } = kind === 'bicep' ? parseBicep(current) : parseBicepParam(current);
    if (diagnostics.some((d) => d.severity === 'error')) return current;
    const roots: Expression[] = [];
    for (const d of program.declarations) {
      if (d.kind === 'resource' && d.typeString?.toLowerCase().startsWith(`${AI_TYPE}@`) && d.body) roots.push(d.body);
      else if (d.kind === 'module' && d.body) roots.push(d.body);
      else if (d.kind === 'paramAssignment') roots.push(d.value);
    }
    const nodes = bicepCandidates(roots);
    if (!nodes.length) return current;
    const lists = nodes.filter((c) => c.holder && /^(properties|allowedfqdnlist|allowedhosts)$/i.test(c.holder.properties.find((p) => p.value === c.node)?.keyName ?? ''));
    const { node, array, holder } = lists.length && random() < 0.35 ? pick(random, lists) : pick(random, nodes);
    current = mutateBicepNode(current, node, array, holder, random, `mutant${k}${Math.floor(random() * 1000)}`, kind) ?? current;
  }
  return current;
}

interface BicepCandidate {
  readonly node: Expression;
  /** The array holding it as an item. */
  readonly array?: ArrayNode;
  /** The object holding it as a member's value. */
  readonly holder?: ObjectNode;
}

function bicepCandidates(roots: readonly Expression[]): BicepCandidate[] {
  const out: BicepCandidate[] = [];
  const stack: BicepCandidate[] = roots.map((node) => ({ node }));
  while (stack.length) {
    const c = stack.pop()!;
    out.push(c);
    if (c.node.kind === 'object') for (const p of c.node.properties) stack.push({ node: p.value, holder: c.node });
    if (c.node.kind === 'array') for (const item of c.node.items) if (item.kind !== 'spread') stack.push({ node: item, array: c.node });
  }
  return out;
}

function mutateBicepNode(text: string, node: Expression, array: ArrayNode | undefined, holder: ObjectNode | undefined,
  random: () => number, name: string, kind: 'bicep' | 'bicepparam'): string | undefined {
  const ops: (() => string | undefined)[] = [];
  const own = text.slice(node.start, node.end);
  if (array) {
    const items = array.items;
    const i = items.indexOf(node);
    const lineBreak = array.multiline && !array.commaSeparated;
    ops.push(() => {
      if (lineBreak) {
        const lineStart = text.lastIndexOf('\n', node.start) + 1;
        const next = text.indexOf('\n', node.end);
        return splice(text, { start: lineStart, end: next < 0 ? text.length : next + 1, text: '' });
      }
      return splice(text, i < items.length - 1 ? { start: node.start, end: items[i + 1].start, text: '' }
        : i > 0 ? { start: items[i - 1].end, end: node.end, text: '' } : { start: node.start, end: node.end, text: '' });
    });
    ops.push(() => {
      if (!lineBreak) return splice(text, { start: node.end, end: node.end, text: `, ${own}` });
      const indent = /[ \t]*$/.exec(text.slice(0, node.start))![0];
      return splice(text, { start: node.end, end: node.end, text: `\n${indent}${own}` });
    });
  }
  if (node.kind === 'boolean') ops.push(() => splice(text, { start: node.start, end: node.end, text: String(!node.value) }));
  // An allow-list gets entries.
  const key = holder?.properties.find((p) => p.value === node)?.keyName?.toLowerCase();
  if (node.kind === 'array' && (key === 'allowedfqdnlist' || key === 'allowedhosts')) {
    const hosts = someHosts(random).map((h) => `'${h}'`);
    ops.push(() => splice(text, node.multiline && !node.commaSeparated
      ? { start: node.start + 1, end: node.start + 1, text: hosts.map((h) => `\n${h}`).join('') }
      : { start: node.start + 1, end: node.start + 1, text: node.items.length ? `${hosts.join(', ')}, ` : hosts.join(', ') }));
  }
  if (node.kind === 'object' && key === 'properties' && !node.properties.some((p) => p.keyName?.toLowerCase() === 'allowedfqdnlist')) {
    ops.push(() => splice(text, node.multiline
      ? { start: node.start + 1, end: node.start + 1, text: `\n    allowedFqdnList: [\n${someHosts(random).map((h) => `      '${h}'`).join('\n')}\n    ]` }
      : { start: node.start + 1, end: node.start + 1, text: ` allowedFqdnList: [${someHosts(random).map((h) => `'${h}'`).join(', ')}]${node.properties.length ? ',' : ''}` }));
  }
  if (node.kind === 'string' && node.value !== undefined && !node.multiline) {
    ops.push(() => splice(text, { start: node.start, end: node.end, text: `'${urlOrWildcard(random, node.value!).replace(/'/g, "\\'")}'` }));
  }
  if ((holder || array) && kind === 'bicep' && node.kind !== 'null') {
    ops.push(() => {
      const type = node.kind === 'boolean' ? 'bool' : node.kind === 'number' ? 'int' : node.kind === 'string' ? 'string' : node.kind === 'array' ? 'array' : node.kind === 'object' ? 'object' : undefined;
      const declaration = type && random() < 0.5 ? `param ${name} ${type} = ${own}` : `var ${name} = ${own}`;
      return `${splice(text, { start: node.start, end: node.end, text: name })}\n${declaration}\n`;
    });
  }
  return ops.length ? pick(random, ops)() : undefined;
}

/** Breaks the syntax once: a closing bracket dropped, or an opening one added, at a seeded place. */
export function breakSyntax(text: string, random: () => number): string {
  const closers: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === '}' || text[i] === ']') closers.push(i);
  if (closers.length && random() < 0.5) {
    const at = pick(random, closers);
    return text.slice(0, at) + text.slice(at + 1);
  }
  const at = Math.floor(random() * text.length);
  return `${text.slice(0, at)}${random() < 0.5 ? '{' : '['}${text.slice(at)}`;
}
