// Driving the VS Code workbench like a user: keyboard shortcuts, Quick Open, the Problems panel, the quick-fix
// menu, the command palette and notifications. Reads what is on screen (DOM text and ARIA labels), never the
// extension's internals. Every wait polls with a time limit (waitFor); there are no fixed sleeps. Every step waits
// for the element it acts on to be ready (visible, focused) and checks that its action took, retrying a bounded
// number of times: a key pressed or text typed a moment too early is otherwise lost without a trace.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { log, waitFor } from '../support/codeServer';

export interface Problem {
  /** Absolute path of the file the marker belongs to. */
  file: string;
  message: string;
  source: string;
  code: string;
  /** Link of the code (the rule's documentation), when the code is a link. */
  href: string;
  severity: string;
  /** "[Ln 6, Col 15]" */
  position: string;
}

/**
 * The little of the DOM the browser-side callbacks use. The project compiles without the DOM library (it is a
 * Node project), so these callbacks, which run in the page, are typed against this instead.
 */
interface DomElement {
  readonly textContent: string | null;
  readonly classList: { contains(name: string): boolean };
  readonly style: { display: string };
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  closest(selector: string): DomElement | null;
}
interface Toast { text: string; progress: boolean; buttons: string[] }
interface PageGlobals {
  document: DomElement & { body: DomElement };
  MutationObserver: new (callback: () => void) => { observe(target: DomElement, options: object): void; disconnect(): void };
  __egressToasts?: Toast[];
  __egressObserver?: { disconnect(): void };
}

export class Workbench {
  private shot = 0;

  constructor(readonly page: Page, readonly resultsDir: string) {
    fs.mkdirSync(resultsDir, { recursive: true });
  }

  /** Saves a screenshot named after the step, numbered in order. Never throws. */
  async screenshot(step: string): Promise<string> {
    const file = path.join(this.resultsDir, `${String(++this.shot).padStart(2, '0')}-${step.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.png`);
    try {
      await this.page.screenshot({ path: file, timeout: 10_000 });
    } catch (error) {
      log(`screenshot ${file} failed: ${(error as Error).message}`);
    }
    return file;
  }

  /** Presses Escape until no quick input, menu or widget is open (bounded), waiting for each to close. */
  async dismissOverlays(): Promise<void> {
    const overlays = this.page.locator('.quick-input-widget:visible, .action-widget:visible, .context-view .monaco-menu:visible');
    for (let i = 0; i < 3; i++) {
      const open = await overlays.count();
      if (!open) return;
      await this.page.keyboard.press('Escape');
      await waitFor(async () => (await overlays.count()) < open, { what: 'an overlay to close on Escape', timeout: 2_000 }).catch(() => undefined);
    }
  }

  /** Whether the element has the keyboard focus (an input inside it counts). */
  private async hasFocus(element: Locator): Promise<boolean> {
    return element.evaluate((el) => {
      const active = (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement;
      return active === el || (el as unknown as { contains(other: unknown): boolean }).contains(active);
    }).catch(() => false);
  }

  /**
   * Types `text` into an input as a user would: waits for it to be visible, focuses it (and checks it has the
   * focus), replaces its value, and checks the value took. Retried: the workbench may re-render the input (the
   * Problems filter moves when the panel lays out) between finding it and typing.
   */
  async typeInto(input: Locator, text: string, what: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        if (!(await this.hasFocus(input))) await input.click({ timeout: 5_000 });
        await waitFor(() => this.hasFocus(input), { what: `${what} to have the focus`, timeout: 3_000 });
        await input.fill(text, { timeout: 5_000 });
        await waitFor(async () => (await input.inputValue()) === text, { what: `${what} to read "${text}"`, timeout: 3_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
        log(`  ${what}: ${(error as Error).message.split('\n')[0]}; typing again`);
      }
    }
  }

  /** Presses `key` until `opened` holds (the widget it opens is there), up to three times. */
  private async pressUntil(key: string, opened: () => Promise<boolean>, what: string, timeout = 5_000): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press(key);
      try {
        await waitFor(opened, { what, timeout });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
        log(`  ${key}: ${(error as Error).message}; pressing it again`);
      }
    }
  }

  private quickInput() {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  // ------------------------------------------------------------------------------------------ editors

  /** Quick Open (Ctrl+P): types the file name, picks it, and waits for its editor tab to be active. */
  async quickOpen(fileName: string): Promise<void> {
    await this.dismissOverlays();
    await this.focusEditorArea();
    const input = this.quickInput();
    await this.pressUntil('Control+P', () => input.isVisible(), 'Quick Open (Ctrl+P) to open');
    await this.typeInto(input, fileName, 'the Quick Open box');
    // Enter opens the focused row: wait until that is our file (the list first shows recently opened files).
    const focused = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused');
    await waitFor(async () => {
      const label = (await focused.count()) ? (await focused.first().getAttribute('aria-label')) ?? '' : '';
      return label === fileName || label.startsWith(`${fileName},`);
    }, { what: `Quick Open to select ${fileName}`, timeout: 20_000 });
    await this.page.keyboard.press('Enter');
    await this.waitForActiveTab(fileName);
  }

  async waitForActiveTab(fileName: string): Promise<void> {
    await waitFor(async () => (await this.activeTabLabel()) === fileName, { what: `the editor tab of ${fileName} to be active`, timeout: 20_000 });
  }

  async activeTabLabel(): Promise<string | undefined> {
    const tab = this.page.locator('.editor-group-container.active .tabs-container .tab.active');
    if (!(await tab.count())) return undefined;
    return (await tab.first().getAttribute('aria-label')) ?? undefined;
  }

  /** Labels of every open editor tab. */
  async openTabLabels(): Promise<string[]> {
    return this.page.locator('.tabs-container .tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label') ?? ''));
  }

  /** Whether the active editor has unsaved changes (its tab shows the dirty dot). */
  async activeTabDirty(): Promise<boolean> {
    return (await this.page.locator('.editor-group-container.active .tabs-container .tab.active.dirty').count()) > 0;
  }

  /** The text of the active editor, as rendered (the templates are short enough to be fully visible). */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first();
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /** The language mode shown in the status bar for the active editor, e.g. "JSON", "Plain Text". */
  async languageMode(): Promise<string | undefined> {
    const item = this.page.locator('#status\\.editor\\.mode');
    if (!(await item.count())) return undefined;
    return (await item.first().innerText()).trim();
  }

  /** The cursor position the status bar shows for the active editor, e.g. "Ln 6, Col 7". */
  async cursorPosition(): Promise<string | undefined> {
    const item = this.page.locator('#status\\.editor\\.selection');
    if (!(await item.count())) return undefined;
    return (await item.first().innerText()).trim();
  }

  // ------------------------------------------------------------------------------------------ webviews

  /**
   * The content of the visible webview whose tab is titled `title`: VS Code puts a webview's page in an inner
   * frame (#active-frame) of an iframe.webview. Waits for the tab to be active and the frame to be shown.
   */
  async webview(title: string): Promise<FrameLocator> {
    await waitFor(async () => (await this.activeTabLabel())?.includes(title), { what: `the tab "${title}" to be active`, timeout: 20_000 });
    const outer = this.page.locator('iframe.webview.ready').filter({ visible: true });
    await outer.first().waitFor({ state: 'visible', timeout: 20_000 });
    return outer.first().contentFrame().locator('iframe#active-frame').contentFrame();
  }

  async focusEditorArea(): Promise<void> {
    // Ctrl+1 focuses the first editor group (or the editor area when empty); harmless when already there.
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    if (!(await editor.count())) {
      await this.page.keyboard.press('Control+1');
      return;
    }
    if (await this.hasFocus(editor)) return;
    await this.pressUntil('Control+1', () => this.hasFocus(editor), 'the active editor to have the focus (Ctrl+1)', 3_000);
  }

  // ------------------------------------------------------------------------------------------ Problems panel

  /** Opens the Problems panel (Ctrl+Shift+M) and waits for it. */
  async showProblems(): Promise<void> {
    await this.dismissOverlays();
    const panel = this.page.locator('.markers-panel');
    if (await panel.isVisible().catch(() => false)) return;
    await this.pressUntil('Control+Shift+M', () => panel.isVisible().catch(() => false), 'the Problems panel to open (Ctrl+Shift+M)', 10_000);
  }

  private filterInput() {
    return this.page.locator('.part.panel .viewpane-filter input').filter({ visible: true }).first();
  }

  /**
   * Types into the Problems panel's filter box, as a user narrowing the list would: keeps the list short, so the
   * virtualised tree renders every row we look at.
   */
  async filterProblems(text: string): Promise<void> {
    await this.showProblems();
    await this.typeInto(this.filterInput(), text, 'the Problems filter');
  }

  /** The rows of the Problems panel currently rendered, as markers grouped under their file. */
  async problems(): Promise<Problem[]> {
    return this.page.locator('.markers-panel .monaco-list-row').evaluateAll((elements) => {
      const rows = elements as unknown as DomElement[];
      const out: Problem[] = [];
      let file = '';
      const text = (row: DomElement, selector: string) => (row.querySelector(selector)?.textContent ?? '').trim();
      for (const row of rows) {
        const resource = row.querySelector('.resource-label-container .monaco-icon-label');
        if (resource) {
          file = resource.getAttribute('aria-label') ?? (resource.textContent ?? '').trim();
          continue;
        }
        if (!row.querySelector('.marker-message')) continue;
        const icon = row.querySelector('.marker-icon');
        out.push({
          file,
          message: text(row, '.marker-message'),
          source: text(row, '.marker-source'),
          code: text(row, '.marker-code'),
          href: row.querySelector('.marker-code')?.closest('a')?.getAttribute('href') ?? '',
          severity: ['error', 'warning', 'info'].find((s) => icon?.classList.contains(s)) ?? '',
          position: text(row, '.marker-line'),
        });
      }
      return out;
    });
  }

  /** Problems whose code is `code` and whose message names `resource`. */
  async findings(code: string, resource: string): Promise<Problem[]> {
    return (await this.problems()).filter((p) => p.code === code && p.message.includes(`'${resource}'`));
  }

  /** Clicks the Problems row of a finding, which puts the editor's cursor on it. */
  async clickProblem(code: string, resource: string): Promise<void> {
    const row = this.page.locator('.markers-panel .monaco-list-row').filter({ has: this.page.locator('.marker-code', { hasText: code }) })
      .filter({ has: this.page.locator('.marker-message', { hasText: `'${resource}'` }) }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    // The click took when the row is selected (the list re-renders rows as diagnostics are published: click again).
    for (let attempt = 1; ; attempt++) {
      await row.locator('.marker-message').click({ timeout: 5_000 });
      try {
        await waitFor(async () => (await row.getAttribute('aria-selected')) === 'true' || (await row.evaluate((el) => el.classList.contains('selected'))),
          { what: `the Problems row of ${code} for '${resource}' to be selected`, timeout: 3_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    await this.page.mouse.move(1, 1); // no hover tooltip over the next screenshots
  }

  // ------------------------------------------------------------------------------------------ quick fixes

  /** Opens the quick-fix menu (Ctrl+.) at the cursor and returns the titles it offers. */
  async openQuickFixMenu(): Promise<string[]> {
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    const titles = () => rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
    // Ctrl+. pressed before the editor has the code actions shows "No code actions available": press again.
    await this.pressUntil('Control+.', async () => (await titles()).length > 0, 'the quick-fix menu (Ctrl+.) to list actions');
    return titles();
  }

  /**
   * Chooses the quick-fix menu entry with this title with the keyboard (arrow keys, then Enter), as the menu's
   * pointer block swallows clicks for a moment after it opens.
   */
  async chooseQuickFix(title: string): Promise<void> {
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    const total = await rows.count();
    const focusedTitle = async () => {
      const focused = this.page.locator('.action-widget .monaco-list-row.action.focused');
      return (await focused.count()) ? ((await focused.first().getAttribute('aria-label')) ?? (await focused.first().innerText())).trim() : '';
    };
    const menu = this.page.locator('.action-widget').filter({ visible: true });
    for (let i = 0; i <= total; i++) {
      if (!(await menu.count())) throw new Error(`the quick-fix menu closed before "${title}" was chosen`);
      const current = await focusedTitle();
      if (current === title || current.startsWith(title)) {
        await this.page.keyboard.press('Enter');
        await waitFor(async () => !(await this.page.locator('.action-widget').filter({ visible: true }).count()), { what: 'the quick-fix menu to close' });
        return;
      }
      await this.page.keyboard.press('ArrowDown');
      // Wait for the focus to move (or stay, at the last row) before reading it again.
      await waitFor(async () => (await focusedTitle()) !== current || i === total, { what: 'the quick-fix menu focus to move', timeout: 2_000 }).catch(() => undefined);
    }
    throw new Error(`could not select "${title}" in the quick-fix menu`);
  }

  // ------------------------------------------------------------------------------------------ input boxes

  /** The input box of window.showInputBox (a quick input with no list), once visible. */
  async waitForInputBox(): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-box input').filter({ visible: true }).first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** The prompt and the validation message under the input box. */
  async inputBoxMessage(): Promise<string> {
    const message = this.page.locator('.quick-input-widget .quick-input-message').filter({ visible: true });
    return (await message.count()) ? (await message.first().innerText()).trim() : '';
  }

  async inputBoxOpen(): Promise<boolean> {
    return (await this.page.locator('.quick-input-widget').filter({ visible: true }).count()) > 0;
  }

  /** Types into the open input box (replacing what it holds) and waits for it to hold exactly that. */
  async typeInInputBox(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input').filter({ visible: true }).first();
    await input.fill(text);
    await waitFor(async () => (await input.inputValue()) === text, { what: `the input box to read "${text}"` });
  }

  // ------------------------------------------------------------------------------------------ status bar, output

  /** Clicks the language status entry (`{}`) of the status bar and returns the text of the hover it opens. */
  async openLanguageStatus(containing: string): Promise<string> {
    await this.dismissOverlays();
    const entry = this.page.locator('#status\\.languageStatus').first();
    await entry.waitFor({ state: 'visible', timeout: 15_000 });
    await entry.click();
    const hover = this.page.locator('.monaco-hover').filter({ hasText: containing }).filter({ visible: true }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    return (await hover.innerText()).trim();
  }

  /** Clicks a link (a command) inside the visible hover. */
  async clickHoverLink(text: string): Promise<void> {
    await this.page.locator('.monaco-hover').filter({ visible: true }).getByText(text, { exact: true }).first().click();
  }

  /** The text shown by the output panel's editor, once it includes `containing`. */
  async outputText(containing: string): Promise<string> {
    // The output view has a filter box too, which may hold an earlier filter text: cleared on each poll until empty
    // (the view may still be opening when first looked at).
    const filter = this.filterInput();
    const lines = this.page.locator('.part.panel .output-view .monaco-editor .view-lines, .part.panel [id="workbench.panel.output"] .monaco-editor .view-lines').first();
    return waitFor(async () => {
      if (await filter.count() && (await filter.inputValue())) await filter.fill('');
      if (!(await lines.count())) return undefined;
      const text = (await lines.innerText()).replace(/\u00a0/g, ' ');
      return text.includes(containing) ? text : undefined;
    }, { what: `the output panel to show "${containing}"`, timeout: 20_000 });
  }

  // ------------------------------------------------------------------------------------------ webviews

  /** The text of the first frame (webviews are nested iframes) whose body includes `containing`. */
  async frameText(containing: string, timeout = 20_000): Promise<string> {
    return waitFor(async () => {
      for (const frame of this.page.frames()) {
        const text = await frame.evaluate(() => (globalThis as unknown as PageGlobals & { document: { body: { innerText?: string } } }).document.body?.innerText ?? '').catch(() => '');
        if (text.includes(containing)) return text;
      }
      return undefined;
    }, { what: `a frame showing "${containing}"`, timeout });
  }

  // ------------------------------------------------------------------------------------------ commands, notifications

  /** F1, types the command's palette label, waits for the exact entry, and runs it with Enter. */
  /** Runs a command from the palette; `then: 'quickPick'` for a command that asks with a quick pick of its own. */
  async runCommand(label: string, then: 'close' | 'quickPick' = 'close'): Promise<void> {
    await this.dismissOverlays();
    const input = this.quickInput();
    await this.pressUntil('F1', () => input.isVisible(), 'the command palette (F1) to open');
    await this.typeInto(input, `>${label}`, 'the command palette');
    const focused = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused');
    await waitFor(async () => (await focused.count()) > 0 && (await focused.first().innerText()).includes(label),
      { what: `the command palette to select "${label}"`, timeout: 20_000 });
    await this.page.keyboard.press('Enter');
    // The command ran when the palette closed, or (a command that asks) when its own quick pick replaced the palette.
    if (then === 'quickPick') {
      await waitFor(async () => (await input.isVisible()) && !(await input.inputValue()).startsWith('>'), { what: `the quick pick of "${label}" to open`, timeout: 10_000 });
    } else {
      await waitFor(async () => !(await input.isVisible()), { what: `the command palette to close after "${label}"`, timeout: 10_000 });
    }
  }

  /**
   * Starts recording every notification toast shown from now on (text, whether it had a progress bar, its
   * buttons), so that a short-lived progress notification is not missed between two polls.
   */
  async recordNotifications(): Promise<void> {
    await this.page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      g.__egressObserver?.disconnect();
      const seen: Toast[] = (g.__egressToasts = []);
      const scan = () => {
        for (const toast of Array.from(g.document.querySelectorAll('.notifications-toasts .notification-toast, .notifications-center .notification-list-item'))) {
          const text = (toast.querySelector('.notification-list-item-message')?.textContent ?? toast.textContent ?? '').trim();
          if (!text) continue;
          const bar = toast.querySelector('.monaco-progress-container');
          const progress = !!bar && (bar.classList.contains('active') || bar.classList.contains('infinite') || bar.classList.contains('discrete'))
            && bar.style.display !== 'none';
          const buttons = Array.from(toast.querySelectorAll('.notification-list-item-buttons-container .monaco-button'))
            .map((b) => (b.textContent ?? '').trim()).filter(Boolean);
          const previous = seen.find((s) => s.text === text);
          if (previous) {
            previous.progress ||= progress;
            for (const b of buttons) if (!previous.buttons.includes(b)) previous.buttons.push(b);
          } else {
            seen.push({ text, progress, buttons });
          }
        }
      };
      const observer = new g.MutationObserver(scan);
      g.__egressObserver = observer;
      observer.observe(g.document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class', 'style'] });
      scan();
    });
  }

  /** Notifications seen since recordNotifications(). */
  async notificationsSeen(): Promise<Toast[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).__egressToasts ?? []);
  }

  /** Clicks a button of the visible notification toast whose message includes `text`. */
  async clickNotificationButton(text: string, button: string): Promise<void> {
    const toast = this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: 10_000 });
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: button }).first().click();
    // A button's action closes its notification.
    await waitFor(async () => !(await toast.isVisible()), { what: `the notification "${text}" to close after "${button}"`, timeout: 10_000 });
  }
}
