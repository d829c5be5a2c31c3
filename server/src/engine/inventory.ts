// The AI account instances one evaluated deployment (a template, with a parameter file or not) deploys: one per
// declaration reached through each module call, nested deployment and known loop iteration. The workspace audit
// (workspace/inventory.ts) decides which runs are entry points and assembles the inventory.

import type { CallStep, DeployedInstance, InstanceEgress, InstanceFinding, Restriction } from '../../../shared/inventory';
import { allowListNode, type EgressSummary } from './egress/egress';
import { isUnknown, type Value } from './expressions/value';
import type { DeploymentGraph, DeploymentStep } from './graph/graph';
import type { AiResource, Loc, ParameterFile, ValueNode } from './model';
import { accountNetwork, shown } from './network';
import { positionAt } from './text';
import type { Finding } from './analyze';

/** Instances one run may count; past it the run is marked truncated (loops and fan-outs can multiply without end). */
export const MAX_INSTANCES_PER_RUN = 10_000;

/**
 * The instances of one run. Its places hold file URIs, and ids only the part after the entry point (`#calls/name`):
 * the workspace makes both relative to the audited folder (`workspace/inventory.ts`).
 */
export interface RunInventory {
  /** The template evaluated. */
  readonly template: string;
  readonly parameterFile?: { readonly name: string; readonly uri?: string };
  /** Templates in other files the run calls (modules, linked templates): these are not entry points. */
  readonly calls: readonly string[];
  /** For a template compiled from Bicep: its Bicep source, which deploys the same when it is audited too. */
  readonly generatedFrom?: string;
  readonly instances: readonly DeployedInstance[];
  readonly truncated?: true;
}

export interface RunInput {
  readonly templateUri: string;
  readonly graph: DeploymentGraph;
  readonly parameterFile?: ParameterFile;
  /** The run's findings, suppressed ones included, and the account each is about. */
  readonly findings: readonly Finding[];
  readonly subjectOf: (finding: Finding) => AiResource | undefined;
  readonly ownerTagNames: readonly string[];
  /** The egress map of an account, when it is asked for (`AnalyzeOptions.egress`). */
  readonly egress?: (account: AiResource) => EgressSummary;
  /** The run is known to be no entry point (its template is called elsewhere): list its calls, not its instances. */
  readonly callsOnly?: boolean;
}

export function runInventory(input: RunInput): RunInventory {
  const { graph, parameterFile } = input;
  const steps = graph.deployments;
  const byPath = new Map(steps.map((s) => [key(s.path), s]));
  const aliases = new Map<string, DeploymentStep[]>();
  for (const s of steps) {
    if (!s.sameAs) continue;
    const list = aliases.get(key(s.sameAs));
    if (list) list.push(s); else aliases.set(key(s.sameAs), [s]);
  }
  const along = (path: readonly string[]): DeploymentStep[] => {
    const out: DeploymentStep[] = [];
    for (let i = 1; i <= path.length; i++) {
      const step = byPath.get(key(path.slice(0, i)));
      if (step) out.push(step);
    }
    return out;
  };
  const findingsOf = new Map<AiResource, Finding[]>();
  for (const f of input.callsOnly ? [] : input.findings) {
    const subject = input.subjectOf(f);
    if (!subject) continue;
    const list = findingsOf.get(subject);
    if (list) list.push(f); else findingsOf.set(subject, [f]);
  }
  const instances: DeployedInstance[] = [];
  let truncated = false;
  let generatedFrom: string | undefined;
  for (const account of graph.accounts) {
    if (account.condition?.value === false) continue;
    if (account.file.uri === input.templateUri) generatedFrom ??= account.context.generatedFrom?.sourceUri;
    if (input.callsOnly) continue;
    const egress = input.egress && instanceEgress(input.egress(account));
    const base = { ...describe(account, graph, input.ownerTagNames, input.parameterFile, findingsOf.get(account) ?? []), ...(egress ? { egress } : {}) };
    // Every chain of calls that reaches the declaration: the one read, and those of calls with the same values (`sameAs`).
    const chains = [along(account.deploymentPath)];
    const seen = new Set([chainKey(chains[0])]);
    for (let i = 0; i < chains.length && chains.length < MAX_INSTANCES_PER_RUN; i++) {
      const chain = chains[i];
      for (let k = 1; k <= chain.length; k++) {
        for (const alias of aliases.get(key(chain[k - 1].path)) ?? []) {
          const next = [...along(alias.path), ...chain.slice(k)];
          const id = chainKey(next);
          if (!seen.has(id)) { seen.add(id); chains.push(next); }
        }
      }
    }
    for (const chain of chains) {
      for (const copy of iterations(chain, account)) {
        if (instances.length >= MAX_INSTANCES_PER_RUN) { truncated = true; break; }
        const callSteps: CallStep[] = chain.map((s, i) => ({ name: `${s.name}${copy.indexes[i] ?? ''}`, ...place(s.loc) }));
        // The symbolic name, else the name when known, else the declaration's place in the template.
        const own = base.symbolicName ?? (typeof graph.fullName(account) === 'string' ? base.name : account.id.slice(account.id.lastIndexOf('#') + 1));
        // By the calls' paths, not their names: two calls named alike (in two resource groups) are two instances.
        const calls = chain.map((s, i) => `${s.path[s.path.length - 1]}${copy.indexes[i] ?? ''}`);
        // Object.assign, not `{ ...base, more }`: V8 gives every object such a literal makes a hidden class of its own.
        instances.push(Object.assign({}, base, {
          entryPoint: input.templateUri,
          ...(parameterFile?.uri ? { parameterFile: parameterFile.uri } : {}),
          id: `#${[...calls, `${own}${copy.indexes[chain.length] ?? ''}`].join('/')}`,
          chain: callSteps,
          ...(copy.unknown ? { loopCountUnknown: true } : {}),
        }));
      }
    }
  }
  const calls = [...new Set(steps.map((s) => s.target).filter((t): t is string => !!t && t !== input.templateUri))];
  return {
    template: input.templateUri,
    ...(parameterFile ? { parameterFile: { name: parameterFile.name, ...(parameterFile.uri ? { uri: parameterFile.uri } : {}) } } : {}),
    calls,
    ...(generatedFrom ? { generatedFrom } : {}),
    instances,
    ...(truncated ? { truncated: true } : {}),
  };
}

/** What is the same for every instance of an account declaration in a run. */
function describe(account: AiResource, graph: DeploymentGraph, ownerTagNames: readonly string[], parameterFile: ParameterFile | undefined, findings: readonly Finding[]): Omit<DeployedInstance, 'id' | 'chain' | 'entryPoint' | 'parameterFile'> {
  const named = shown(graph.fullName(account));
  return {
    name: named ?? account.name,
    ...(account.symbolicName ? { symbolicName: account.symbolicName } : {}),
    ...accountSettings(account, ownerTagNames),
    declaration: place(account.typeLoc),
    ...(account.condition && account.condition.value !== true ? { conditional: true } : {}),
    network: accountNetwork(account, graph, place),
    findings: findings.map((f) => instanceFinding(f, parameterFile)),
  };
}

/** An account's egress settings as evaluated, as the inventory shows them; the account records (records.ts) hold the same. */
export function accountSettings(account: AiResource, ownerTagNames: readonly string[]): Pick<DeployedInstance, 'kind' | 'restricted' | 'allowedFqdns' | 'publicNetworkAccess' | 'owner'> {
  const properties = account.properties;
  const kind = account.kind?.value;
  const allowList = allowListNode(account);
  const publicAccess = properties?.member('publicNetworkAccess')?.value;
  const owner = ownerOf(account.tags, ownerTagNames);
  return {
    ...(kind === undefined || kind === null ? {} : { kind: typeof kind === 'string' ? kind : 'unknown' }),
    restricted: restrictionOf(account),
    ...(allowList ? { allowedFqdns: allowedFqdns(allowList) } : {}),
    ...(publicAccess === undefined || publicAccess === null ? {} : { publicNetworkAccess: typeof publicAccess === 'string' ? publicAccess : 'unknown' }),
    ...(owner !== undefined ? { owner } : {}),
  };
}

/** restrictOutboundNetworkAccess as deployed: true, false (or not set), or 'unknown'. */
export function restrictionOf(account: AiResource): Restriction {
  const value = account.properties?.member('restrictOutboundNetworkAccess')?.value;
  return isUnknown(value) ? 'unknown' : value === true;
}

/** The owner tag's value: the first tag whose name is one of `names` (any case). */
function ownerOf(tags: ValueNode | undefined, names: readonly string[]): string | undefined {
  const value = tags?.value;
  if (isUnknown(value)) return 'unknown';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const wanted = names.map((n) => n.toLowerCase());
  const tag = Object.keys(value).find((k) => wanted.includes(k.toLowerCase()));
  if (tag === undefined) return undefined;
  const owner = (value as Record<string, Value>)[tag];
  if (typeof owner === 'string') return owner.trim() === '' ? undefined : owner;
  return isUnknown(owner) ? shown(owner) ?? 'unknown' : undefined;
}

function allowedFqdns(list: ValueNode): readonly string[] | 'unknown' {
  const items = list.items();
  if (items) return items.map((item) => shown(item.value) ?? '{…}');
  const value = list.value;
  return Array.isArray(value) ? value.map((v) => shown(v) ?? '{…}') : 'unknown';
}

/**
 * Where the audit lists a finding: where it is reported, except that a value from a `.bicepparam` file is
 * reported in that file (as its own analysis reports it), once.
 */
function instanceFinding(f: Finding, parameterFile: ParameterFile | undefined): InstanceFinding {
  const at = f.site && parameterFile?.uri && f.site.file.uri === parameterFile.uri && f.site.file.kind === 'bicepparam' ? f.site : f.loc;
  return {
    ruleId: f.ruleId, level: f.level, message: f.messageText, summary: f.summary, ...place(at),
    ...(f.suppression ? { suppression: f.suppression } : {}),
  };
}

/** The egress summary as plain data (places with file URIs, as every place of a run). */
function instanceEgress(e: EgressSummary): InstanceEgress {
  return {
    dependencies: e.dependencies.map((d) => ({
      host: d.host, hostKnown: d.hostKnown, service: d.service,
      ...(d.resource ? { resource: { type: d.resource.type, name: d.resource.name, existing: d.resource.existing, ...place(d.resource.loc) } } : {}),
      evidence: d.evidence.map((x) => ({ kind: x.kind, detail: x.detail, ...place(x.loc) })),
      allowed: d.allowed,
    })),
    allowListState: e.allowList ? 'set' : e.allowListUnknown ? 'unknown' : 'absent',
    allowList: e.allowList?.map((x) => ({ entry: x.entry, status: x.status, because: x.because, ...place(x.loc) })) ?? [],
    missing: e.missing,
  };
}

/** A location as a place of the inventory (a file URI, 1-based line and column). */
export function place(loc: Loc): { file: string; line: number; column: number } {
  const p = positionAt(loc.file.text, loc.start);
  return { file: loc.file.uri, line: p.line + 1, column: p.character + 1 };
}

/**
 * The loop iterations of the calls and of the account: one entry per combination of known counts (`[i]` per
 * looped step, and at `chain.length` for the account's own loop); a loop of unknown count counts once.
 */
function iterations(chain: readonly DeploymentStep[], account: AiResource): { indexes: Record<number, string>; unknown: boolean }[] {
  let out: { indexes: Record<number, string>; unknown: boolean }[] = [{ indexes: {}, unknown: false }];
  const loops: { at: number; count: number | undefined }[] = [];
  chain.forEach((s, i) => { if (s.loop) loops.push({ at: i, count: s.loop.filtered ? undefined : countOf(s.loop.count) }); });
  if (account.loop) loops.push({ at: chain.length, count: account.condition && account.condition.value !== true ? undefined : countOf(account.loop.count) });
  for (const { at, count } of loops) {
    if (count === undefined) {
      out = out.map((o) => ({ indexes: { ...o.indexes, [at]: '[?]' }, unknown: true }));
      continue;
    }
    const next: typeof out = [];
    for (const o of out) {
      for (let i = 0; i < count && next.length < MAX_INSTANCES_PER_RUN + 1; i++) next.push({ indexes: { ...o.indexes, [at]: `[${i}]` }, unknown: o.unknown });
    }
    out = next;
  }
  return out;
}

/** A loop's length: an ARM copy count, or the length of the array a Bicep `for` iterates; undefined when unknown. */
function countOf(node: ValueNode | undefined): number | undefined {
  const value = node?.value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (Array.isArray(value)) return value.length;
  return undefined;
}

function key(path: readonly string[]): string {
  return path.join('\u0000');
}

function chainKey(chain: readonly DeploymentStep[]): string {
  return chain.map((s) => key(s.path)).join('\u0001');
}
