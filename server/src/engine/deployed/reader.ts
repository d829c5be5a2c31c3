// Reads what is deployed: the JSON that `az graph query -q "resources | where type =~
// 'microsoft.cognitiveservices/accounts'" -o json` prints (a plain array, `{ "data": [...] }`, or
// `{ "count", "data", "skip_token", "total_records" }`), `az cognitiveservices account list -o json` (an array)
// and `az resource show` / `az cognitiveservices account show` (one object). Each account becomes an account
// resource of a deployment graph, located at its entry, so the same rules run on it. Values are data, never
// template expressions, and nothing in the file is editable: a deployed account is changed in Azure.

import { getNodeValue, type Node as JsonNode } from 'jsonc-parser';
import type { Value } from '../expressions/value';
import { LazyValueNode } from '../nodes';
import type { AiResource, DeployedIdentity, Loc, SourceFile, ValueNode } from '../model';
import { DeploymentGraph } from '../graph/graph';
import type { CloudName } from '../expressions/environment';

export const DEPLOYED_ACCOUNT_TYPE = 'Microsoft.CognitiveServices/accounts';

/** Which command printed the file, as far as its shape tells. */
export type ExportShape = 'resource-graph' | 'array' | 'single';

export interface DeployedExport {
  readonly shape: ExportShape;
  /** The rows (resources) of the export, accounts and others. */
  readonly rows: readonly JsonNode[];
  /** Resource Graph's `skip_token`: set when the export is one page of a longer result. */
  readonly skipToken?: string;
}

const RESOURCE_ID = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)/i;

/** A row of an export: an object with an ARM resource id and a type (what every `az` resource output has). */
function isResourceRow(node: JsonNode | undefined): boolean {
  if (node?.type !== 'object') return false;
  const id = member(node, 'id');
  const type = member(node, 'type');
  return id?.type === 'string' && RESOURCE_ID.test(String(id.value)) && type?.type === 'string' && String(type.value).includes('/');
}

function isAccountRow(node: JsonNode): boolean {
  const type = member(node, 'type');
  return node.type === 'object' && type?.type === 'string' && String(type.value).toLowerCase() === DEPLOYED_ACCOUNT_TYPE.toLowerCase();
}

/**
 * The export a JSON root is, by content; undefined for templates, parameter files and other JSON. An array
 * counts when its first element is a resource row (the rest may be cut off in a broken file); an object when
 * it is a row itself, or holds `data` rows (an empty `data` counts only beside Resource Graph's `count`).
 */
export function deployedExportOf(root: JsonNode | undefined): DeployedExport | undefined {
  if (!root) return undefined;
  if (root.type === 'array') {
    const rows = root.children ?? [];
    return isResourceRow(rows[0]) ? { shape: 'array', rows } : undefined;
  }
  if (root.type !== 'object') return undefined;
  if (isResourceRow(root)) return { shape: 'single', rows: [root] };
  const data = member(root, 'data');
  if (data?.type !== 'array') return undefined;
  const rows = data.children ?? [];
  const count = member(root, 'count');
  if (rows.length ? !isResourceRow(rows[0]) : count?.type !== 'number') return undefined;
  const skip = member(root, 'skip_token') ?? member(root, 'skipToken') ?? member(root, '$skipToken');
  return { shape: 'resource-graph', rows, ...(skip?.type === 'string' && skip.value ? { skipToken: String(skip.value) } : {}) };
}

export interface DeployedReadOptions {
  readonly cloud?: CloudName;
}

/** The deployment graph of an export: one account resource per account row (other rows are not read). */
export function readDeployed(file: SourceFile, exported: DeployedExport, options: DeployedReadOptions = {}): DeploymentGraph {
  const graph = new DeploymentGraph(options.cloud);
  exported.rows.forEach((row, index) => {
    if (row.type !== 'object' || !isAccountRow(row)) return;
    graph.addAccount(accountOf(file, row, index));
  });
  return graph;
}

function accountOf(file: SourceFile, row: JsonNode, index: number): AiResource {
  const declaration = new DataNode(file, row);
  const idNode = member(row, 'id');
  const nameNode = declaration.member('name');
  const resourceId = idNode?.type === 'string' ? String(idNode.value) : undefined;
  const match = resourceId ? RESOURCE_ID.exec(resourceId) : undefined;
  const name = typeof nameNode?.value === 'string' ? nameNode.value : match?.[4] ?? '(unnamed)';
  const column = (key: string) => {
    const v = member(row, key);
    return v?.type === 'string' && v.value ? String(v.value) : undefined;
  };
  const deployed: DeployedIdentity = {
    resourceId: resourceId ?? `(entry ${index + 1} has no id)`,
    ...(optional('subscriptionId', match?.[1] ?? column('subscriptionId'))),
    ...(optional('resourceGroup', match?.[2] ?? column('resourceGroup'))),
    ...(optional('location', column('location'))),
  };
  // Findings about a setting that is absent point at the entry's id (else name, else its opening brace).
  const anchor = idNode ?? member(row, 'name');
  const typeLoc: Loc = anchor ? locOf(file, anchor) : { file, start: row.offset, end: row.offset + 1 };
  const resource: AiResource = {
    id: `deployed#${index}`,
    type: DEPLOYED_ACCOUNT_TYPE,
    file,
    typeLoc,
    declaration,
    existing: false,
    deploymentPath: [],
    nameNode,
    name,
    kind: declaration.member('kind'),
    properties: declaration.member('properties'),
    tags: declaration.member('tags'),
    suppressions: new Map(),
    context: { deploymentPath: [] },
    deployed,
  };
  return resource;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? { [key]: value } as Record<K, string> : {};
}

function locOf(file: SourceFile, node: JsonNode): Loc {
  return { file, start: node.offset, end: node.offset + node.length };
}

/** A member by name: exact spelling first, else case-insensitively (Azure property names are). */
function member(node: JsonNode, name: string): JsonNode | undefined {
  if (node.type !== 'object') return undefined;
  let fallback: JsonNode | undefined;
  const lower = name.toLowerCase();
  for (const pair of node.children ?? []) {
    const key = pair.children?.[0]?.value;
    const value = pair.children?.[1];
    if (typeof key !== 'string' || !value) continue;
    if (key === name) return value;
    if (!fallback && key.toLowerCase() === lower) fallback = value;
  }
  return fallback;
}

/**
 * A value of the export: plain JSON (a string that looks like `[expr]` is just a string), located where it is
 * written, not editable. `null` (what `az` prints for a setting never set) reads as absent.
 */
class DataNode extends LazyValueNode {
  constructor(private readonly file: SourceFile, private readonly json: JsonNode, readonly keyLoc?: Loc) {
    super();
  }

  get loc(): Loc { return locOf(this.file, this.json); }
  get literal(): boolean { return false; }

  protected computeValue(): Value {
    return getNodeValue(this.json) as Value;
  }

  protected findOrigin(): undefined {
    return undefined;
  }

  member(name: string): ValueNode | undefined {
    const value = member(this.json, name);
    if (!value || value.type === 'null') return undefined;
    const key = value.parent?.children?.[0];
    return new DataNode(this.file, value, key ? locOf(this.file, key) : undefined);
  }

  items(): readonly ValueNode[] | undefined {
    return this.json.type === 'array' ? (this.json.children ?? []).map((child) => new DataNode(this.file, child)) : undefined;
  }
}
