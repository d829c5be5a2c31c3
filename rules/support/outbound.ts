// Judging the destination of an FQDN outbound rule of a managed network: wildcards that admit every host, a
// whole public suffix, or other customers' resources on a multi-tenant Azure domain; Azure Storage hosts; ports.

/**
 * Public suffixes of more than one label that a wildcard may be written over (`*.co.uk`). Any single label
 * (`*.com`, `*.net`, `*.io`) is a top-level domain and counts too. Not the whole Public Suffix List: the
 * common second-level registries.
 */
const PUBLIC_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'me.uk', 'ltd.uk', 'plc.uk', 'net.uk',
  'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au',
  'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'go.jp',
  'co.nz', 'org.nz', 'net.nz', 'co.za', 'org.za', 'co.in', 'net.in', 'org.in', 'co.kr', 'or.kr', 'co.il',
  'com.br', 'net.br', 'org.br', 'com.cn', 'net.cn', 'org.cn', 'gov.cn', 'com.hk', 'com.tw', 'com.sg', 'com.my',
  'com.mx', 'com.ar', 'com.tr', 'com.pl', 'com.ua', 'com.ru', 'com.es', 'co.id', 'co.th', 'com.vn', 'com.ph',
]);

/**
 * Azure domains under which every customer gets a host of their own (`<account>.blob.core.windows.net`), in
 * the three clouds. A wildcard over one of them, or over a domain above one (`*.windows.net`, `*.azure.com`),
 * admits other customers' resources, an attacker's included. `*` in a pattern stands for one label (a region,
 * a zone number).
 */
const MULTI_TENANT_DOMAINS: readonly string[] = [
  ...['core.windows.net', 'core.usgovcloudapi.net', 'core.chinacloudapi.cn'].flatMap((suffix) =>
    ['blob', 'file', 'queue', 'table', 'dfs'].map((service) => `${service}.${suffix}`).concat(`*.web.${suffix}`)),
  // App Service, Functions, Static Web Apps, Container Apps, API Management, Front Door, CDN, cloud services.
  'azurewebsites.net', 'scm.azurewebsites.net', 'azurewebsites.us', 'chinacloudsites.cn', 'azurestaticapps.net',
  '*.azurecontainerapps.io', 'azure-api.net', 'azure-api.us', 'azure-api.cn', 'azurefd.net', 'azureedge.net', 'cloudapp.net',
  '*.cloudapp.azure.com', '*.cloudapp.usgovcloudapi.net', '*.cloudapp.chinacloudapi.cn', 'trafficmanager.net',
  // AI, search, data and messaging services.
  'openai.azure.com', 'cognitiveservices.azure.com', 'services.ai.azure.com', 'openai.azure.us', 'cognitiveservices.azure.us',
  'openai.azure.cn', 'cognitiveservices.azure.cn', 'search.windows.net', 'search.azure.us', 'search.azure.cn',
  'documents.azure.com', 'documents.azure.us', 'documents.azure.cn', 'vault.azure.net', 'vault.usgovcloudapi.net', 'vault.azure.cn',
  'database.windows.net', 'database.usgovcloudapi.net', 'database.chinacloudapi.cn', 'postgres.database.azure.com',
  'mysql.database.azure.com', 'redis.cache.windows.net', 'servicebus.windows.net', 'servicebus.usgovcloudapi.net',
  'servicebus.chinacloudapi.cn', 'azure-devices.net', 'azconfig.io', 'azurecr.io', 'azurecr.us', 'azurecr.cn',
  'azuresynapse.net', 'azuredatabricks.net', '*.kusto.windows.net', 'azurehdinsight.net', 'azure-automation.net',
  '*.api.azureml.ms', '*.notebooks.azure.net', '*.instances.azureml.ms',
];

function labelsMatch(pattern: string, labels: readonly string[]): boolean {
  const own = pattern.split('.');
  return own.length === labels.length && own.every((p, i) => p === '*' || p === labels[i]);
}

/** Whether `suffix` is a multi-tenant domain or a domain above one: the one it covers, else undefined. */
function multiTenantUnder(suffix: string): string | undefined {
  const labels = suffix.split('.');
  for (const domain of MULTI_TENANT_DOMAINS) {
    const own = domain.split('.');
    if (own.length < labels.length) continue;
    // The suffix equals the domain, or is one of the domains above it.
    if (labelsMatch(own.slice(own.length - labels.length).join('.'), labels)) return domain.replace(/^\*\./, '');
  }
  return undefined;
}

export type Breadth =
  | { readonly kind: 'anyHost' }
  | { readonly kind: 'publicSuffix'; readonly suffix: string }
  | { readonly kind: 'multiTenant'; readonly suffix: string; readonly domain: string };

/**
 * Why a destination with a wildcard admits too much, or undefined when it does not (`*.pytorch.org`: every
 * host under a domain one party controls, as the Azure documentation recommends for package mirrors).
 */
export function breadthOf(destination: string): Breadth | undefined {
  const host = hostPart(destination).toLowerCase().replace(/\.$/, '');
  if (!host.includes('*')) return undefined;
  const labels = host.split('.');
  const wild = labels.findIndex((l) => l.includes('*'));
  const suffix = labels.slice(wild + 1).join('.');
  if (!suffix || labels.slice(wild + 1).every((l) => l === '*' || l === '')) return { kind: 'anyHost' };
  if (labels.length - wild - 1 === 1 || PUBLIC_SUFFIXES.has(suffix)) return { kind: 'publicSuffix', suffix };
  const domain = multiTenantUnder(suffix);
  return domain ? { kind: 'multiTenant', suffix, domain } : undefined;
}

/** The host of a destination, without a port. */
export function hostPart(destination: string): string {
  const match = /^(.*?)(?::(\d*))?$/.exec(destination.trim());
  return match ? match[1] : destination;
}

/** The port written after the host (`example.com:8080`), when there is one. */
export function portOf(destination: string): string | undefined {
  return /:(\d*)$/.exec(destination.trim())?.[1];
}

const STORAGE_SUFFIXES = ['core.windows.net', 'core.usgovcloudapi.net', 'core.chinacloudapi.cn'];

/** Whether a destination is an Azure Storage host (blob, file, queue, table, dfs, static website), in any cloud. */
export function isStorageHost(destination: string): boolean {
  const host = hostPart(destination).toLowerCase().replace(/\.$/, '');
  return STORAGE_SUFFIXES.some((suffix) => new RegExp(`\\.(blob|file|queue|table|dfs|z[0-9a-z*]*\\.web)\\.${suffix.replace(/\./g, '\\.')}$`).test(host));
}

/** Ports FQDN rules support. */
export const FQDN_PORTS = ['80', '443'];

/** The ports of a `portRanges` value ('443', '80,443', '8000-8080', '*') that FQDN rules do not support. */
export function unsupportedPorts(ranges: string): string[] {
  return ranges.split(',').map((p) => p.trim()).filter((p) => p !== '' && !FQDN_PORTS.includes(p));
}
