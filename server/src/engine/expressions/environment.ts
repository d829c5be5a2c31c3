// Values returned by the ARM `environment()` function for the public Azure clouds.
//
// AzureCloud is the object shown in the ARM documentation ("Deployment functions for ARM templates",
// environment example). AzureUSGovernment and AzureChinaCloud follow the same shape, with the endpoints
// and suffixes Azure publishes for those clouds (ARM metadata endpoint / `az cloud show`), written in the
// same style as the AzureCloud object (leading '.' for host suffixes such as keyvaultDns, trailing '/'
// on the same URLs). Suffixes a cloud does not offer are absent, so reading them yields an Unknown.

import type { ValueObject } from './value';

export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

export const CLOUD_NAMES: readonly CloudName[] = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'];

export function isCloudName(s: string): s is CloudName {
  return (CLOUD_NAMES as readonly string[]).includes(s);
}

/** Case-insensitive lookup of a cloud name ("azurecloud" → "AzureCloud"). */
export function parseCloudName(s: string): CloudName | undefined {
  const lower = s.toLowerCase();
  return CLOUD_NAMES.find((c) => c.toLowerCase() === lower);
}

const VM_IMAGE_ALIAS_DOC = 'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json';

const ENVIRONMENTS: Record<CloudName, ValueObject> = {
  AzureCloud: {
    name: 'AzureCloud',
    gallery: 'https://gallery.azure.com/',
    graph: 'https://graph.windows.net/',
    portal: 'https://portal.azure.com',
    graphAudience: 'https://graph.windows.net/',
    activeDirectoryDataLake: 'https://datalake.azure.net/',
    batch: 'https://batch.core.windows.net/',
    media: 'https://rest.media.azure.net',
    sqlManagement: 'https://management.core.windows.net:8443/',
    vmImageAliasDoc: VM_IMAGE_ALIAS_DOC,
    resourceManager: 'https://management.azure.com/',
    authentication: {
      loginEndpoint: 'https://login.microsoftonline.com/',
      audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'],
      tenant: 'common',
      identityProvider: 'AAD',
    },
    suffixes: {
      acrLoginServer: '.azurecr.io',
      azureDatalakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
      azureDatalakeStoreFileSystem: 'azuredatalakestore.net',
      azureFrontDoorEndpointSuffix: 'azurefd.net',
      keyvaultDns: '.vault.azure.net',
      sqlServerHostname: '.database.windows.net',
      storage: 'core.windows.net',
    },
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    gallery: 'https://gallery.usgovcloudapi.net/',
    graph: 'https://graph.windows.net/',
    portal: 'https://portal.azure.us',
    graphAudience: 'https://graph.windows.net/',
    batch: 'https://batch.core.usgovcloudapi.net/',
    media: 'https://rest.media.usgovcloudapi.net',
    sqlManagement: 'https://management.core.usgovcloudapi.net:8443/',
    vmImageAliasDoc: VM_IMAGE_ALIAS_DOC,
    resourceManager: 'https://management.usgovcloudapi.net/',
    authentication: {
      loginEndpoint: 'https://login.microsoftonline.us/',
      audiences: ['https://management.core.usgovcloudapi.net/', 'https://management.usgovcloudapi.net/'],
      tenant: 'common',
      identityProvider: 'AAD',
    },
    suffixes: {
      acrLoginServer: '.azurecr.us',
      keyvaultDns: '.vault.usgovcloudapi.net',
      sqlServerHostname: '.database.usgovcloudapi.net',
      storage: 'core.usgovcloudapi.net',
    },
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    gallery: 'https://gallery.chinacloudapi.cn/',
    graph: 'https://graph.chinacloudapi.cn/',
    portal: 'https://portal.azure.cn',
    graphAudience: 'https://graph.chinacloudapi.cn/',
    batch: 'https://batch.chinacloudapi.cn/',
    media: 'https://rest.media.chinacloudapi.cn',
    sqlManagement: 'https://management.core.chinacloudapi.cn:8443/',
    vmImageAliasDoc: VM_IMAGE_ALIAS_DOC,
    resourceManager: 'https://management.chinacloudapi.cn/',
    authentication: {
      loginEndpoint: 'https://login.chinacloudapi.cn/',
      audiences: ['https://management.core.chinacloudapi.cn/', 'https://management.chinacloudapi.cn/'],
      tenant: 'common',
      identityProvider: 'AAD',
    },
    suffixes: {
      acrLoginServer: '.azurecr.cn',
      keyvaultDns: '.vault.azure.cn',
      sqlServerHostname: '.database.chinacloudapi.cn',
      storage: 'core.chinacloudapi.cn',
    },
  },
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const FROZEN = new Map<CloudName, ValueObject>();

/** The `environment()` object of a cloud: shared and frozen (templates call it in every allow-list entry). */
export function environmentValue(cloud: CloudName): ValueObject {
  let value = FROZEN.get(cloud);
  if (!value) FROZEN.set(cloud, (value = deepFreeze(structuredClone(ENVIRONMENTS[cloud] ?? ENVIRONMENTS.AzureCloud))));
  return value;
}

/** Storage endpoint suffix of a cloud ("core.windows.net" for AzureCloud). */
export function storageSuffix(cloud: CloudName): string {
  return (ENVIRONMENTS[cloud].suffixes as ValueObject).storage as string;
}
