// allow-required-fqdns: with outbound access restricted, every host the service depends on (a connection's
// target, its user-owned storage, a resource its identity holds a data role on) must be in allowedFqdnList,
// or the calls fail with HTTP 400 "Outbound network access is restricted".

import { DEPENDENCY_READ_TYPES, display, type Dependency, type Evidence } from '../server/src/engine/egress/dependencies';
import { missingOf } from '../server/src/engine/egress/egress';
import type { DeploymentGraph, DeploymentStep } from '../server/src/engine/graph/graph';
import type { AiResource, Loc, ValueNode } from '../server/src/engine/model';
import { createRule, type Report } from './rule';
import { callerThatSays, callSite, hostEntries, inAccountTemplate, listHolder, listSite, moduleLabel, passFromCaller, rewriteList, unsetParameter } from './support/hosts';
import { quoted } from './support/values';
import { namedByCaller, writtenHost, type HostSite } from '../server/src/engine/egress/written';
import type { Fix } from '../server/src/engine/fixes';

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

type MessageId = 'missing' | 'missingInModule' | 'missingInModuleList';

export const rule = createRule({
  id: 'allow-required-fqdns',
  defaultLevel: 'warning',
  description: 'With outbound access restricted, allowedFqdnList must admit every host the AI service is seen to depend on.',
  needs: ['related-resources'],
  messages: {
    missing: "AI service {{resource}} cannot reach '{{host}}'. allowedFqdnList does not admit it, and it is {{dependency}}, a dependency because {{why}}. Without it, {{fails}} fail with HTTP 400 \"Outbound network access is restricted\": add '{{host}}' to allowedFqdnList.",
    missingInModule: "AI service {{resource}} cannot reach '{{host}}'. The allowedFqdnList that module '{{module}}' sets does not admit it, and it is {{dependency}}, a dependency because {{why}}. Without it, {{fails}} fail with HTTP 400 \"Outbound network access is restricted\": pass '{{host}}' to the module's allow-list from here.",
    missingInModuleList: "AI service {{resource}} cannot reach '{{host}}'. The allowedFqdnList that module '{{module}}' sets does not admit it, and it is {{dependency}}, a dependency because {{why}}; the module names it by what this call passes. Without it, {{fails}} fail with HTTP 400 \"Outbound network access is restricted\": add the host to the module's allowedFqdnList, in the module's terms.",
  },
  resourceTypes: DEPENDENCY_READ_TYPES,
  check(resource, { graph }) {
    const restrict = resource.properties?.member('restrictOutboundNetworkAccess');
    if (restrict?.value !== true) return []; // restrict-outbound-network-access's business
    const egress = missingOf(resource, graph);
    const list = resource.properties?.member('allowedFqdnList');
    const at: ValueNode = list ?? restrict;
    const site = listSite(resource);
    // Each missing host is reported at the list, or at the module call in the template that sees the evidence or can say the host.
    const placed = egress.missing.map((dep) => ({ dep, call: placeOf(resource, graph, dep, site) }));
    const reports: Report<MessageId>[] = [];
    for (const { dep, call } of placed) {
      const host = display(dep.host);
      const data = {
        resource: quoted(resource),
        host,
        dependency: dependencyLabel(dep),
        why: dep.evidence.detail,
        fails: WHAT_FAILS[dep.service] ?? WHAT_FAILS.other,
      };
      const related = [dep.evidence, ...dep.also].map((e) => ({ loc: e.loc, message: e.detail }));
      const local = (note = ''): Fix[] => {
        const hosts = hostEntries([dep], graph, site);
        const change = hosts && rewriteList(resource, hosts);
        return change ? [{ title: allowTitle(resource, host, 1, note), safe: false, preferred: true, changes: [change] }] : [];
      };
      if (call?.inModule) {
        // The module can name the host itself: its list gets it, for every caller.
        reports.push({
          at: call.loc,
          messageId: 'missingInModuleList',
          data: { ...data, module: call.name },
          related: [{ loc: at.loc, message: `the allow-list of AI service '${resource.name}'` }, ...related],
          fixes: () => local(` (changes ${moduleLabel(call.step)})`),
        });
      } else if (call) {
        reports.push({
          at: call.loc,
          messageId: 'missingInModule',
          data: { ...data, module: call.name },
          related: [{ loc: at.loc, message: `the allow-list of AI service '${resource.name}'` }, ...related],
          fixes: () => {
            // One fix passes every host missing through this call that the caller can say (this one among them).
            const callerSite = callSite(call.step);
            const deps = placed.filter((p) => p.call?.step === call.step && !p.call.inModule && callerSite && writtenHost(p.dep, graph, callerSite) !== undefined).map((p) => p.dep);
            const pass = deps.includes(dep) ? passFromCaller(resource, graph, deps, call.step) : undefined;
            return pass ? [{ title: allowTitle(resource, host, pass.added, pass.note), safe: false, preferred: true, changes: pass.changes }] : [];
          },
        });
      } else {
        reports.push({ at, messageId: 'missing', data, related, fixes: () => local() });
      }
    }
    return reports;
  },
});

function allowTitle(resource: AiResource, host: string, count: number, note = ''): string {
  return `${count === 1 ? `Allow '${host}'` : `Allow the ${count} missing hosts`} in the allowed FQDNs of '${resource.name}'${note}`;
}

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
 * The module call a missing host is reported at, or undefined to report it at the list: when the evidence lives
 * beside the account's module (the call in the template that sees both), or the list is written in the module (or
 * passed by a module on the way) and only a caller above can say the host (the innermost caller that can; the
 * outermost call when none can). When the module
 * can say the host but names its resource only by what its caller passes (`inModule`), the module alone cannot see
 * it: reported at the direct call, fixed in the module.
 */
function placeOf(account: AiResource, graph: DeploymentGraph, dep: Dependency, site: HostSite | undefined): ModuleCall | undefined {
  const chain = graph.deploymentChain(account);
  if (!chain.length) return undefined;
  if (!visibleFromAccount(account, dep)) {
    const evidencePath = pathOf(dep.evidence, account);
    let common = 0;
    while (common < account.deploymentPath.length && common < evidencePath.length && account.deploymentPath[common] === evidencePath[common]) common++;
    const step = chain.find((s) => s.path.length === common + 1);
    return step && callOf(step);
  }
  // A list from a module parameter nobody passes: only a caller can give it.
  const list = account.properties?.member('allowedFqdnList');
  if (!site && list && unsetParameter(list)) return callOf(callerThatSays(account, graph, [dep]) ?? chain[0]);
  if (!site) return undefined;
  if (!inAccountTemplate(site)) {
    // A list a module on the way passes, which cannot say the host: a caller above it that can (the fix threads the list through).
    const holder = site.kind === 'caller' && writtenHost(dep, graph, site) === undefined ? listHolder(account, graph, site) : undefined;
    const step = holder ? callerThatSays(account, graph, [dep], holder) : undefined;
    return step && callOf(step);
  }
  if (writtenHost(dep, graph, site) !== undefined) {
    // (A nested template is never analysed alone: its list, in the same file, is seen.)
    const key = site.node.written?.()?.template;
    const call = chain[chain.length - 1];
    const alone = call.loc.file.uri !== site.node.loc.file.uri;
    return alone && key !== undefined && namedByCaller(dep, graph, key) ? { ...callOf(call), inModule: true } : undefined;
  }
  return callOf(callerThatSays(account, graph, [dep]) ?? chain[0]);
}

interface ModuleCall { readonly loc: Loc; readonly name: string; readonly step: DeploymentStep; readonly inModule?: boolean }

/** A call reported at its first line (a module), or at its name (a nested deployment). */
function callOf(step: DeploymentStep): ModuleCall {
  const name = step.name;
  const nameLoc = step.loc.file.kind === 'arm' ? step.declaration?.member('name')?.loc : undefined;
  if (nameLoc) return { loc: nameLoc, name, step };
  const text = step.loc.file.text;
  const lineEnd = text.indexOf('\n', step.loc.start);
  const end = lineEnd < 0 || lineEnd > step.loc.end ? step.loc.end : lineEnd;
  return { loc: { file: step.loc.file, start: step.loc.start, end: text[end - 1] === '\r' ? end - 1 : end }, name, step };
}
