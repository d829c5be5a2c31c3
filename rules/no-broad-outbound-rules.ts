// no-broad-outbound-rules: FQDN outbound rules of a managed network must name hosts one party controls.

import { isUnknown } from '../server/src/engine/expressions/value';
import type { Loc, ValueNode } from '../server/src/engine/model';
import { createRule, type Report } from './rule';
import { membersOf } from './support/deployment';
import { entryDisplay, entryText } from './support/fqdn';
import { isolationModeOver, isType, managedNetworkOf, NETWORK_HOLDERS, OUTBOUND_RULES, ownerOf, ownName } from './support/managed-network';
import { breadthOf, FQDN_PORTS, isStorageHost, portOf, unsupportedPorts } from './support/outbound';

type MessageId = 'anyHost' | 'publicSuffix' | 'multiTenant' | 'storageFqdn' | 'unsupportedPort';

interface OutboundRule {
  readonly name: string;
  /** The rule object: `{ type, destination, category }`. */
  readonly node: ValueNode;
}

function isApprovedOnly(mode: ValueNode | undefined): boolean {
  const value = mode?.value;
  return typeof value === 'string' && value.toLowerCase() === 'allowonlyapprovedoutbound';
}

export const rule = createRule({
  id: 'no-broad-outbound-rules',
  defaultLevel: 'warning',
  description: 'FQDN outbound rules of managed networks must not admit every host, a public suffix or other customers\' Azure resources.',
  messages: {
    anyHost: "Outbound rule '{{rule}}' allows any host. Its destination '{{destination}}' makes the approval list of the managed network of {{owner}} meaningless: list the hosts the workload needs.",
    publicSuffix: "Outbound rule '{{rule}}' allows a whole public suffix. Its destination '{{destination}}' (in the managed network of {{owner}}) admits every site under '.{{suffix}}', anyone's: list the hosts the workload needs.",
    multiTenant: "Outbound rule '{{rule}}' admits other customers' Azure resources. Its destination '{{destination}}' (in the managed network of {{owner}}) matches any tenant's hosts under {{domain}}, an attacker's included: name your own resources' hosts, or use a private endpoint rule.",
    storageFqdn: "Outbound rule '{{rule}}' reaches Azure Storage by FQDN. In 'AllowOnlyApprovedOutbound' mode the documentation asks for a private endpoint rule to storage instead of '{{destination}}' (in the managed network of {{owner}}): type 'PrivateEndpoint' with the storage account and a subresource such as 'blob'.",
    unsupportedPort: "Outbound rule '{{rule}}' uses {{port}}, which FQDN rules do not support. FQDN rules allow ports {{ports}} only: in the managed network of {{owner}}, use a service tag or private endpoint rule for other ports.",
  },
  subjects: [...NETWORK_HOLDERS, ...OUTBOUND_RULES],
  check(resource, { graph }) {
    const owner = ownerOf(resource, graph, resource.name);
    if (OUTBOUND_RULES.some((t) => isType(resource, t))) {
      if (!resource.properties) return [];
      return checkRule({ name: ownName(resource, graph), node: resource.properties }, owner, isolationModeOver(resource, graph));
    }
    if (!NETWORK_HOLDERS.some((t) => isType(resource, t))) return [];
    const settings = managedNetworkOf(resource);
    const mode = settings?.member('isolationMode');
    const reports: Report<MessageId>[] = [];
    for (const [name, node] of membersOf(settings?.member('outboundRules'))) reports.push(...checkRule({ name, node }, owner, mode));
    return reports;
  },
});

function checkRule(outbound: OutboundRule, owner: string, mode: ValueNode | undefined): Report<MessageId>[] {
  const type = outbound.node.member('type')?.value;
  if (typeof type !== 'string' || type.toLowerCase() !== 'fqdn') return [];
  const destination = outbound.node.member('destination');
  if (!destination) return [];
  const value = destination.value;
  const text = entryText(value);
  if (text === undefined || (isUnknown(value) && !value.parts)) return [];
  const shown = entryDisplay(value) ?? text;
  const data = { rule: outbound.name, owner, destination: shown };
  const reports: Report<MessageId>[] = [];
  const breadth = breadthOf(text);
  if (breadth) {
    const at: ValueNode | Loc = destination.literalWithin?.((t) => t.includes('*')) ?? destination;
    if (breadth.kind === 'anyHost') reports.push({ at, messageId: 'anyHost', data });
    else if (breadth.kind === 'publicSuffix') reports.push({ at, messageId: 'publicSuffix', data: { ...data, suffix: breadth.suffix } });
    else reports.push({ at, messageId: 'multiTenant', data: { ...data, domain: breadth.domain } });
  }
  if (isApprovedOnly(mode) && isStorageHost(text)) reports.push({ at: destination, messageId: 'storageFqdn', data });
  const port = portOf(text);
  if (port !== undefined && !FQDN_PORTS.includes(port)) {
    reports.push({ at: destination, messageId: 'unsupportedPort', data: { ...data, port: port ? `port ${port}` : 'an empty port', ports: FQDN_PORTS.join(' and ') } });
  }
  const ranges = outbound.node.member('portRanges');
  if (typeof ranges?.value === 'string') {
    const bad = unsupportedPorts(ranges.value);
    if (bad.length) reports.push({ at: ranges, messageId: 'unsupportedPort', data: { ...data, port: `${bad.length > 1 ? 'ports' : 'port'} ${bad.join(', ')}`, ports: FQDN_PORTS.join(' and ') } });
  }
  return reports;
}
