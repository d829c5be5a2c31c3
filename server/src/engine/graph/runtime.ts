// Runtime state of a deployment's resources as values: what `reference()`, `resourceInfo()` and a
// Bicep resource symbol (`storage.properties.primaryEndpoints.blob`) evaluate to. Hosts Azure derives
// from a resource's name are known before deployment, per cloud; anything else stays Unknown.

import type { CloudName } from '../expressions/environment';
import { storageSuffix } from '../expressions/environment';
import { isObject, isUnknown, OPEN_OBJECT, Unknown, type OpenLookup, type Value, type ValueObject } from '../expressions/value';
import type { DeploymentGraph, GraphResource } from './graph';
import { RESOURCE_REF } from './ids';
import { patternOf, resourceIdOf, valueOfPattern } from './ids';

/** Host suffixes that `environment()` does not carry, per cloud (Azure's published endpoints). */
const HOSTS: Record<CloudName, { search: string; cosmos: string; web: string; cognitive: string; openai: string; foundry: string; keyvault: string }> = {
  AzureCloud: {
    search: 'search.windows.net', cosmos: 'documents.azure.com', web: 'azurewebsites.net',
    cognitive: 'cognitiveservices.azure.com', openai: 'openai.azure.com', foundry: 'services.ai.azure.com', keyvault: 'vault.azure.net',
  },
  AzureUSGovernment: {
    search: 'search.azure.us', cosmos: 'documents.azure.us', web: 'azurewebsites.us',
    cognitive: 'cognitiveservices.azure.us', openai: 'openai.azure.us', foundry: 'services.ai.azure.us', keyvault: 'vault.usgovcloudapi.net',
  },
  AzureChinaCloud: {
    search: 'search.azure.cn', cosmos: 'documents.azure.cn', web: 'chinacloudsites.cn',
    cognitive: 'cognitiveservices.azure.cn', openai: 'openai.azure.cn', foundry: 'services.ai.azure.cn', keyvault: 'vault.azure.cn',
  },
};

/** The host suffix a rule can expect for a service in a cloud (`search` → `search.windows.net`). */
export function serviceHostSuffix(cloud: CloudName, service: keyof (typeof HOSTS)['AzureCloud'] | 'storage'): string {
  return service === 'storage' ? storageSuffix(cloud) : HOSTS[cloud][service];
}

/** `https://{name}.{suffix}/`-style value from a known or partially known name. */
function hostValue(prefix: string, name: Value, suffix: string, reason: string): Value {
  const pattern = patternOf(name);
  if (pattern === undefined || pattern.includes('/')) return new Unknown(reason);
  return valueOfPattern(`${prefix}${pattern}${suffix}`, reason);
}

/** Runtime properties Azure derives from the name (and a few settings), by resource type. */
function derivedProperties(resource: GraphResource, name: Value, declared: (key: string) => Value | undefined, cloud: CloudName): ValueObject {
  const hosts = HOSTS[cloud];
  const why = `the name of '${label(resource)}' is only known at deployment`;
  switch (resource.type.toLowerCase()) {
    case 'microsoft.storage/storageaccounts': {
      const suffix = storageSuffix(cloud);
      const endpoint = (service: string) => hostValue('https://', name, `.${service}.${suffix}/`, why);
      return {
        primaryEndpoints: markOpen({
          blob: endpoint('blob'), queue: endpoint('queue'), table: endpoint('table'), file: endpoint('file'), dfs: endpoint('dfs'),
          // The static website host carries a zone number Azure assigns.
          web: webEndpoint(name, suffix, why),
        }, unknownLookup(`this endpoint of '${label(resource)}' is only known at deployment`)),
      };
    }
    case 'microsoft.search/searchservices':
      return { endpoint: hostValue('https://', name, `.${hosts.search}`, why) };
    case 'microsoft.documentdb/databaseaccounts':
      return { documentEndpoint: hostValue('https://', name, `.${hosts.cosmos}:443/`, why) };
    case 'microsoft.keyvault/vaults':
      return { vaultUri: hostValue('https://', name, `.${hosts.keyvault}/`, why) };
    case 'microsoft.managedidentity/userassignedidentities':
      return {
        principalId: principalValue(resource),
        clientId: new Unknown(`the client id of '${label(resource)}' is only known at deployment`),
        tenantId: new Unknown(`the tenant id of '${label(resource)}' is only known at deployment`),
      };
    case 'microsoft.web/sites':
      return { defaultHostName: hostValue('', name, `.${hosts.web}`, why) };
    case 'microsoft.cognitiveservices/accounts': {
      const sub = declared('customSubDomainName');
      const kind = resource.declaration?.member('kind')?.value;
      if (sub === undefined || sub === null || (!isUnknown(sub) && typeof sub !== 'string')) {
        return { endpoint: new Unknown(`AI service '${label(resource)}' has no customSubDomainName: its endpoint is regional`) };
      }
      const subWhy = 'its customSubDomainName is only known at deployment';
      const openai = hostValue('https://', sub, `.${hosts.openai}/`, subWhy);
      const cognitive = hostValue('https://', sub, `.${hosts.cognitive}/`, subWhy);
      const lower = typeof kind === 'string' ? kind.toLowerCase() : '';
      const endpoints: ValueObject = lower === 'openai' ? { 'OpenAI Language Model Instance API': openai }
        : lower === 'aiservices' ? { 'OpenAI Language Model Instance API': openai, 'AI Foundry API': hostValue('https://', sub, `.${hosts.foundry}/`, subWhy) }
        : {};
      return { endpoint: lower === 'openai' ? openai : cognitive, endpoints: markOpen(endpoints, unknownLookup('this endpoint of the AI service is only known at deployment')) };
    }
    case 'microsoft.resources/deployments': {
      // A nested template's outputs, evaluated there; a loop's deployments are not one.
      if (!resource.output || resource.loop) return {};
      const output = resource.output.bind(resource);
      const shown = typeof name === 'string' ? name : label(resource);
      return { outputs: markOpen({}, (key) => output(key) ?? new Unknown(`deployment '${shown}' has no output '${key}'`)) };
    }
    default:
      return {};
  }
}

/** Marks the Unknown principal id of a managed identity with the resource whose identity it is. */
export const PRINCIPAL_OF: unique symbol = Symbol('principal of');

/**
 * The principal id of a resource's managed identity (system-assigned: `x.identity.principalId`; a user-assigned
 * identity: `uai.properties.principalId`): only known at deployment, but it remembers whose it is, so role
 * assignments to it can be traced back, also when it is passed through parameters and modules.
 */
function principalValue(resource: GraphResource): Unknown {
  const value = new Unknown(`the principal id of '${label(resource)}' is only known at deployment`);
  Object.defineProperty(value, PRINCIPAL_OF, { value: resource, enumerable: false });
  return value;
}

/** The resource whose managed identity a principal id value is, when the value is one the graph made. */
export function principalOf(value: Value | undefined): GraphResource | undefined {
  return isUnknown(value) ? (value as { [PRINCIPAL_OF]?: GraphResource })[PRINCIPAL_OF] : undefined;
}

/** `x.identity` of a resource with a managed identity: the declared identity, with its principal id. */
function identityValue(resource: GraphResource): Value {
  const declared = resource.declaration?.member('identity')?.value;
  if (declared === undefined) return new Unknown(`'${label(resource)}' declares no identity`);
  if (!isObject(declared)) return declared;
  const type = declared.type;
  const system = typeof type === 'string' && type.toLowerCase().includes('systemassigned');
  const obj: ValueObject = { ...declared };
  if (system) obj.principalId = principalValue(resource);
  return markOpen(obj, unknownLookup(`this identity property of '${label(resource)}' is only known at deployment`));
}

function label(resource: GraphResource): string {
  return resource.symbolicName ?? resource.type;
}

function webEndpoint(name: Value, suffix: string, why: string): Value {
  const pattern = patternOf(name);
  if (pattern === undefined) return new Unknown(why);
  return valueOfPattern(`https://${pattern}.z\u0000.web.${suffix}/`, 'the zone of the static website host is assigned by Azure');
}

function unknownLookup(reason: string): OpenLookup {
  return () => new Unknown(reason);
}

function markOpen(obj: ValueObject, lookup: OpenLookup): ValueObject {
  Object.defineProperty(obj, OPEN_OBJECT, { value: lookup, enumerable: false });
  return obj;
}

/**
 * A resource as a value: `{ id, name, type, apiVersion, properties, ... }` (Bicep symbol, `reference(x, v, 'Full')`)
 * or just its properties (`reference(x)`). Hosts Azure derives from the name are set; declared settings are read
 * from the declaration when asked for (one at a time: most references read one property); anything else is
 * Unknown. The value remembers its resource, so relations can be resolved.
 */
export function resourceValue(resource: GraphResource, graph: DeploymentGraph, form: 'full' | 'properties'): Value {
  const cloud = graph.cloud;
  const runtimeReason = `this runtime property of '${label(resource)}' is only known at deployment`;
  const evaluating = new Set<string>();
  const declared = (key: string): Value | undefined => {
    const lower = key.toLowerCase();
    if (evaluating.has(lower)) return new Unknown(`'${label(resource)}' refers to itself`);
    evaluating.add(lower);
    try {
      return resource.declaration?.member('properties')?.member(key)?.value;
    } finally {
      evaluating.delete(lower);
    }
  };
  let properties: ValueObject | undefined;
  const propertiesValue = (): ValueObject => {
    if (properties) return properties;
    const derived = derivedProperties(resource, graph.fullName(resource), declared, cloud);
    properties = markOpen(derived, (key) => {
      const value = declared(key);
      return value === undefined ? new Unknown(runtimeReason) : value;
    });
    return properties;
  };
  if (form === 'properties') return propertiesValue();
  const fullName = graph.fullName(resource);
  const obj: ValueObject = {};
  Object.defineProperty(obj, 'id', { get: () => resourceIdOf(resource, fullName), enumerable: true });
  obj.name = fullName;
  obj.type = resource.type;
  if (resource.apiVersion) obj.apiVersion = resource.apiVersion.value;
  Object.defineProperty(obj, 'properties', { get: propertiesValue, enumerable: true });
  Object.defineProperty(obj, RESOURCE_REF, { value: resource, enumerable: false });
  return markOpen(obj, (key) => {
    if (key.toLowerCase() === 'identity') return identityValue(resource);
    const value = resource.declaration?.member(key)?.value;
    return value === undefined ? new Unknown(runtimeReason) : value;
  });
}
