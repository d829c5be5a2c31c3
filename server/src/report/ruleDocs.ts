// The rules' docs pages shipped with the code (docs/rules/ beside dist/ in the .vsix and the package; tests run
// from out/, further down): where they are, and the help a SARIF rule descriptor carries from them (no network).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { docsUrl } from '../../../rules';

/** The folder of the shipped rule pages, when there is one. */
export const RULE_DOCS_DIR: string | undefined = (() => {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'docs', 'rules');
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
})();

/** A rule's shipped page, as a path; undefined when pages are not shipped or the rule has none. */
export function ruleDocsPath(ruleId: string): string | undefined {
  const file = RULE_DOCS_DIR && path.join(RULE_DOCS_DIR, `${ruleId}.md`);
  return file && fs.existsSync(file) ? file : undefined;
}

export interface RuleHelp { readonly text: string; readonly markdown: string }

const helps = new Map<string, RuleHelp | undefined>();

/**
 * A rule's help, from its page: the summary under the title and what "How to fix" says before the editor's quick
 * fixes, with relative links made absolute; then the page's address. Undefined without a shipped page.
 */
export function ruleHelp(ruleId: string): RuleHelp | undefined {
  if (helps.has(ruleId)) return helps.get(ruleId);
  const file = ruleDocsPath(ruleId);
  const help = file ? helpOf(fs.readFileSync(file, 'utf8').replace(/\r\n?/g, '\n'), docsUrl(ruleId)) : undefined;
  helps.set(ruleId, help);
  return help;
}

/** The help of a page: exported for the test that checks it against the pages. */
export function helpOf(page: string, url: string): RuleHelp | undefined {
  const lines = page.split('\n');
  const summary = lines.slice(1).find((l) => l.trim() !== '')?.trim();
  if (!summary || summary.startsWith('#')) return undefined;
  const fix = section(page, 'How to fix')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  // The editor's quick fixes (a table, or a sentence about them) are for the editor, not a code-scanning alert.
  const end = fix.findIndex((p) => /^(\||Quick fixes|The editor|There is no quick fix|This rule has no quick fix)/.test(p));
  const paragraphs = [summary, ...(end < 0 ? fix : fix.slice(0, end))].map((p) => absoluteLinks(p, url));
  const markdown = [...paragraphs, `[Documentation](${url})`].join('\n\n');
  const text = [...paragraphs.map(plain), `Documentation: ${url}`].join('\n\n');
  return { text, markdown };
}

/** A level-2 section's text, without its heading. */
function section(page: string, name: string): string {
  const start = page.indexOf(`\n## ${name}\n`);
  if (start < 0) return '';
  const body = page.slice(start + name.length + 5);
  const next = body.indexOf('\n## ');
  return next < 0 ? body : body.slice(0, next);
}

/** Links to other pages (`limits.md`, `../configuration.md#x`) made absolute against the page's address. */
function absoluteLinks(markdown: string, url: string): string {
  return markdown.replace(/\]\(([^)\s]+)\)/g, (whole, target: string) => (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') ? whole : `](${new URL(target, url).href})`));
}

/** Markdown as plain text: code spans and emphasis unmarked, links as "label (address)". */
function plain(markdown: string): string {
  return markdown.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 ($2)').replace(/\*\*([^*]+)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1');
}
