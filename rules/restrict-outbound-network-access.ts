// restrict-outbound-network-access: deny-by-default egress (restrictOutboundNetworkAccess: true).

import { isUnknown } from '../server/src/engine/expressions/value';
import type { AiResource, ValueNode } from '../server/src/engine/model';
import type { Fix, FixIntent } from '../server/src/engine/fixes';
import type { DeploymentGraph } from '../server/src/engine/graph/graph';
import { DEPENDENCY_READ_TYPES, hostKey } from '../server/src/engine/egress/dependencies';
import { missingOf } from '../server/src/engine/egress/egress';
import { hostEntries, inAccountTemplate, listSite, moduleLabel, passFromNearestCaller, rewriteList } from './support/hosts';
import { createRule, type Report } from './rule';
import { describeOrigin, editableSite, quoted, setSetting, unknownReason } from './support/values';
import { addPrivateEndpointFix, PRIVATE_ENDPOINT_TYPE, privateEndpointsOf } from './support/deployment';

/** Kinds the Azure docs list as supporting outbound restriction (data loss prevention). Compared case-insensitively. */
export const SUPPORTED_KINDS = [
  'AIServices', 'CognitiveServices', 'OpenAI', 'ComputerVision', 'ContentModerator', 'CustomVision.Training',
  'CustomVision.Prediction', 'Face', 'FormRecognizer', 'SpeechServices', 'QnAMaker', 'TextAnalytics',
];
const SUPPORTED = new Set(SUPPORTED_KINDS.map((k) => k.toLowerCase()));

/** How the allow-list is made to admit every dependency: the changes, the number of hosts, how many are added, and what the title adds. */
interface Allowing { readonly changes: readonly FixIntent[]; readonly count: number; readonly added: number; readonly note: string }

/**
 * The allow-list changes that admit every host the service is seen to depend on (merged with the entries already
 * listed), as the template computes them: where the list is written, or, when the list is written in a module on
 * the way to the account and only a caller above can say some host, passed by the innermost caller that can say
 * them all, through a parameter each module between is made to take. Undefined when a host cannot be written
 * either way.
 */
function allowing(resource: AiResource, graph: DeploymentGraph): Allowing | undefined {
  const egress = missingOf(resource, graph);
  const site = listSite(resource);
  const hosts = hostEntries(egress.dependencies, graph, site);
  const count = new Set(egress.dependencies.map((d) => hostKey(d.host)).filter((k) => k !== undefined)).size;
  const chain = graph.deploymentChain(resource);
  const caller = chain[chain.length - 1];
  if (!hosts) {
    const pass = passFromNearestCaller(resource, graph, egress.missing);
    return pass && { changes: pass.changes, count, added: pass.added, note: pass.note ?? '' };
  }
  const missing = hostEntries(egress.missing, graph, site) ?? [];
  const list = resource.properties?.member('allowedFqdnList');
  const listChange = !list ? setSetting(resource, ['properties', 'allowedFqdnList'], hosts.map((h) => h.value), true)
    : missing.length ? rewriteList(resource, missing) : undefined;
  if (list && missing.length && !listChange) return undefined;
  // Seen from a caller (the finding is where the caller passes the restriction), the list is the module's.
  const note = caller && site && inAccountTemplate(site) && missing.length ? ` (changes ${moduleLabel(caller)})` : '';
  return { changes: listChange ? [listChange] : [], count, added: missing.length, note };
}

function allowingTitle(allow: Allowing): string {
  return `allowing the ${allow.count} host${allow.count === 1 ? '' : 's'} it needs${allow.note}`;
}

/**
 * Restricts outbound access and allows every host the service is seen to depend on (see `allowing`). Undefined
 * when a dependency's host cannot be written (its name is known only in part, and not in terms of a template
 * that can write it).
 */
export function restrictFix(resource: AiResource, graph: DeploymentGraph, allow = allowing(resource, graph)): Fix | undefined {
  if (!allow) return undefined;
  return {
    title: allow.count
      ? `Restrict outbound network access for ${quoted(resource)}, ${allowingTitle(allow)}`
      : `Restrict outbound network access for ${quoted(resource)} (it will reach nothing: the template shows no dependency)`,
    safe: false,
    preferred: true,
    changes: [setSetting(resource, ['properties', 'restrictOutboundNetworkAccess'], true), ...allow.changes],
  };
}

/** Restriction plus the inbound settings: the title says each change, since two of them close the service to clients. */
export function hardenFix(resource: AiResource, graph: DeploymentGraph, allow = allowing(resource, graph)): Fix | undefined {
  const restrict = restrictFix(resource, graph, allow);
  if (!restrict || !allow) return undefined;
  return {
    title: `Restrict outbound access, disable public network access and set networkAcls.defaultAction to 'Deny' for ${quoted(resource)}${allow.note}`,
    safe: false,
    changes: [
      ...restrict.changes,
      setSetting(resource, ['properties', 'publicNetworkAccess'], 'Disabled'),
      setSetting(resource, ['properties', 'networkAcls', 'defaultAction'], 'Deny'),
    ],
  };
}

function fixesFor(resource: AiResource, node: ValueNode | undefined, graph: DeploymentGraph): Fix[] {
  const fixes: Fix[] = [];
  const allow = allowing(resource, graph);
  const restrict = restrictFix(resource, graph, allow);
  const harden = hardenFix(resource, graph, allow);
  if (restrict) fixes.push(restrict);
  if (harden) fixes.push(harden);
  // Hardening closes the service to public networks: offer, as a separate choice, the endpoint that keeps it reachable.
  const endpoint = privateEndpointsOf(resource, graph);
  const addEndpoint = !endpoint.found.length && !endpoint.unknown ? addPrivateEndpointFix(resource, graph) : undefined;
  if (addEndpoint) fixes.push(addEndpoint);
  const site = node && editableSite(node);
  const where = node && describeOrigin(node, true);
  if (node && site && site !== node && where) {
    // Where the value is set (a parameter default, a caller's value), with the hosts the service needs, so it keeps working.
    const hosts = allow?.added ? allow : undefined;
    const set: Fix = { title: `Set ${where} to true${hosts ? `, ${allowingTitle(hosts)}` : ''}`, safe: false, preferred: true,
      changes: [{ kind: 'replace', target: site, value: true }, ...hosts?.changes ?? []] };
    // Through the module and its caller, the restriction too is set where the caller passes it: one fix, not two.
    if (hosts && hosts.changes.some((c) => c.kind === 'add-parameter') && restrict) fixes.splice(fixes.indexOf(restrict), 1, set);
    else {
      fixes.unshift(set);
      if (restrict) fixes[1] = { ...restrict, preferred: false };
    }
  }
  return fixes;
}

type MessageId = 'kindNotListed' | 'notSet' | 'unverifiable' | 'notTrue';

export const rule = createRule({
  id: 'restrict-outbound-network-access',
  defaultLevel: 'warning',
  description: 'Azure AI services must deny outbound network access except to the hosts in allowedFqdnList.',
  // The fixes allow the hosts the service depends on (dependency inference reads these) and add a private endpoint.
  resourceTypes: [...DEPENDENCY_READ_TYPES, PRIVATE_ENDPOINT_TYPE],
  messages: {
    kindNotListed: "AI service {{resource}} may not support restricting outbound access. Its kind '{{kind}}' is not among the kinds the Azure documentation lists for restrictOutboundNetworkAccess: check whether the service can make outbound calls, and restrict it by other means if so.",
    notSet: 'AI service {{resource}} can reach any host: outbound access is not restricted. restrictOutboundNetworkAccess is not set: set it to true and list the hosts the service needs in allowedFqdnList.',
    unverifiable: 'Outbound restriction of AI service {{resource}} cannot be verified. restrictOutboundNetworkAccess cannot be evaluated: {{reason}}. Make sure it deploys as true.',
    notTrue: 'AI service {{resource}} can reach any host: outbound access is not restricted. restrictOutboundNetworkAccess is {{value}}{{origin}}: set it to true and list the hosts the service needs in allowedFqdnList.',
  },
  check(resource, { graph }) {
    const reports: Report<MessageId>[] = [];
    const kind = resource.kind?.value;
    if (typeof kind === 'string' && !SUPPORTED.has(kind.toLowerCase())) {
      const node = resource.properties?.member('restrictOutboundNetworkAccess');
      if (node?.value !== true) {
        reports.push({
          at: resource.kind!,
          advisory: true,
          messageId: 'kindNotListed',
          data: { resource: quoted(resource), kind },
        });
      }
      return reports;
    }
    const node = resource.properties?.member('restrictOutboundNetworkAccess');
    if (!node) {
      reports.push({
        at: resource.typeLoc,
        messageId: 'notSet',
        data: { resource: quoted(resource) },
        fixes: () => fixesFor(resource, undefined, graph),
      });
    } else if (isUnknown(node.value)) {
      reports.push({
        at: node,
        advisory: true,
        messageId: 'unverifiable',
        data: { resource: quoted(resource), reason: unknownReason(node.value) },
      });
    } else if (node.value !== true) {
      const from = describeOrigin(node);
      const shown = typeof node.value === 'string' ? `the string '${node.value}'` : JSON.stringify(node.value);
      reports.push({
        at: node,
        messageId: 'notTrue',
        data: { resource: quoted(resource), value: shown, origin: from ? ` (set by ${from})` : '' },
        fixes: () => fixesFor(resource, node, graph),
      });
    }
    return reports;
  },
});
