// ARM parameter files: which ones belong to a template, and their values as model nodes.
// A parameter file belongs to `<name>.json` when it is `<name>.parameters.json` or
// `<name>.parameters.<env>.json` beside it, when its `metadata.template` names the template,
// or when the config's `parameterFiles` lists it for the template.

import { findNodeAtLocation, getNodeValue, type Node as JsonNode } from 'jsonc-parser';
import { parseJsonTree } from '../limits';
import type { Value } from '../expressions/value';
import type { Loc, ParameterFile, SourceFile, ValueNode } from '../model';

export type { ParameterFile };

/** A parameter file: a deploymentParameters `$schema`, or top-level `parameters` and `contentVersion` without `resources`. */
export function isParameterFile(root: JsonNode | undefined): boolean {
  if (!root || root.type !== 'object') return false;
  const schema = findNodeAtLocation(root, ['$schema']);
  if (schema?.type === 'string' && /deploymentparameters\.json#?$/i.test(String(schema.value))) return true;
  return !!findNodeAtLocation(root, ['parameters']) && !!findNodeAtLocation(root, ['contentVersion']) && !findNodeAtLocation(root, ['resources']);
}

/** Names of sibling files that are parameter files of `templateName` by naming convention. */
export function conventionalNames(templateName: string, siblings: readonly string[]): string[] {
  const base = templateName.replace(/\.jsonc?$/i, '');
  const lower = base.toLowerCase();
  return siblings.filter((s) => {
    const l = s.toLowerCase();
    return l === `${lower}.parameters.json` || (l.startsWith(`${lower}.parameters.`) && l.endsWith('.json') && l.split('.').length === lower.split('.').length + 3);
  }).sort();
}

/** `metadata.template` of a parameter file, when it names a template. */
export function templateNamedBy(root: JsonNode | undefined): string | undefined {
  const node = root && findNodeAtLocation(root, ['metadata', 'template']);
  return node?.type === 'string' ? String(node.value) : undefined;
}

export function readParameterFile(file: SourceFile, root?: JsonNode): ParameterFile | undefined {
  root ??= parseJsonTree(file.text).root;
  if (!isParameterFile(root)) return undefined;
  const values = new Map<string, ValueNode>();
  const parameters = findNodeAtLocation(root!, ['parameters']);
  for (const prop of parameters?.type === 'object' ? parameters.children ?? [] : []) {
    const [key, entry] = prop.children ?? [];
    if (!key || entry?.type !== 'object') continue;
    const value = findNodeAtLocation(entry, ['value']);
    // A Key Vault reference is resolved at deployment: it stays unknown.
    if (value) values.set(String(key.value), literalNode(file, value, { file, start: key.offset, end: key.offset + key.length }));
  }
  return { name: file.uri.slice(file.uri.lastIndexOf('/') + 1), uri: file.uri, values };
}

/** Values in parameter files are plain JSON: nothing in them is an expression. */
function literalNode(file: SourceFile, json: JsonNode, keyLoc?: Loc): ValueNode {
  return {
    get value() { return getNodeValue(json) as Value; },
    loc: { file, start: json.offset, end: json.offset + json.length },
    keyLoc,
    literal: true,
    member(name) {
      const prop = json.type === 'object' ? json.children?.find((p) => String(p.children?.[0]?.value).toLowerCase() === name.toLowerCase()) : undefined;
      const [key, value] = prop?.children ?? [];
      return key && value ? literalNode(file, value, { file, start: key.offset, end: key.offset + key.length }) : undefined;
    },
    items() {
      return json.type === 'array' ? (json.children ?? []).map((c) => literalNode(file, c)) : undefined;
    },
  };
}
