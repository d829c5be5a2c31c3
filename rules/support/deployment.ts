// What a deployment holds around an AI account, for the rules that look beyond the account's own settings:
// whether a resource is deployed at all, the private endpoints and diagnostic settings that target an account,
// and the fixes that add such resources.

import { isUnknown, type Value } from '../../server/src/engine/expressions/value';
import type { DeploymentGraph, GraphResource } from '../../server/src/engine/graph/graph';
import { serviceHostSuffix } from '../../server/src/engine/graph/runtime';
import type { Fix, FixIntent } from '../../server/src/engine/fixes';
import { ref } from '../../server/src/engine/fixes';
import type { AiResource, ValueNode } from '../../server/src/engine/model';

export const PRIVATE_ENDPOINT_TYPE = 'Microsoft.Network/privateEndpoints';
export const DIAGNOSTIC_SETTINGS_TYPE = 'Microsoft.Insights/diagnosticSettings';
/** The older form of an account's diagnostic settings: a child `providers/diagnosticSettings`, named `acct/Microsoft.Insights/x`. */
export const ACCOUNT_DIAGNOSTIC_SETTINGS_TYPE = 'Microsoft.CognitiveServices/accounts/providers/diagnosticSettings';

/**
 * Whether a resource may be deployed: its condition is not false, and neither its own copy loop / `for` nor that
 * of a nested deployment or module call around it is known to be empty. (A deployment whose condition is false is
 * not read at all.)
 */
export function mayDeploy(resource: GraphResource, graph: DeploymentGraph): boolean {
  if (resource.condition?.value === false) return false;
  if (isEmptyLoop(resource.loop?.count)) return false;
  return !graph.deploymentChain(resource).some((step) => isEmptyLoop(step.loop?.count));
}

/** A loop known to run 0 times: a count of 0 (ARM `copy`) or an empty array (Bicep `for`, `range(0, 0)`). */
function isEmptyLoop(count: ValueNode | undefined): boolean {
  const value = count?.value;
  return value === 0 || (Array.isArray(value) && value.length === 0);
}

/** An object node's members, in order. */
export function membersOf(node: ValueNode | undefined): [string, ValueNode][] {
  const value = node?.value;
  if (!node || typeof value !== 'object' || value === null || Array.isArray(value) || isUnknown(value)) return [];
  const out: [string, ValueNode][] = [];
  for (const key of Object.keys(value)) {
    const member = node.member(key);
    if (member) out.push([key, member]);
  }
  return out;
}

/** A value known to be absent: not written, or null. */
export function isAbsent(node: ValueNode | undefined): boolean {
  return !node || node.value === null;
}

export interface EndpointSearch {
  /** Private endpoints of the deployment whose connections name the account. */
  readonly found: readonly GraphResource[];
  /** Some endpoint's target (or the module's `privateEndpoints` parameter) is only known at deployment. */
  readonly unknown: boolean;
}

/** The private endpoints that connect to `account`: `privateLinkServiceConnections` or the manual ones. */
export function privateEndpointsOf(account: AiResource, graph: DeploymentGraph): EndpointSearch {
  // A module that takes private endpoints as a parameter (the Azure Verified Module) creates them itself.
  if (account.settingPath) {
    const param = account.properties?.member('privateEndpoints');
    const value = param?.value;
    if (isUnknown(value)) return { found: [], unknown: true };
    if (Array.isArray(value) && value.length) return { found: [account], unknown: false };
  }
  const found: GraphResource[] = [];
  let unknown = false;
  for (const endpoint of graph.ofType(PRIVATE_ENDPOINT_TYPE)) {
    if (!mayDeploy(endpoint, graph)) continue;
    const properties = endpoint.declaration?.member('properties');
    for (const list of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
      const node = properties?.member(list);
      if (isUnknown(node?.value)) unknown = true;
      for (const connection of node?.items() ?? []) {
        const id = connection.member('properties')?.member('privateLinkServiceId')?.value;
        if (id === undefined || id === null) continue;
        if (graph.resolve(id, endpoint.deploymentPath) === account) {
          if (!found.includes(endpoint)) found.push(endpoint);
        } else if (unresolvable(id)) unknown = true;
      }
    }
  }
  return { found, unknown };
}

/** An id nothing of which is known: it may name any resource. */
function unresolvable(id: Value): boolean {
  return isUnknown(id) && !id.parts;
}

/** Diagnostic settings scoped to the account: `scope:` (Bicep, ARM), or the `accounts/providers/diagnosticSettings` form. */
export function diagnosticSettingsOf(account: GraphResource, graph: DeploymentGraph): GraphResource[] {
  const out: GraphResource[] = [];
  for (const type of [DIAGNOSTIC_SETTINGS_TYPE, ACCOUNT_DIAGNOSTIC_SETTINGS_TYPE]) {
    for (const r of [...graph.related(account, 'scopedTo', type), ...graph.related(account, 'child', type)]) {
      if (!out.includes(r) && mayDeploy(r, graph)) out.push(r);
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Fixes that add resources

/**
 * Whether new resources can be declared beside the account and refer to it: a resource of its file's root
 * template, not in a loop, not nested under another resource, not a module call (a module makes its own).
 */
export function canAddBeside(resource: AiResource): boolean {
  return !resource.settingPath && !resource.loop && resource.deploymentPath.length === 0 && !resource.declaredParent && resource.declaration.literal;
}

/** A symbolic-name stem for resources made for this one: its symbolic name, else its name in camel case. */
function stem(resource: AiResource): string {
  if (resource.symbolicName && /^[A-Za-z_][A-Za-z0-9_]*$/.test(resource.symbolicName)) return resource.symbolicName;
  const words = resource.name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return /^[A-Za-z_]/.test(camel) ? camel : 'account';
}

export const SUBNET_PARAMETER = 'privateEndpointSubnetId';
export const WORKSPACE_PARAMETER = 'logAnalyticsWorkspaceId';

/** The private DNS zone clients resolve the account's endpoint in, per kind and cloud, and the parameter that gives its id. */
export function privateDnsZoneOf(resource: AiResource, graph: DeploymentGraph): { zone: string; parameter: string } {
  const kind = typeof resource.kind?.value === 'string' ? resource.kind.value.toLowerCase() : '';
  return kind === 'openai'
    ? { zone: `privatelink.${serviceHostSuffix(graph.cloud, 'openai')}`, parameter: 'openAiPrivateDnsZoneId' }
    : { zone: `privatelink.${serviceHostSuffix(graph.cloud, 'cognitive')}`, parameter: 'cognitiveServicesPrivateDnsZoneId' };
}

/** Adds a private endpoint (group id `account`) with a DNS zone group; the subnet and zone ids become parameters. */
export function addPrivateEndpointFix(resource: AiResource, graph: DeploymentGraph): Fix | undefined {
  if (!canAddBeside(resource)) return undefined;
  const target = resource.declaration;
  const { zone, parameter } = privateDnsZoneOf(resource, graph);
  const endpoint = `${stem(resource)}PrivateEndpoint`;
  const changes: FixIntent[] = [
    { kind: 'add-parameter', target, name: SUBNET_PARAMETER, type: 'string', description: 'Resource id of the subnet the private endpoints of the AI services are placed in.' },
    { kind: 'add-parameter', target, name: parameter, type: 'string', description: `Resource id of the private DNS zone ${zone}.` },
    {
      kind: 'add-resource', target, resource, declaration: {
        symbolicName: endpoint,
        type: PRIVATE_ENDPOINT_TYPE,
        apiVersion: '2024-05-01',
        name: ref.name('target', '-pe'),
        location: ref.location(),
        sameCondition: true,
        properties: {
          subnet: { id: ref.parameter(SUBNET_PARAMETER) },
          privateLinkServiceConnections: [
            { name: ref.name('target', '-pe'), properties: { privateLinkServiceId: ref.id(), groupIds: ['account'] } },
          ],
        },
      },
    },
    {
      kind: 'add-resource', target, resource, declaration: {
        symbolicName: `${endpoint}DnsZoneGroup`,
        type: `${PRIVATE_ENDPOINT_TYPE}/privateDnsZoneGroups`,
        apiVersion: '2024-05-01',
        parent: endpoint,
        name: 'default',
        sameCondition: true,
        properties: {
          privateDnsZoneConfigs: [{ name: zone.replace(/\./g, '-'), properties: { privateDnsZoneId: ref.parameter(parameter) } }],
        },
      },
    },
  ];
  return {
    title: `Add a private endpoint for '${resource.name}' (subnet and DNS zone from parameters ${SUBNET_PARAMETER}, ${parameter})`,
    safe: false,
    changes,
  };
}

/** Adds diagnostic settings that send the Audit and RequestResponse logs to a Log Analytics workspace given as a parameter. */
export function addDiagnosticSettingsFix(resource: AiResource): Fix | undefined {
  if (!canAddBeside(resource)) return undefined;
  const target = resource.declaration;
  return {
    title: `Send Audit and RequestResponse logs of '${resource.name}' to a Log Analytics workspace (parameter ${WORKSPACE_PARAMETER})`,
    safe: false,
    changes: [
      { kind: 'add-parameter', target, name: WORKSPACE_PARAMETER, type: 'string', description: 'Resource id of the Log Analytics workspace that receives the logs of the AI services.' },
      {
        kind: 'add-resource', target, resource, declaration: {
          symbolicName: `${stem(resource)}Diagnostics`,
          type: DIAGNOSTIC_SETTINGS_TYPE,
          apiVersion: '2021-05-01-preview',
          name: ref.name('target', '-logs'),
          scopedToTarget: true,
          sameCondition: true,
          properties: {
            workspaceId: ref.parameter(WORKSPACE_PARAMETER),
            logs: [
              { category: 'Audit', enabled: true },
              { category: 'RequestResponse', enabled: true },
            ],
          },
        },
      },
    ],
  };
}
