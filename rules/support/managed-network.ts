// Managed virtual networks of Foundry accounts (`accounts/managedNetworks`) and of Azure Machine Learning /
// Foundry hub workspaces (`workspaces` `properties.managedNetwork`, `workspaces/managedNetworks`), and their
// outbound rules (a map in the settings, or child `outboundRules` resources).

import type { DeploymentGraph, GraphResource } from '../../server/src/engine/graph/graph';
import type { AiResource, ValueNode } from '../../server/src/engine/model';
import { isAbsent } from './deployment';

export const FOUNDRY_MANAGED_NETWORK = 'Microsoft.CognitiveServices/accounts/managedNetworks';
export const FOUNDRY_OUTBOUND_RULE = 'Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules';
export const WORKSPACE = 'Microsoft.MachineLearningServices/workspaces';
export const WORKSPACE_MANAGED_NETWORK = 'Microsoft.MachineLearningServices/workspaces/managedNetworks';
export const WORKSPACE_OUTBOUND_RULE = 'Microsoft.MachineLearningServices/workspaces/outboundRules';

/** Resources that hold managed network settings. */
export const NETWORK_HOLDERS = [FOUNDRY_MANAGED_NETWORK, WORKSPACE, WORKSPACE_MANAGED_NETWORK];
export const OUTBOUND_RULES = [FOUNDRY_OUTBOUND_RULE, WORKSPACE_OUTBOUND_RULE];

export function isType(resource: GraphResource, type: string): boolean {
  return resource.type.toLowerCase() === type.toLowerCase();
}

/** The managed network settings a resource declares (`properties.managedNetwork`), when it holds any. */
export function managedNetworkOf(resource: GraphResource): ValueNode | undefined {
  const properties = resource.declaration?.member('properties');
  const settings = properties?.member('managedNetwork');
  if (!isAbsent(settings)) return settings;
  // A managedNetworks resource may be written with the settings directly under properties.
  if (!isType(resource, WORKSPACE) && properties?.member('isolationMode')) return properties;
  return undefined;
}

/** How messages name a resource: its evaluated full name when known, else the name shown for it. */
function nameOf(resource: GraphResource, graph: DeploymentGraph, fallback?: string): string {
  const full = graph.fullName(resource);
  if (typeof full === 'string') return full;
  return fallback ?? resource.symbolicName ?? resource.type;
}

/** "workspace 'hub1'", "Foundry account 'contoso-ai'": the resource that owns a managed network or an outbound rule. */
export function ownerOf(resource: GraphResource, graph: DeploymentGraph, shown?: string): string {
  let current: GraphResource | undefined = resource;
  for (let depth = 0; current && depth < 4; depth++) {
    if (isType(current, WORKSPACE)) return `workspace '${nameOf(current, graph, depth === 0 ? shown : undefined)}'`;
    if (isType(current, 'Microsoft.CognitiveServices/accounts')) return `Foundry account '${nameOf(current, graph)}'`;
    const parent: GraphResource | undefined = graph.related(current, 'parent')[0];
    if (!parent) break;
    current = parent;
  }
  // No declared parent: the first segment of the full name names the owner.
  const full = graph.fullName(resource);
  const first = typeof full === 'string' && full.includes('/') ? full.split('/')[0] : undefined;
  const kind = resource.type.toLowerCase().startsWith('microsoft.machinelearningservices/') ? 'workspace' : 'Foundry account';
  return first ? `${kind} '${first}'` : `${kind} of '${shown ?? nameOf(resource, graph)}'`;
}

/** The isolation mode node that governs an outbound rule resource: its parent's (workspace or managedNetworks). */
export function isolationModeOver(rule: GraphResource, graph: DeploymentGraph): ValueNode | undefined {
  const parent = graph.related(rule, 'parent')[0];
  if (!parent) return undefined;
  const own = managedNetworkOf(parent)?.member('isolationMode');
  if (own || !isType(parent, WORKSPACE)) return own;
  // A workspace whose network is declared as a workspaces/managedNetworks child.
  const child = graph.related(parent, 'child', WORKSPACE_MANAGED_NETWORK)[0];
  return child && managedNetworkOf(child)?.member('isolationMode');
}

/** The last segment of a resource's name: the rule name of an outbound rule resource. */
export function ownName(resource: AiResource, graph: DeploymentGraph): string {
  const full = graph.fullName(resource);
  if (typeof full === 'string') return full.slice(full.lastIndexOf('/') + 1);
  return resource.name.slice(resource.name.lastIndexOf('/') + 1);
}
