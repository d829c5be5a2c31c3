// The end-to-end scenarios, checked in the UI the way a user would see them. They share one workbench and one
// workspace and run in the order of SCENARIOS (the settings scenario needs the finding the quick fix removes).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { log, waitFor, waitForStable } from '../support/codeServer';
import { RULE, SOURCE, WORKSPACE_FILES, declaresBicep, restrictTitle, type Manifest } from '../support/templates';
import type { Request, Response } from 'playwright-core';
import type { Workbench } from './workbench';

export interface Context {
  wb: Workbench;
  /** Absolute path of the workspace folder open in the workbench. */
  workspace: string;
  /** The installed extension's package.json. */
  manifest: Manifest;
  /** Whether a stand-in registers the `bicep` language (the extension relies on the Bicep extension for it). */
  bicepStandIn: boolean;
}

/** Thrown (or returned through skip()) to report a scenario as skipped, with the reason. */
export class Skip extends Error {}

export interface Scenario {
  /** The number in the test plan. */
  id: number;
  title: string;
  run(ctx: Context): Promise<void>;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const file = (ctx: Context, name: string) => path.join(ctx.workspace, name);
const describe = (rows: { code: string; message: string; file: string }[]) =>
  rows.length ? rows.map((r) => `\n    ${path.basename(r.file)}: [${r.code}] ${r.message}`).join('') : ' (none)';

/** Opens a template and waits until the Problems panel lists the outbound finding for `resource`. */
async function expectFinding(ctx: Context, fileName: string, resource: string, timeout = 45_000) {
  const { wb } = ctx;
  await wb.quickOpen(fileName);
  await wb.filterProblems(resource);
  const found = await waitFor(async () => {
    const rows = await wb.findings(RULE, resource);
    return rows.length ? rows : undefined;
  }, { what: `Problems to list ${RULE} for '${resource}' (${fileName})`, timeout }).catch(async (error: Error) => {
    await wb.filterProblems('').catch(() => undefined);
    throw new Error(`${error.message}; Problems shows (unfiltered):${describe(await wb.problems())}`);
  });
  const [finding] = found;
  check(finding.source === SOURCE, `source is "${finding.source}", expected "${SOURCE}"`);
  check(finding.file.endsWith(`/${fileName}`), `finding listed under ${finding.file}, expected ${fileName}`);
  // The rule's page bundled in the extension, opened by a command link (Markdown preview, offline).
  check(finding.href.startsWith('command:aiEgressGuard.showRuleDocumentation') && decodeURIComponent(finding.href).includes(RULE),
    `the code should link to the rule's bundled docs, href is "${finding.href}"`);
  return finding;
}

/** Opens `fileName` and waits for Problems to list a finding of `code` naming `resource`. */
async function expectCode(ctx: Context, fileName: string, code: string, resource: string) {
  const { wb } = ctx;
  await wb.quickOpen(fileName);
  await wb.filterProblems(resource);
  return waitFor(async () => {
    const rows = await wb.findings(code, resource);
    return rows.length ? rows : undefined;
  }, { what: `Problems to list ${code} for '${resource}' (${fileName})`, timeout: 30_000 });
}

/** Clicks the finding in Problems, opens Ctrl+. in the editor, checks `title` is offered and picks it; returns the titles. */
async function chooseFix(ctx: Context, fileName: string, code: string, resource: string, title: string, step: string): Promise<string[]> {
  const { wb } = ctx;
  await wb.clickProblem(code, resource);
  await wb.waitForActiveTab(fileName);
  await wb.focusEditorArea();
  const titles = await wb.openQuickFixMenu();
  await wb.screenshot(`${step}-quick-fix-menu`);
  check(titles.some((t) => t === title || t.startsWith(title)), `the quick-fix menu offers ${JSON.stringify(titles)}, expected "${title}"`);
  await wb.chooseQuickFix(title);
  return titles;
}

/** Puts the cursor on the finding (click in Problems, then focus the editor), opens Ctrl+. and picks the fix. */
async function applyRestrictFix(ctx: Context, fileName: string, resource: string, step: string) {
  const { wb } = ctx;
  await wb.clickProblem(RULE, resource);
  await wb.waitForActiveTab(fileName);
  await wb.focusEditorArea();
  const titles = await wb.openQuickFixMenu();
  await wb.screenshot(`${step}-quick-fix-menu`);
  const title = restrictTitle(resource);
  check(titles.some((t) => t === title || t.startsWith(title)), `the quick-fix menu offers ${JSON.stringify(titles)}, expected "${title}"`);
  await wb.chooseQuickFix(title);
}

/** Ctrl+S, then waits for the tab to be clean and returns the file as saved on disk. */
async function save(ctx: Context, fileName: string, mustContain: RegExp): Promise<string> {
  const { wb } = ctx;
  await wb.focusEditorArea();
  await wb.page.keyboard.press('Control+S');
  await waitFor(async () => !(await wb.activeTabDirty()), { what: `${fileName} to be saved (tab not dirty)` });
  return waitFor(() => {
    const text = fs.readFileSync(file(ctx, fileName), 'utf8');
    return mustContain.test(text) ? text : undefined;
  }, { what: `${fileName} on disk to match ${mustContain}` });
}

export const SCENARIOS: Scenario[] = [
  {
    id: 1,
    title: 'an unrestricted AI service is flagged in Problems; a hardened one is not',
    async run(ctx) {
      const { wb } = ctx;
      const finding = await expectFinding(ctx, 'unsafe.json', 'openai-unsafe');
      log(`  Problems: [${finding.code}] ${finding.message} ${finding.position}`);
      await wb.screenshot('1-unsafe-finding');

      await wb.quickOpen('hardened.json');
      await wb.filterProblems('');
      const ours = async () => (await wb.problems()).filter((p) => p.file.endsWith('/hardened.json') && p.source === SOURCE
        || p.message.includes("'openai-hardened'"));
      await waitForStable(async () => (await ours()).length === 0, { what: 'hardened.json to stay free of ai-egress-guard findings', stableFor: 3_000 })
        .catch(async (error: Error) => {
          throw new Error(`${error.message}; found:${describe(await ours())}`);
        });
      await wb.screenshot('1-hardened-clean');
      // Still listing the unsafe template's finding: the panel was live while we looked.
      check((await wb.findings(RULE, 'openai-unsafe')).length > 0, 'the finding for openai-unsafe vanished while hardened.json was open');
    },
  },
  {
    id: 5,
    title: 'turning the rule off in .vscode/settings.json removes its finding',
    async run(ctx) {
      const { wb } = ctx;
      await expectFinding(ctx, 'unsafe.json', 'openai-unsafe');
      const settings = file(ctx, '.vscode/settings.json');
      fs.mkdirSync(path.dirname(settings), { recursive: true });
      fs.writeFileSync(settings, `${JSON.stringify({ 'aiEgressGuard.rules': { [RULE]: 'off' } }, null, 2)}\n`);
      log(`  wrote ${settings}`);
      await waitFor(async () => (await wb.findings(RULE, 'openai-unsafe')).length === 0,
        { what: `the ${RULE} finding for 'openai-unsafe' to disappear after the setting`, timeout: 30_000 })
        .catch(async (error: Error) => {
          throw new Error(`${error.message}; Problems shows:${describe(await wb.problems())}`);
        });
      await wb.screenshot('5-rule-off');
      const others = (await wb.problems()).filter((p) => p.source === SOURCE && p.message.includes("'openai-unsafe'"));
      check(others.length > 0, `with only ${RULE} off, the other findings for 'openai-unsafe' (owner tag, public network access) should stay; Problems shows:${describe(await wb.problems())}`);

      // Back on: the finding returns (also leaves the workspace as the next scenarios expect it).
      fs.rmSync(settings);
      await waitFor(async () => (await wb.findings(RULE, 'openai-unsafe')).length > 0,
        { what: `the ${RULE} finding to come back once the setting is removed`, timeout: 30_000 });
      await wb.screenshot('5-rule-back-on');
    },
  },
  {
    id: 2,
    title: "the quick fix \"Restrict outbound network access for 'openai-unsafe'\" fixes the JSON template",
    async run(ctx) {
      const { wb } = ctx;
      await expectFinding(ctx, 'unsafe.json', 'openai-unsafe');
      await applyRestrictFix(ctx, 'unsafe.json', 'openai-unsafe', '2');
      await waitFor(async () => (await wb.editorText()).includes('"restrictOutboundNetworkAccess": true'),
        { what: 'the editor to contain "restrictOutboundNetworkAccess": true' })
        .catch(async (error: Error) => {
          throw new Error(`${error.message}; editor shows:\n${await wb.editorText()}`);
        });
      await waitFor(async () => (await wb.findings(RULE, 'openai-unsafe')).length === 0,
        { what: 'the finding to disappear from Problems after the fix', timeout: 20_000 });
      await wb.screenshot('2-fixed');
      const saved = await save(ctx, 'unsafe.json', /restrictOutboundNetworkAccess/);
      let parsed: { resources?: { properties?: Record<string, unknown> }[] };
      try {
        parsed = JSON.parse(saved);
      } catch (error) {
        throw new Error(`the saved unsafe.json is not strict JSON (${(error as Error).message}):\n${saved}`);
      }
      check(parsed.resources?.[0]?.properties?.restrictOutboundNetworkAccess === true,
        `saved file: resources[0].properties.restrictOutboundNetworkAccess is ${JSON.stringify(parsed.resources?.[0]?.properties?.restrictOutboundNetworkAccess)}`);
      await wb.screenshot('2-saved');
    },
  },
  {
    id: 3,
    title: 'a Bicep template is flagged and fixed the same way',
    async run(ctx) {
      const { wb } = ctx;
      if (!declaresBicep(ctx.manifest)) {
        throw new Skip("the packaged extension declares no 'bicep' language (contributes.languages) nor onLanguage:bicep");
      }
      await wb.quickOpen('main.bicep');
      // The status bar shows the previous editor's language for a moment: poll until it names Bicep.
      let mode = '';
      await waitFor(async () => /bicep/i.test((mode = (await wb.languageMode()) ?? '')), { what: 'the status bar to show the Bicep language mode', timeout: 10_000 })
        .catch(() => undefined);
      await wb.screenshot('3-bicep-open');
      check(/bicep/i.test(mode), `main.bicep opens as "${mode}", expected Bicep (${ctx.bicepStandIn ? 'language from the test stand-in' : 'language contributed by the extension'})`);
      await expectFinding(ctx, 'main.bicep', 'bicep-unsafe', 20_000);
      await wb.screenshot('3-bicep-finding');
      await applyRestrictFix(ctx, 'main.bicep', 'bicep-unsafe', '3');
      await waitFor(async () => /restrictOutboundNetworkAccess:\s*true/.test(await wb.editorText()),
        { what: 'the editor to contain restrictOutboundNetworkAccess: true' })
        .catch(async (error: Error) => {
          throw new Error(`${error.message}; editor shows:\n${await wb.editorText()}`);
        });
      await waitFor(async () => (await wb.findings(RULE, 'bicep-unsafe')).length === 0,
        { what: 'the Bicep finding to disappear after the fix', timeout: 20_000 });
      const saved = await save(ctx, 'main.bicep', /restrictOutboundNetworkAccess:\s*true/);
      check(saved.includes("name: 'bicep-unsafe'"), `the saved main.bicep lost its content:\n${saved}`);
      await wb.screenshot('3-bicep-fixed');
    },
  },
  {
    id: 4,
    title: 'AI Egress Guard: Audit Workspace reports progress, a summary, and findings of never-opened templates',
    async run(ctx) {
      const { wb } = ctx;
      await wb.recordNotifications();
      await wb.runCommand('AI Egress Guard: Audit Workspace');
      await waitFor(async () => (await wb.notificationsSeen()).some((n) => n.progress),
        { what: 'a progress notification', timeout: 30_000 })
        .catch(async (error: Error) => {
          throw new Error(`${error.message}; notifications seen: ${JSON.stringify(await wb.notificationsSeen())}`);
        });
      const summary = await waitFor(async () => (await wb.notificationsSeen()).find((n) => /AI service instances?/i.test(n.text) && !n.progress),
        { what: 'the audit summary notification', timeout: 60_000 })
        .catch(async (error: Error) => {
          throw new Error(`${error.message}; notifications seen: ${JSON.stringify(await wb.notificationsSeen())}`);
        });
      log(`  notifications: ${JSON.stringify(await wb.notificationsSeen())}`);
      await wb.screenshot('4-audit-summary');
      const arm = Object.keys(WORKSPACE_FILES).filter((f) => f.endsWith('.json')).length;
      const count = Number(/(\d+)\s+AI service instances?/i.exec(summary.text)?.[1]);
      check(count === arm || count === arm + 1, `the summary reports ${count} AI service instances, expected ${arm} (ARM) or ${arm + 1} (with main.bicep): "${summary.text}"`);
      check(summary.buttons.includes('Show Problems'), `summary buttons: ${JSON.stringify(summary.buttons)}, expected "Show Problems"`);
      check(summary.buttons.includes('Export SARIF'), `summary buttons: ${JSON.stringify(summary.buttons)}, expected "Export SARIF"`);

      // The progress notification closes once the audit is over.
      await waitFor(async () => !(await wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'auditing' }).filter({ visible: true }).count()),
        { what: 'the progress notification to close after the audit', timeout: 15_000 });
      await wb.clickNotificationButton('AI service instance', 'Show Problems');
      await wb.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 10_000 });
      await wb.filterProblems('audit-only');
      const rows = await waitFor(async () => {
        const found = await wb.findings(RULE, 'audit-only');
        return found.length ? found : undefined;
      }, { what: "Problems to list the finding for 'audit-only' in never-opened.json", timeout: 20_000 });
      check(rows[0].file.endsWith('/never-opened.json'), `listed under ${rows[0].file}`);
      check(!(await wb.openTabLabels()).includes('never-opened.json'), 'never-opened.json was opened in an editor');
      await wb.screenshot('4-audit-problems');
    },
  },
  {
    id: 6,
    title: '"Suppress … (with a reason)" asks for the reason, refuses an empty one and writes the one typed',
    async run(ctx) {
      const { wb } = ctx;
      await expectCode(ctx, 'owner.json', RULE, 'openai-owner');
      const title = `Suppress ${RULE} for 'openai-owner' (with a reason)`;
      await chooseFix(ctx, 'owner.json', RULE, 'openai-owner', title, '6');
      await wb.waitForInputBox();
      await wb.screenshot('6-reason-input-box');
      // Enter on an empty box: refused, the box stays open with the validation message.
      await wb.page.keyboard.press('Enter');
      await waitFor(async () => (await wb.inputBoxMessage()).includes('empty one is not accepted'), { what: 'the input box to refuse an empty reason' })
        .catch(async (error: Error) => { throw new Error(`${error.message}; message: "${await wb.inputBoxMessage()}"`); });
      check(await wb.inputBoxOpen(), 'the input box closed on an empty reason');
      await wb.screenshot('6-empty-reason-refused');
      const reason = 'Sandbox subscription without customer data (SEC-1234)';
      await wb.typeInInputBox(reason);
      await wb.page.keyboard.press('Enter');
      await waitFor(async () => !(await wb.inputBoxOpen()), { what: 'the input box to close' });
      await waitFor(async () => (await wb.editorText()).includes(`"${RULE}": "${reason}"`), { what: 'the editor to hold the suppression with the typed reason' })
        .catch(async (error: Error) => { throw new Error(`${error.message}; editor shows:\n${await wb.editorText()}`); });
      await waitFor(async () => (await wb.findings(RULE, 'openai-owner')).length === 0, { what: 'the suppressed finding to leave Problems', timeout: 20_000 });
      await wb.filterProblems('');
      await waitForStable(async () => !(await wb.problems()).some((p) => p.code === 'require-suppression-reason'),
        { what: 'no require-suppression-reason finding (the reason was written)', stableFor: 2_000 });
      await wb.screenshot('6-suppressed-with-reason');
      const saved = await save(ctx, 'owner.json', /SEC-1234/);
      const parsed = JSON.parse(saved) as { resources: { metadata?: unknown }[] };
      check(JSON.stringify(parsed.resources[0].metadata) === JSON.stringify({ aiEgressGuard: { suppress: { [RULE]: reason } } }), `saved metadata: ${JSON.stringify(parsed.resources[0].metadata)}`);
    },
  },
  {
    id: 7,
    title: "require-owner-tag's fix adds the owner tag with the value typed in an input box",
    async run(ctx) {
      const { wb } = ctx;
      await expectCode(ctx, 'owner.json', 'require-owner-tag', 'openai-owner');
      await chooseFix(ctx, 'owner.json', 'require-owner-tag', 'openai-owner', "Add tag 'owner' to 'openai-owner' with the owner you type", '7');
      await wb.waitForInputBox();
      await wb.typeInInputBox('ai-platform@contoso.com');
      await wb.screenshot('7-owner-input-box');
      await wb.page.keyboard.press('Enter');
      await waitFor(async () => /"owner": "ai-platform@contoso\.com"/.test(await wb.editorText()), { what: 'the editor to hold the owner tag typed' })
        .catch(async (error: Error) => { throw new Error(`${error.message}; editor shows:\n${await wb.editorText()}`); });
      await waitFor(async () => (await wb.findings('require-owner-tag', 'openai-owner')).length === 0, { what: 'the owner-tag finding to leave Problems', timeout: 20_000 });
      await wb.screenshot('7-owner-tag-added');
      const saved = JSON.parse(await save(ctx, 'owner.json', /ai-platform@contoso/)) as { resources: { tags?: unknown }[] };
      check(JSON.stringify(saved.resources[0].tags) === JSON.stringify({ owner: 'ai-platform@contoso.com' }), `saved tags: ${JSON.stringify(saved.resources[0].tags)}`);
    },
  },
  {
    id: 8,
    title: '"Show documentation for <rule-id>" opens the bundled page in the Markdown preview, with no network request',
    async run(ctx) {
      const { wb } = ctx;
      // Every request the browser makes is to code-server on 127.0.0.1, or served by the webview's service worker
      // (the preview's vscode-resource URLs, which VS Code reads from the extension folder): none reaches a network.
      const outside: string[] = [];
      const local = /^(https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|data:|blob:)/;
      const onResponse = (response: Response) => { if (!local.test(response.url()) && !response.fromServiceWorker()) outside.push(response.url()); };
      const onFailed = (request: Request) => { if (!local.test(request.url())) outside.push(`${request.url()} (failed: ${request.failure()?.errorText ?? ''})`); };
      wb.page.on('response', onResponse);
      wb.page.on('requestfailed', onFailed);
      try {
        await expectCode(ctx, 'owner.json', 'disable-public-network-access', 'openai-owner');
        await chooseFix(ctx, 'owner.json', 'disable-public-network-access', 'openai-owner', 'Show documentation for disable-public-network-access', '8');
        await waitFor(async () => (await wb.activeTabLabel())?.startsWith('Preview disable-public-network-access.md'), { what: 'the Markdown preview tab of the rule page', timeout: 20_000 })
          .catch(async (error: Error) => { throw new Error(`${error.message}; tabs: ${JSON.stringify(await wb.openTabLabels())}`); });
        const text = await wb.frameText('Why it matters');
        check(text.includes('disable-public-network-access') && text.includes('How to suppress'), `the preview shows:\n${text.slice(0, 400)}`);
        await wb.screenshot('8-rule-documentation');
      } finally {
        wb.page.off('response', onResponse);
        wb.page.off('requestfailed', onFailed);
      }
      check(!outside.length, `requests left the machine: ${outside.join(', ')}`);
    },
  },
  {
    id: 9,
    title: 'the language status item counts the findings of the file; its link opens the output channel with the server log',
    async run(ctx) {
      const { wb } = ctx;
      await wb.quickOpen('unsafe.json');
      // Every finding of ours in unsafe.json names its account: a short list, fully rendered.
      await wb.filterProblems('openai-unsafe');
      const hover = await wb.openLanguageStatus('AI Egress Guard');
      await wb.screenshot('9-language-status');
      const count = Number(/AI Egress Guard: (\d+) problems?/.exec(hover)?.[1]);
      // The filtered list renders after the filter is typed: wait for it to settle on the count, not a single read.
      let rows = 0;
      await waitFor(async () => {
        rows = (await wb.problems()).filter((p) => p.source === SOURCE && p.file.endsWith('/unsafe.json')).length;
        return count > 0 && rows === count;
      }, { what: 'Problems to list as many findings of ours for unsafe.json as the status counts', timeout: 10_000 })
        .catch(() => check(false, `the status says ${JSON.stringify(hover)}; Problems lists ${rows} of ours for unsafe.json`));
      await wb.clickHoverLink('Show Output');
      const output = await wb.outputText('language server');
      check(/language server \d+\.\d+\.\d+ started/.test(output), `the output channel shows:\n${output.slice(0, 600)}`);
      await wb.screenshot('9-output-channel');
    },
  },
  {
    id: 10,
    title: 'the walkthrough opens the sample template, which gets findings',
    async run(ctx) {
      const { wb } = ctx;
      await wb.runCommand('Welcome: Open Walkthrough...', 'quickPick');
      const input = wb.page.locator('.quick-input-widget .quick-input-box input');
      await input.fill('AI Egress Guard');
      const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Get started with AI Egress Guard' }).first();
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      await row.click();
      const step = wb.page.locator('.gettingStartedContainer').getByText('Open a template', { exact: true }).first();
      await step.waitFor({ state: 'visible', timeout: 20_000 });
      for (const title of ['See a finding', 'Apply a fix', 'Run the audit', 'Read the report']) {
        await wb.page.locator('.gettingStartedContainer').getByText(title, { exact: true }).first().waitFor({ state: 'visible', timeout: 5_000 });
      }
      await wb.screenshot('10-walkthrough');
      await wb.page.locator('.gettingStartedContainer').getByRole('button', { name: 'Open the sample template' }).first().click();
      await wb.waitForActiveTab('ai-egress-guard-sample.json');
      await wb.filterProblems('contoso-openai');
      await waitFor(async () => (await wb.findings(RULE, 'contoso-openai')).length > 0, { what: "Problems to list the sample's finding", timeout: 30_000 });
      await wb.screenshot('10-sample-finding');
    },
  },
  {
    id: 11,
    title: 'after Audit Workspace, "Open Report" shows the report view with the KPI; a click on an instance opens its file at the declaration',
    async run(ctx) {
      const { wb } = ctx;
      await wb.recordNotifications();
      await wb.runCommand('AI Egress Guard: Audit Workspace');
      await waitFor(async () => (await wb.notificationsSeen()).some((n) => n.progress), { what: 'a progress notification', timeout: 30_000 });
      await waitFor(async () => !(await wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'auditing' }).filter({ visible: true }).count()),
        { what: 'the audit to end (its progress notification to close)', timeout: 60_000 });
      const summary = await waitFor(async () => (await wb.notificationsSeen()).find((n) => /AI service instances?/i.test(n.text) && !n.progress),
        { what: 'the audit summary notification', timeout: 15_000 });
      check(summary.buttons.includes('Open Report'), `summary buttons: ${JSON.stringify(summary.buttons)}, expected "Open Report"`);
      check(!summary.text.includes('\n'), `the summary is one line: ${JSON.stringify(summary.text)}`);
      await wb.clickNotificationButton('AI service instance', 'Open Report');

      const report = await wb.webview('AI Egress Guard Report');
      const kpi = report.locator('p.kpi');
      await kpi.waitFor({ state: 'visible', timeout: 20_000 });
      const kpiText = (await kpi.innerText()).trim();
      log(`  KPI: ${kpiText}`);
      const match = /^(\d+) of (\d+) AI service instances \((\d+)%\) restrict outbound network access/.exec(kpiText);
      check(match, `the KPI line reads "${kpiText}"`);
      const tile = (await report.locator('[data-kpi="instances"] b').innerText()).trim();
      check(tile === match[2], `the instances tile shows ${tile}, the KPI line ${match[2]}`);
      const row = report.locator('table.instances tr', { hasText: 'audit-only' });
      await row.first().waitFor({ state: 'visible', timeout: 10_000 });
      check((await row.first().locator('td.open').count()) === 1, "the row of 'audit-only' says open");
      await wb.screenshot('11-report-view');

      // The declaration: the account's line in never-opened.json.
      const lines = fs.readFileSync(file(ctx, 'never-opened.json'), 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes('"Microsoft.CognitiveServices/accounts"')) + 1;
      // The name's link, in the first cell (the findings' messages name the service too).
      await row.first().locator('td').first().locator('a.place').click();
      // Opened as a preview (like a click in the Explorer): its tab's label is "never-opened.json, preview".
      await waitFor(async () => (await wb.activeTabLabel())?.startsWith('never-opened.json'), { what: 'the editor tab of never-opened.json to be active', timeout: 20_000 });
      const position = await waitFor(async () => {
        const p = await wb.cursorPosition();
        return p?.startsWith(`Ln ${line},`) ? p : undefined;
      }, { what: `the cursor to be on line ${line} of never-opened.json (status bar shows "${await wb.cursorPosition()}")`, timeout: 10_000 });
      log(`  opened never-opened.json at ${position}`);
      await wb.screenshot('11-report-click-opened');
    },
  },
];
