// What the deployment holds around an AI account beyond its own flags: its managed virtual network's isolation
// mode, the private endpoints that target it, the diagnostic settings that send (or not) its logs, and the subnet
// its agents' traffic goes through (`networkInjections`). The inventory shows it per instance and the hover per
// account; the lookups are the rules' own (rules/support), so a report and a finding never disagree.

import { ACCOUNT_DIAGNOSTIC_SETTINGS_TYPE, DIAGNOSTIC_SETTINGS_TYPE, mayDeploy, PRIVATE_ENDPOINT_TYPE, privateEndpointsOf } from '../../../rules/support/deployment';
import { diagnosticLogsOf } from '../../../rules/support/logs';
import { FOUNDRY_MANAGED_NETWORK, managedNetworkOf } from '../../../rules/support/managed-network';
import type { DiagnosticLogs, InstanceNetwork, NetworkInjection, Place, PrivateEndpointRef } from '../../../shared/inventory';
import { isUnknown, type Value } from './expressions/value';
import type { DeploymentGraph, GraphResource } from './graph/graph';
import { HOLE, patternOf } from './graph/ids';
import type { AiResource, Loc, ValueNode } from './model';

/** Resource types the network of an account is read from: readers must not skip them when it is asked for. */
export const NETWORK_TYPES: readonly string[] = [FOUNDRY_MANAGED_NETWORK, PRIVATE_ENDPOINT_TYPE, DIAGNOSTIC_SETTINGS_TYPE, ACCOUNT_DIAGNOSTIC_SETTINGS_TYPE];

/** The network of an account in its deployment; `place` turns a location into the place reports show. */
export function accountNetwork(account: AiResource, graph: DeploymentGraph, place: (loc: Loc) => Place): InstanceNetwork {
  const managed = graph.related(account, 'child', FOUNDRY_MANAGED_NETWORK).find((r) => mayDeploy(r, graph));
  const mode = managed && managedNetworkOf(managed)?.member('isolationMode');
  const endpoints = privateEndpointsOf(account, graph);
  const injections = networkInjectionsOf(account.properties?.member('networkInjections'));
  return {
    ...(managed ? { managedNetwork: { ...place(managed.typeLoc), ...(mode && mode.value !== null ? { isolationMode: shown(mode.value) ?? 'unknown' } : {}) } } : {}),
    privateEndpoints: endpoints.found.flatMap((e) => (e === account ? moduleEndpoints(account, place) : [endpointRef(e, graph, place)])),
    ...(endpoints.unknown ? { privateEndpointsUnknown: true } : {}),
    logs: logsOf(account, graph, place),
    ...(injections.length ? { networkInjections: injections } : {}),
  };
}

function endpointRef(endpoint: GraphResource, graph: DeploymentGraph, place: (loc: Loc) => Place): PrivateEndpointRef {
  const location = shown(endpoint.declaration?.member('location')?.value);
  return { name: shown(graph.fullName(endpoint)) ?? endpoint.symbolicName ?? endpoint.type, ...(location ? { location } : {}), ...place(endpoint.typeLoc) };
}

/** The endpoints a module call makes itself (the Azure Verified Module's `privateEndpoints` parameter). */
function moduleEndpoints(account: AiResource, place: (loc: Loc) => Place): PrivateEndpointRef[] {
  return (account.properties?.member('privateEndpoints')?.items() ?? []).map((item, i) => {
    const location = shown(item.member('location')?.value);
    return { name: shown(item.member('name')?.value) ?? `privateEndpoints[${i}]`, ...(location ? { location } : {}), ...place(item.loc) };
  });
}

function logsOf(account: AiResource, graph: DeploymentGraph, place: (loc: Loc) => Place): DiagnosticLogs {
  const logs = diagnosticLogsOf(account, graph);
  if (logs.settings === 'unknown') return { required: 'unknown', settings: [] };
  const settings = logs.settings.map((s) => ({
    name: s.name,
    categories: s.categories === 'unknown' ? 'unknown' as const : [...s.categories],
    destination: s.destination,
    ...place(s.resource?.typeLoc ?? ('loc' in s.at ? s.at.loc : s.at)),
  }));
  if (!settings.length) return { required: 'none', settings };
  if (!logs.missing.length) return { required: 'sent', settings };
  return logs.unknown ? { required: 'unknown', settings } : { required: 'missing', missing: logs.missing, settings };
}

/** `networkInjections` entries with a subnet. */
function networkInjectionsOf(node: ValueNode | undefined): NetworkInjection[] {
  const items = node?.items();
  if (!items) return isUnknown(node?.value) ? [{ scenario: 'unknown', subnet: '{…}' }] : [];
  return items.flatMap((item) => {
    const subnet = item.member('subnetArmId')?.value;
    if (subnet === undefined || subnet === null || subnet === '') return [];
    const managed = item.member('useMicrosoftManagedNetwork')?.value;
    return [{
      scenario: shown(item.member('scenario')?.value) ?? 'unknown',
      subnet: shown(subnet) ?? (isUnknown(subnet) && subnet.parameter ? `(parameter '${subnet.parameter}')` : '{…}'),
      ...(typeof managed === 'boolean' ? { useMicrosoftManagedNetwork: managed } : {}),
    }];
  });
}

/** A string, or a partially known one with `{…}` for the unknown pieces; undefined when nothing of it is known. */
export function shown(v: Value | undefined): string | undefined {
  if (v === undefined || (typeof v !== 'string' && !isUnknown(v))) return undefined;
  const pattern = patternOf(v);
  if (pattern === undefined || pattern.split(HOLE).join('') === '') return undefined;
  return pattern.split(HOLE).join('{…}');
}
