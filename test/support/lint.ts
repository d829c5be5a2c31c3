// Test helpers: lint a template text and locate snippets in it.

import { analyze, type AnalysisResult, type Finding } from '../../server/src/engine/analyze';
import { mergeSettings, type Settings } from '../../server/src/engine/config';
import { applyFileEdits, editsFor } from '../../server/src/engine/edits';
import type { Fix } from '../../server/src/engine/fixes';
import type { FileKind } from '../../server/src/engine/model';
import { positionAt } from '../../server/src/engine/text';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ruleById } from '../../rules';

export const URI = 'file:///work/template.json';

/**
 * Rules that look at what the deployment holds around an account (its private endpoints, its diagnostic
 * settings) and so fire on every one-account fixture: off in the tests of the account's own settings. Their
 * tests (test/rules/use-private-endpoint.test.ts, enable-diagnostic-logs.test.ts) turn them on.
 */
export const DEPLOYMENT_RULES_OFF: Readonly<Record<string, 'off'>> = { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off' };

export function lintResult(text: string, settings: Partial<Settings> = {}, uri = URI, kind: FileKind = 'arm', files: Record<string, string> = {}): AnalysisResult {
  const merged = mergeSettings({ ...settings, rules: { ...DEPLOYMENT_RULES_OFF, ...settings.rules } });
  return analyze({ uri, text, kind }, { settings: merged, host: { readFile: (u) => files[u] } });
}

export function lint(text: string, settings: Partial<Settings> = {}): Finding[] {
  return [...lintResult(text, settings).findings];
}

export function only(findings: readonly Finding[], ruleId: string): Finding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}

/** "line:col-line:col" (1-based) of a finding, for exact-position assertions. */
export function where(f: Finding): string {
  const s = positionAt(f.loc.file.text, f.loc.start);
  const e = positionAt(f.loc.file.text, f.loc.end);
  return `${s.line + 1}:${s.character + 1}-${e.line + 1}:${e.character + 1}`;
}

/** The text a finding points at. */
export function textAt(f: Finding): string {
  return f.loc.file.text.slice(f.loc.start, f.loc.end);
}

/** Applies one fix to its file (the finding's file) and returns the new text. */
export function applyFix(fix: Fix, text: string): string {
  const edits = editsFor([fix], () => text);
  return applyFileEdits(text, edits);
}

/** Applies fixes to every file they edit (each must be one of `files`) and returns all the files. */
export function applyToFiles(fixes: readonly Fix[], files: Readonly<Record<string, string>>): Record<string, string> {
  const out = { ...files };
  const edits = editsFor(fixes, (uri) => files[uri]);
  for (const uri of new Set(edits.map((e) => e.uri))) {
    if (!(uri in files)) throw new Error(`a fix edits ${uri}, which is not one of the files`);
    out[uri] = applyFileEdits(files[uri], edits.filter((e) => e.uri === uri));
  }
  return out;
}

export function fixTitled(f: Finding, prefix: string): Fix {
  const fix = f.fixes.find((x) => x.title.startsWith(prefix));
  if (!fix) throw new Error(`no fix starting '${prefix}' among: ${f.fixes.map((x) => x.title).join(' | ')}`);
  return fix;
}

/** A deployment template around the given resources (JSON text of the array items). */
export function template(resources: string, extra = ''): string {
  return `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",${extra}
  "resources": [
${resources}
  ]
}
`;
}

/** A Cognitive Services account resource with the given properties JSON (indented for `template`). */
export function account(properties: string, { name = 'oai', kind = 'OpenAI', apiVersion = '2024-10-01', tags = '"tags": { "owner": "team" },' } = {}): string {
  return `    {
      "type": "Microsoft.CognitiveServices/accounts",
      "apiVersion": "${apiVersion}",
      "name": "${name}",
      "location": "eastus",
      "kind": "${kind}",
      ${tags}
      "properties": ${properties}
    }`;
}

/** The findings of one rule run alone, on an ARM (`.json`) or Bicep (`.bicep`) text; `files` are other files it reads (modules). */
export function lintRule(ruleId: string, text: string, kind: 'arm' | 'bicep' = 'arm', files: Record<string, string> = {}, settings: Partial<Settings> = {}): Finding[] {
  const rule = ruleById.get(ruleId);
  if (!rule) throw new Error(`no rule '${ruleId}'`);
  const uri = kind === 'arm' ? URI : BICEP_URI;
  const all: Record<string, string> = { [uri]: text };
  for (const [name, content] of Object.entries(files)) all[name.startsWith('file:') ? name : new URL(name, uri).href] = content;
  return [...analyze({ uri, text, kind }, { settings: mergeSettings(settings), rules: [rule], host: { readFile: (u) => all[u] } }).findings];
}

export const BICEP_URI = 'file:///work/main.bicep';

/** Syntax errors of a fixed text: none expected (jsonc-parser for ARM, our parser for Bicep). */
export function syntaxErrors(text: string, kind: 'arm' | 'bicep'): string[] {
  if (kind === 'arm') {
    const errors: ParseError[] = [];
    parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
    return errors.map((e) => `${printParseErrorCode(e.error)} at ${e.offset}`);
  }
  return parseBicep(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message} at ${d.start}`);
}

/**
 * A Bicep account module that writes its own (empty) allow-list and has a connection whose target its caller
 * passes, and that caller: only the caller can name the host (`<storage>.blob...`), so the fix goes through both.
 */
export function moduleAndCaller(account: string, storage: string): { readonly 'main.bicep': string; readonly 'account.bicep': string } {
  return {
    'account.bicep': `param docsEndpoint string
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: '${account}'
  location: 'eastus'
  kind: 'AIServices'
  tags: { owner: 'team' }
  properties: {
    customSubDomainName: '${account}'
    publicNetworkAccess: 'Disabled'
    restrictOutboundNetworkAccess: true
    allowedFqdnList: []
  }
  resource docs 'connections' = {
    name: 'docs'
    properties: { category: 'AzureBlob', target: docsEndpoint }
  }
}
`,
    'main.bicep': `resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: '${storage}', location: 'eastus' }
module account 'account.bicep' = {
  name: 'account'
  params: { docsEndpoint: st.properties.primaryEndpoints.blob }
}
`,
  };
}
