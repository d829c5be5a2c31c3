// Runtime state of a deployment's resources as values: what `reference()`, `resourceInfo()` and a
// Bicep resource symbol (`storage.properties.primaryEndpoints.blob`) evaluate to. Hosts Azure derives
// from a resource's name are known before deployment, per cloud; anything else stays Unknown.

import type { CloudName } from '../expressions/environment';
import { storageSuffix } from '../expressions/environment';
import { getProperty, isObject, isUnknown, OPEN_OBJECT, Unknown, type Value, type ValueObject } from '../expressions/value';
import type { DeploymentGraph, GraphResource } from './graph';
import { RESOURCE_REF } from './graph';
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
function derivedProperties(resource: GraphResource, name: Value, declared: () => Value, cloud: CloudName): ValueObject {
  const hosts = HOSTS[cloud];
  const why = `the name of '${resource.symbolicName ?? resource.type}' is only known at deployment`;
  switch (resource.type.toLowerCase()) {
    case 'microsoft.storage/storageaccounts': {
      const suffix = storageSuffix(cloud);
      const endpoint = (service: string) => hostValue('https://', name, `.${service}.${suffix}/`, why);
      return {
        primaryEndpoints: {
          blob: endpoint('blob'), queue: endpoint('queue'), table: endpoint('table'), file: endpoint('file'), dfs: endpoint('dfs'),
          // The static website host carries a zone number Azure assigns.
          web: webEndpoint(name, suffix, why),
        },
      };
    }
    case 'microsoft.search/searchservices':
      return { endpoint: hostValue('https://', name, `.${hosts.search}`, why) };
    case 'microsoft.documentdb/databaseaccounts':
      return { documentEndpoint: hostValue('https://', name, `.${hosts.cosmos}:443/`, why) };
    case 'microsoft.keyvault/vaults':
      return { vaultUri: hostValue('https://', name, `.${hosts.keyvault}/`, why) };
    case 'microsoft.web/sites':
      return { defaultHostName: hostValue('', name, `.${hosts.web}`, why) };
    case 'microsoft.cognitiveservices/accounts': {
      const props = declared();
      const sub = isObject(props) ? getProperty(props, 'customSubDomainName') : undefined;
      const kind = resource.declaration?.member('kind')?.value;
      if (sub === undefined || sub === null || (!isUnknown(sub) && typeof sub !== 'string')) {
        return { endpoint: new Unknown(`AI service '${resource.symbolicName ?? resource.type}' has no customSubDomainName: its endpoint is regional`) };
      }
      const subWhy = 'its customSubDomainName is only known at deployment';
      const openai = hostValue('https://', sub, `.${hosts.openai}/`, subWhy);
      const cognitive = hostValue('https://', sub, `.${hosts.cognitive}/`, subWhy);
      const isOpenAi = typeof kind === 'string' && kind.toLowerCase() === 'openai';
      const isFoundry = typeof kind === 'string' && kind.toLowerCase() === 'aiservices';
      const endpoints: ValueObject = isOpenAi ? { 'OpenAI Language Model Instance API': openai }
        : isFoundry ? { 'OpenAI Language Model Instance API': openai, 'AI Foundry API': hostValue('https://', sub, `.${hosts.foundry}/`, subWhy) }
        : {};
      markOpen(endpoints, 'this endpoint of the AI service is only known at deployment');
      return { endpoint: isOpenAi ? openai : cognitive, endpoints };
    }
    default:
      return {};
  }
}

function webEndpoint(name: Value, suffix: string, why: string): Value {
  const pattern = patternOf(name);
  if (pattern === undefined) return new Unknown(why);
  return valueOfPattern(`https://${pattern}.z\u0000.web.${suffix}/`, 'the zone of the static website host is assigned by Azure');
}

function markOpen(obj: ValueObject, reason: string): ValueObject {
  Object.defineProperty(obj, OPEN_OBJECT, { value: reason, enumerable: false });
  return obj;
}

/**
 * A resource as a value: `{ id, name, type, apiVersion, properties, ... }` (Bicep symbol, `reference(x, v, 'Full')`)
 * or just its properties (`reference(x)`). Declared settings come from the declaration, derived hosts from the
 * name; everything else reads as Unknown. The value remembers its resource, so relations can be resolved.
 */
export function resourceValue(resource: GraphResource, graph: DeploymentGraph, cloud: CloudName, form: 'full' | 'properties'): Value {
  let declared: Value | undefined;
  let evaluating = false;
  const declaredProperties = (): Value => {
    if (declared !== undefined) return declared;
    if (evaluating) return new Unknown(`'${resource.symbolicName ?? resource.type}' refers to itself`);
    evaluating = true;
    try {
      declared = resource.declaration?.member('properties')?.value ?? {};
    } finally {
      evaluating = false;
    }
    return declared;
  };
  let properties: Value | undefined;
  const propertiesValue = (): Value => {
    if (properties !== undefined) return properties;
    const own = declaredProperties();
    const merged: ValueObject = isObject(own) ? { ...own } : {};
    for (const [k, v] of Object.entries(derivedProperties(resource, graph.fullName(resource), declaredProperties, cloud))) {
      const existing = merged[k];
      merged[k] = isObject(existing) && isObject(v) ? markOpen({ ...existing, ...v }, `property '${k}' of '${resource.symbolicName ?? resource.type}' is only known at deployment`) : v;
    }
    properties = markOpen(merged, `this runtime property of '${resource.symbolicName ?? resource.type}' is only known at deployment`);
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
  return markOpen(obj, `this runtime property of '${resource.symbolicName ?? resource.type}' is only known at deployment`);
}
