// SARIF 2.1.0 output for code-scanning dashboards.

import * as path from 'node:path';
import { rules, docsUrl, type Level } from '../../../rules';
import type { AnalysisResult, Finding } from '../engine/analyze';
import { positionAt } from '../engine/text';
import { uriToPath } from '../workspace/node-host';

const SARIF_LEVEL: Record<Level, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  /** Results' URIs are made relative to this folder (uriBaseId %SRCROOT%). */
  readonly root: string;
  readonly version: string;
}

export function toSarif(results: readonly AnalysisResult[], options: SarifOptions): object {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const relative = (uri: string) => {
    const file = uriToPath(uri);
    return file ? path.relative(options.root, file).split(path.sep).join('/') : uri;
  };
  const location = (uri: string, text: string, start: number, end: number, message?: string) => {
    const s = positionAt(text, start);
    const e = positionAt(text, end);
    return {
      physicalLocation: {
        artifactLocation: { uri: relative(uri), uriBaseId: '%SRCROOT%' },
        region: { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 },
      },
      ...(message ? { message: { text: message } } : {}),
    };
  };
  const sarifResults = results.flatMap((r) => r.findings.map((f: Finding) => ({
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId),
    level: SARIF_LEVEL[f.level],
    message: { text: f.message },
    locations: [location(f.loc.file.uri, f.loc.file.text, f.loc.start, f.loc.end)],
    ...(f.related.some((x) => x.loc.file.text) ? {
      relatedLocations: f.related.filter((x) => x.loc.file.text).map((x, id) => ({ id, ...location(x.loc.file.uri, x.loc.file.text, x.loc.start, x.loc.end, x.message) })),
    } : {}),
  })));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'ai-egress-guard',
          fullName: 'Azure AI Egress Guard',
          version: options.version,
          informationUri: docsUrl('').replace(/docs\/rules\/\.md$/, ''),
          rules: rules.map((r) => ({
            id: r.id,
            name: r.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
            shortDescription: { text: r.description },
            fullDescription: { text: r.description },
            helpUri: docsUrl(r.id),
            defaultConfiguration: { level: SARIF_LEVEL[r.defaultLevel] },
          })),
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { uri: pathToDirUri(options.root) } },
      results: sarifResults,
    }],
  };
}

function pathToDirUri(dir: string): string {
  const href = new URL(`file://${path.resolve(dir).split(path.sep).join('/')}`).href;
  return href.endsWith('/') ? href : `${href}/`;
}
