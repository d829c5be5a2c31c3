// environment() for the three public clouds. AzureCloud values are the documented example output of
// "Deployment functions for ARM templates" (environment); the other clouds use their published endpoints.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLOUD_NAMES, environmentValue, parseCloudName, storageSuffix } from '../../server/src/engine/expressions/environment';
import { assertJson, assertUnknown, ev, output } from './support';

describe('environment()', () => {
  test('AzureCloud matches the documented object', () => {
    assertJson(ev('[environment()]'), {
      name: 'AzureCloud',
      gallery: 'https://gallery.azure.com/',
      graph: 'https://graph.windows.net/',
      portal: 'https://portal.azure.com',
      graphAudience: 'https://graph.windows.net/',
      activeDirectoryDataLake: 'https://datalake.azure.net/',
      batch: 'https://batch.core.windows.net/',
      media: 'https://rest.media.azure.net',
      sqlManagement: 'https://management.core.windows.net:8443/',
      vmImageAliasDoc: 'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
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
    });
  });

  test('storage suffix per cloud', () => {
    assert.equal(ev('[environment().suffixes.storage]'), 'core.windows.net');
    assert.equal(ev('[environment().suffixes.storage]', { cloud: 'AzureUSGovernment' }), 'core.usgovcloudapi.net');
    assert.equal(ev('[environment().suffixes.storage]', { cloud: 'AzureChinaCloud' }), 'core.chinacloudapi.cn');
    assert.equal(storageSuffix('AzureChinaCloud'), 'core.chinacloudapi.cn');
  });

  test('other endpoints per cloud', () => {
    const gov = { cloud: 'AzureUSGovernment' as const };
    const cn = { cloud: 'AzureChinaCloud' as const };
    assert.equal(ev('[environment().name]', gov), 'AzureUSGovernment');
    assert.equal(ev('[environment().resourceManager]', gov), 'https://management.usgovcloudapi.net/');
    assert.equal(ev('[environment().authentication.loginEndpoint]', gov), 'https://login.microsoftonline.us/');
    assert.equal(ev('[environment().suffixes.keyvaultDns]', gov), '.vault.usgovcloudapi.net');
    assert.equal(ev('[environment().suffixes.sqlServerHostname]', gov), '.database.usgovcloudapi.net');
    assert.equal(ev('[environment().suffixes.acrLoginServer]', gov), '.azurecr.us');
    assert.equal(ev('[environment().portal]', gov), 'https://portal.azure.us');
    assert.equal(ev('[environment().name]', cn), 'AzureChinaCloud');
    assert.equal(ev('[environment().resourceManager]', cn), 'https://management.chinacloudapi.cn/');
    assert.equal(ev('[environment().authentication.loginEndpoint]', cn), 'https://login.chinacloudapi.cn/');
    assert.equal(ev('[environment().suffixes.keyvaultDns]', cn), '.vault.azure.cn');
    assert.equal(ev('[environment().suffixes.sqlServerHostname]', cn), '.database.chinacloudapi.cn');
    assert.equal(ev('[environment().suffixes.acrLoginServer]', cn), '.azurecr.cn');
    assert.equal(ev('[environment().graph]', cn), 'https://graph.chinacloudapi.cn/');
  });

  test('suffixes a cloud does not publish are unknown, safe access gives null', () => {
    assertUnknown(ev('[environment().suffixes.azureDatalakeStoreFileSystem]', { cloud: 'AzureChinaCloud' }), /doesn't exist/);
    assert.equal(ev('[environment().suffixes.?azureDatalakeStoreFileSystem]', { cloud: 'AzureChinaCloud' }), null);
  });

  test('host names built from suffixes', () => {
    const template = {
      parameters: { name: { type: 'string', defaultValue: 'acct' } },
      outputs: { blob: { value: "[format('https://{0}.blob.{1}/', parameters('name'), environment().suffixes.storage)]" } },
    };
    assert.equal(output(template, 'blob'), 'https://acct.blob.core.windows.net/');
    assert.equal(output(template, 'blob', { cloud: 'AzureUSGovernment' }), 'https://acct.blob.core.usgovcloudapi.net/');
    assert.equal(output(template, 'blob', { cloud: 'AzureChinaCloud' }), 'https://acct.blob.core.chinacloudapi.cn/');
  });

  test('environmentValue is shared but frozen; cloud names parse case-insensitively', () => {
    const a = environmentValue('AzureCloud');
    assert.throws(() => { (a.suffixes as Record<string, unknown>).storage = 'changed'; }, TypeError);
    assert.equal((environmentValue('AzureCloud').suffixes as Record<string, unknown>).storage, 'core.windows.net');
    assert.deepEqual([...CLOUD_NAMES], ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud']);
    assert.equal(parseCloudName('azureusgovernment'), 'AzureUSGovernment');
    assert.equal(parseCloudName('mars'), undefined);
  });
});
