// Reads what is deployed: the JSON that `az graph query -q "resources | where type =~
// 'microsoft.cognitiveservices/accounts'" -o json` prints (a plain array, `{ "data": [...] }`, or
// `{ "count", "data", "skip_token", "total_records" }`), `az cognitiveservices account list -o json` (an array)
// and `az resource show` / `az cognitiveservices account show` (one object). Each account becomes an account
// resource of a deployment graph, located at its entry, so the same rules run on it. Values are data, never
// template expressions, and nothing in the file is editable: a deployed account is changed in Azure.
//
// Exports can hold tens of thousands of accounts, so no syntax tree is built: values come from a plain parse,
// and a location is found by scanning the entry's text only when a finding asks for it.

import { parse, type ParseError } from 'jsonc-parser';
import { getProperty, isObject, type Value, type ValueObject } from '../expressions/value';
import type { AiResource, DeployedIdentity, Loc, Origin, SourceFile, ValueNode } from '../model';
import { DeploymentGraph } from '../graph/graph';
import type { CloudName } from '../expressions/environment';
import { jsonDepthExceeded } from '../limits';
import { valueSpan, rowSpans, type Span } from './scan';

export const DEPLOYED_ACCOUNT_TYPE = 'Microsoft.CognitiveServices/accounts';

/** Which command printed the file, as far as its shape tells. */
export type ExportShape = 'resource-graph' | 'array' | 'single';

export interface DeployedExport {
  readonly shape: ExportShape;
  /** The rows (resources) of the export, accounts and others, as plain values. */
  readonly rows: readonly Value[];
  /** Resource Graph's `skip_token`: set when the export is one page of a longer result. */
  readonly skipToken?: string;
  /** A top-level `exportedAt` of a Resource Graph object (none of `az`'s: one a script adds), as written. */
  readonly exportedAt?: string;
  /** The first syntax error, and how many there are, when the file is not valid JSON. */
  readonly errors: readonly ParseError[];
}

const RESOURCE_ID = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)/i;

/** A row of an export: an object with an ARM resource id and a type (what every `az` resource output has). */
function isResourceRow(v: Value | undefined): boolean {
  if (!isObject(v)) return false;
  const id = getProperty(v, 'id');
  const type = getProperty(v, 'type');
  return typeof id === 'string' && RESOURCE_ID.test(id) && typeof type === 'string' && type.includes('/');
}

function isAccountRow(v: Value): v is ValueObject {
  const type = isObject(v) ? getProperty(v, 'type') : undefined;
  return typeof type === 'string' && type.toLowerCase() === DEPLOYED_ACCOUNT_TYPE.toLowerCase();
}

/** Exports of what is deployed may be larger than any template (tens of thousands of accounts). */
export const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

/** Cheap test before any parse (of the start of a file): every export has a resource id near its start; most JSON has none. */
export function mayBeExport(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*[[{]/.test(head) && /"\/subscriptions\//i.test(head);
}

/**
 * The export a JSON text is, by content; undefined for templates, parameter files and other JSON. An array
 * counts when its first element is a resource row (the rest may be cut off in a broken file); an object when
 * it is a row itself, or holds `data` rows (an empty `data` counts only beside Resource Graph's `count`).
 */
export function deployedExportOf(text: string): DeployedExport | undefined {
  if (!mayBeExport(text) && !/^\s*\{\s*"count"\s*:\s*0\s*,/.test(text)) return undefined;
  let root: Value;
  const errors: ParseError[] = [];
  try {
    root = JSON.parse(text) as Value;
  } catch {
    // Not valid JSON: read what can be read, unless it is nested deeper than the limit (the tolerant parser
    // recurses; no `az` command prints such data, and the template reader reports the limit).
    if (jsonDepthExceeded(text) !== undefined) return undefined;
    root = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as Value;
  }
  if (Array.isArray(root)) return isResourceRow(root[0]) ? { shape: 'array', rows: root, errors } : undefined;
  if (!isObject(root)) return undefined;
  // A template, or a parameter file, is never an export, whatever ids it holds.
  if (getProperty(root, '$schema') !== undefined || getProperty(root, 'resources') !== undefined) return undefined;
  if (isResourceRow(root)) return { shape: 'single', rows: [root], errors };
  const data = getProperty(root, 'data');
  if (!Array.isArray(data)) return undefined;
  if (data.length ? !isResourceRow(data[0]) : typeof getProperty(root, 'count') !== 'number') return undefined;
  const skip = getProperty(root, 'skip_token') ?? getProperty(root, 'skipToken') ?? getProperty(root, '$skipToken');
  const exportedAt = getProperty(root, 'exportedAt');
  return { shape: 'resource-graph', rows: data, errors, ...(typeof skip === 'string' && skip ? { skipToken: skip } : {}), ...(typeof exportedAt === 'string' ? { exportedAt } : {}) };
}

export interface DeployedReadOptions {
  readonly cloud?: CloudName;
}

/** The deployment graph of an export: one account resource per account row (other rows are not read). */
export function readDeployed(file: SourceFile, exported: DeployedExport, options: DeployedReadOptions = {}): DeploymentGraph {
  const graph = new DeploymentGraph(options.cloud);
  const spans = exported.shape === 'single' ? [{ start: file.text.search(/\S/), end: file.text.length }] : rowSpans(file.text, exported.shape === 'resource-graph' ? 'data' : undefined);
  exported.rows.forEach((row, index) => {
    const span = spans[index];
    if (!isAccountRow(row) || !span) return;
    graph.addAccount(new ExportedAccount(file, row, span, index));
  });
  return graph;
}

const NO_PATH: readonly string[] = [];
const NO_SUPPRESSIONS: ReadonlyMap<string, string> = new Map();
const CONTEXT = { deploymentPath: NO_PATH };

/**
 * A deployed account: an object of a class (tens of thousands of them stay alive through the analysis; an object
 * literal with a getter is a dictionary, ~800 bytes more each), its nodes made from the row when asked.
 */
class ExportedAccount implements AiResource {
  readonly type = DEPLOYED_ACCOUNT_TYPE;
  readonly existing = false;
  readonly deploymentPath = NO_PATH;
  readonly suppressions = NO_SUPPRESSIONS;
  readonly context = CONTEXT;
  readonly name: string;
  readonly deployed: DeployedIdentity;
  private located: Loc | undefined;

  constructor(readonly file: SourceFile, private readonly row: ValueObject, private readonly span: Span, private readonly index: number) {
    const id = getProperty(row, 'id');
    const resourceId = typeof id === 'string' ? id : undefined;
    const match = resourceId ? RESOURCE_ID.exec(resourceId) : undefined;
    const name = memberOf(row, 'name');
    this.name = typeof name === 'string' ? name : match?.[4] ?? '(unnamed)';
    const column = (key: string) => {
      const v = getProperty(row, key);
      return typeof v === 'string' && v ? v : undefined;
    };
    this.deployed = {
      resourceId: resourceId ?? `(entry ${index + 1} has no id)`,
      ...(optional('subscriptionId', match?.[1] ?? column('subscriptionId'))),
      ...(optional('resourceGroup', match?.[2] ?? column('resourceGroup'))),
      ...(optional('location', column('location'))),
    };
  }

  get id(): string { return `deployed#${this.index}`; }
  get declaration(): ValueNode { return new DataNode(this.file, this.row, this.span, NO_PATH); }
  get nameNode(): ValueNode | undefined { return this.declaration.member('name'); }
  get kind(): ValueNode | undefined { return this.declaration.member('kind'); }
  get properties(): ValueNode | undefined { return this.declaration.member('properties'); }
  get tags(): ValueNode | undefined { return this.declaration.member('tags'); }

  /** Findings about a setting that is absent point at the entry's id (else name, else its opening brace). */
  get typeLoc(): Loc {
    if (!this.located) {
      const declaration = this.declaration;
      const anchor = declaration.member('id') ?? declaration.member('name');
      this.located = anchor?.loc ?? { file: this.file, start: this.span.start, end: this.span.start + 1 };
    }
    return this.located;
  }
}

/** A member of a row as DataNode.member reads it (any case; `null` is absent). */
function memberOf(row: ValueObject, name: string): Value | undefined {
  const key = keyOf(row, name);
  return key === undefined ? undefined : row[key] ?? undefined;
}

function keyOf(value: ValueObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(value, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(value).find((k) => k.toLowerCase() === lower);
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? { [key]: value } as Record<K, string> : {};
}

/**
 * A value of the export: plain JSON (a string that looks like `[expr]` is just a string), not editable; located
 * on first ask by scanning its entry's text along its path. `null` (what `az` prints for a setting never set)
 * reads as absent.
 */
class DataNode implements ValueNode {
  readonly literal = false;
  readonly origin?: Origin = undefined;
  private located: Loc | undefined;

  constructor(private readonly file: SourceFile, readonly value: Value, private readonly row: Span, private readonly path: readonly (string | number)[]) {}

  get loc(): Loc {
    if (!this.located) {
      const span = valueSpan(this.file.text, this.row, this.path) ?? { start: this.row.start, end: this.row.start + 1 };
      this.located = { file: this.file, ...span };
    }
    return this.located;
  }

  member(name: string): ValueNode | undefined {
    if (!isObject(this.value)) return undefined;
    const key = keyOf(this.value, name);
    const v = key === undefined ? undefined : this.value[key];
    return key === undefined || v === null || v === undefined ? undefined : new DataNode(this.file, v, this.row, [...this.path, key]);
  }

  items(): readonly ValueNode[] | undefined {
    return Array.isArray(this.value) ? this.value.map((v, i) => new DataNode(this.file, v, this.row, [...this.path, i])) : undefined;
  }
}
