// allow-required-fqdns: with outbound access restricted, every host the service depends on (a connection's
// target, its user-owned storage, a resource its identity holds a data role on) must be in allowedFqdnList,
// or the calls fail with HTTP 400 "Outbound network access is restricted".

import { DEPENDENCY_READ_TYPES, display, type Dependency, type Evidence } from '../server/src/engine/egress/dependencies';
import { missingOf } from '../server/src/engine/egress/egress';
import type { DeploymentGraph, DeploymentStep } from '../server/src/engine/graph/graph';
import type { AiResource, Loc, ValueNode } from '../server/src/engine/model';
import { createRule, type Report } from './rule';
import { asListEntry, hostEntries, listSite, rewriteList } from './support/hosts';
import { quoted, setSetting } from './support/values';
import { writtenHost, writtenIn } from '../server/src/engine/egress/written';
import { expressionValue, type FixIntent, type FixValue } from '../server/src/engine/fixes';
import { param } from '../server/src/engine/expressions/build';

const WHAT_FAILS: Readonly<Record<string, string>> = {
  blob: 'its reads and writes of blobs (documents, agent files, batch and training data)',
  queue: 'its queue messages',
  table: 'its table reads and writes',
  file: 'its file share access',
  dfs: 'its Data Lake reads and writes',
  search: 'its queries of the search index (On Your Data, agent file search and vector stores)',
  cosmos: 'its reads and writes of Cosmos DB (agent threads and state)',
  keyvault: 'its reads of secrets and keys',
  cognitive: 'its calls to the other AI service',
  web: 'its calls to the web app',
  other: 'its calls to it',
};

const KIND_LABEL: Readonly<Record<string, string>> = {
  'microsoft.storage/storageaccounts': 'storage account',
  'microsoft.search/searchservices': 'search service',
  'microsoft.documentdb/databaseaccounts': 'Cosmos DB account',
  'microsoft.keyvault/vaults': 'key vault',
  'microsoft.cognitiveservices/accounts': 'AI service',
  'microsoft.web/sites': 'web app',
};

type MessageId = 'missing' | 'missingInModule';

export const rule = createRule({
  id: 'allow-required-fqdns',
  defaultLevel: 'warning',
  description: 'With outbound access restricted, allowedFqdnList must admit every host the AI service is seen to depend on.',
  needs: ['related-resources'],
  messages: {
    missing: "AI service {{resource}} cannot reach '{{host}}'. allowedFqdnList does not admit it, and it is {{dependency}}, a dependency because {{why}}. Without it, {{fails}} fail with HTTP 400 \"Outbound network access is restricted\": add '{{host}}' to allowedFqdnList.",
    missingInModule: "AI service {{resource}} cannot reach '{{host}}'. The allowedFqdnList that module '{{module}}' sets does not admit it, and it is {{dependency}}, a dependency because {{why}}. Without it, {{fails}} fail with HTTP 400 \"Outbound network access is restricted\": pass '{{host}}' to the module's allow-list from here.",
  },
  resourceTypes: DEPENDENCY_READ_TYPES,
  check(resource, { graph }) {
    const restrict = resource.properties?.member('restrictOutboundNetworkAccess');
    if (restrict?.value !== true) return []; // restrict-outbound-network-access's business
    const egress = missingOf(resource, graph);
    const list = resource.properties?.member('allowedFqdnList');
    const at: ValueNode = list ?? restrict;
    const reports: Report<MessageId>[] = [];
    for (const dep of egress.missing) {
      const host = display(dep.host);
      const data = {
        resource: quoted(resource),
        host,
        dependency: dependencyLabel(dep),
        why: dep.evidence.detail,
        fails: WHAT_FAILS[dep.service] ?? WHAT_FAILS.other,
      };
      const related = [dep.evidence, ...dep.also].map((e) => ({ loc: e.loc, message: e.detail }));
      const call = visibleFromAccount(resource, dep) ? undefined : moduleCall(graph, resource, dep);
      if (call) {
        reports.push({
          at: call.loc,
          messageId: 'missingInModule',
          data: { ...data, module: call.name },
          related: [{ loc: at.loc, message: `the allow-list of AI service '${resource.name}'` }, ...related],
          fixes: () => {
            const change = passFromCaller(resource, graph, dep, call.step);
            return change ? [{ title: `Allow '${host}' in the allowed FQDNs of '${resource.name}'`, safe: false, preferred: true, changes: change }] : [];
          },
        });
        continue;
      }
      reports.push({
        at,
        messageId: 'missing',
        data,
        related,
        fixes: () => {
          const hosts = hostEntries([dep], graph, listSite(resource));
          const change = hosts && rewriteList(resource, hosts);
          // Not to be said where the list is (a name the module's caller gives): the caller passes it.
          const chain = change ? [] : graph.deploymentChain(resource);
          const changes = change ? [change] : chain.length ? passFromCaller(resource, graph, dep, chain[chain.length - 1]) : undefined;
          return changes ? [{ title: `Allow '${host}' in the allowed FQDNs of '${resource.name}'`, safe: false, preferred: true, changes }] : [];
        },
      });
    }
    return reports;
  },
});

function dependencyLabel(dep: Dependency): string {
  if (!dep.resource && dep.name === undefined) return 'a host the service calls';
  const kind = dep.resource ? KIND_LABEL[dep.resource.type.toLowerCase()] ?? dep.resource.type : 'resource';
  return `the ${kind} ${display(dep.name ?? null, true)}`;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

function pathOf(e: Evidence, account: AiResource): readonly string[] {
  return e.source?.deploymentPath ?? account.deploymentPath;
}

/** Whether analysing the account's own file (and the modules it calls) shows the evidence. */
function visibleFromAccount(account: AiResource, dep: Dependency): boolean {
  return [dep.evidence, ...dep.also].some((e) => startsWith(pathOf(e, account), account.deploymentPath));
}

/**
 * The module call, in the template that sees both the account and the evidence, that leads to the account:
 * where the host must be passed from. Its first line is the location.
 */
function moduleCall(graph: DeploymentGraph, account: AiResource, dep: Dependency): { loc: Loc; name: string; step: DeploymentStep } | undefined {
  const evidencePath = pathOf(dep.evidence, account);
  let common = 0;
  while (common < account.deploymentPath.length && common < evidencePath.length && account.deploymentPath[common] === evidencePath[common]) common++;
  const step = graph.deploymentChain(account).find((s) => s.path.length === common + 1);
  if (!step) return undefined;
  const text = step.loc.file.text;
  const lineEnd = text.indexOf('\n', step.loc.start);
  const end = lineEnd < 0 || lineEnd > step.loc.end ? step.loc.end : lineEnd;
  return { loc: { file: step.loc.file, start: step.loc.start, end: text[end - 1] === '\r' ? end - 1 : end }, name: step.path[step.path.length - 1], step };
}

/** The parameter a module takes its allow-list by, when a fix makes it take one. */
const LIST_PARAMETER = 'allowedFqdnList';

/**
 * The module that declares the account writes its allow-list, and the host can only be said by a caller: the
 * caller passes the entries and the host, for the module's parameter the list comes from, or for one the module
 * is made to take (its default the list as it is). Undefined when the list is written elsewhere, the module has a
 * parameter of that name already, or an entry or the host cannot be said in the caller's terms.
 */
function passFromCaller(resource: AiResource, graph: DeploymentGraph, dep: Dependency, step: DeploymentStep): FixIntent[] | undefined {
  const call = step.declaration;
  const declaration = resource.declaration;
  const list = resource.properties?.member('allowedFqdnList');
  const site = listSite(resource);
  if (!call || !site) return undefined;
  // The list is a parameter's default in the module: the caller passes that parameter.
  const fromDefault = site.kind === 'parameter-default' && list?.origin?.kind === 'parameter-default' ? list.origin.name : undefined;
  if (!fromDefault && (site.kind !== 'resource' || declaration.written?.()?.parameter(LIST_PARAMETER))) return undefined;
  const name = fromDefault ?? LIST_PARAMETER;
  const callerSite = { node: call, kind: 'resource' } as const;
  const entries: FixValue[] = [];
  const current: FixValue[] = [];
  for (const item of list?.items() ?? []) {
    const here = asListEntry(item, site.node);
    const there = writtenIn(item, callerSite);
    if (here === undefined || there === undefined) return undefined;
    current.push(here);
    entries.push(there);
  }
  if (list && !list.items()) return undefined;
  const host = writtenHost(dep, graph, callerSite);
  if (host === undefined) return undefined;
  const arm = call.loc.file.kind === 'arm';
  const pass: FixIntent = { kind: 'set', target: call, path: arm ? ['properties', 'parameters', name, 'value'] : ['params', name], value: [...entries, host] };
  if (fromDefault) return [pass];
  const parameter = expressionValue(param(LIST_PARAMETER));
  return [
    { kind: 'add-parameter', target: declaration, name: LIST_PARAMETER, type: 'array', defaultValue: current,
      description: 'Hosts the AI service may reach (allowedFqdnList); callers pass the hosts of the dependencies they declare.' },
    list ? { kind: 'replace', target: site.node, value: parameter } : setSetting(resource, ['properties', 'allowedFqdnList'], parameter),
    pass,
  ];
}
