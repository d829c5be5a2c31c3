// What each file is analysed with: the editor's `aiEgressGuard` settings over the repository's config file.

import * as path from 'node:path';
import { MessageType, ShowMessageNotification, type Connection, type InitializeParams } from 'vscode-languageserver/node';
import { validateSettings, type Settings } from '../engine/config';
import { ConfigCache } from '../workspace/node-host';
import type { EditorSettings } from '../../../shared/protocol';

export class SettingsStore {
  private editor: EditorSettings = {};
  private canPull = false;
  private readonly configs = new ConfigCache();
  /** Config-file problems already shown: each is shown once, as the CLI prints it once. */
  private readonly reported = new Set<string>();

  constructor(private readonly connection: Connection, private readonly log: (message: string) => void) {}

  initialize(params: InitializeParams): void {
    this.canPull = !!params.capabilities.workspace?.configuration;
    const initial = (params.initializationOptions as { settings?: EditorSettings } | undefined)?.settings;
    if (initial) this.editor = initial;
  }

  /** Settings pushed by didChangeConfiguration, used when the client cannot be asked for them. */
  pushed(settings: unknown): void {
    const pushed = (settings as { aiEgressGuard?: EditorSettings } | undefined)?.aiEgressGuard;
    if (pushed && !this.canPull) this.editor = pushed;
  }

  /** Asks the client for the editor settings again and forgets the config files read so far. */
  async refresh(): Promise<void> {
    if (this.canPull) {
      try {
        this.editor = ((await this.connection.workspace.getConfiguration('aiEgressGuard')) ?? {}) as EditorSettings;
      } catch (error) {
        this.log(`could not read settings: ${(error as Error).message}`);
      }
    }
    this.configs.clear();
  }

  /** The editor's settings as last read (the analysis thread is given them). */
  get editorSettings(): EditorSettings {
    return this.editor;
  }

  get enabled(): boolean {
    return this.editor.enable !== false;
  }

  get runsOnType(): boolean {
    return (this.editor.run ?? 'onType') === 'onType';
  }

  get runsOnSave(): boolean {
    return this.editor.run === 'onSave';
  }

  settingsFor(filePath: string | undefined): Settings {
    const settings = this.configs.settingsFor(filePath ?? path.join(process.cwd(), 'untitled'), this.editorOverrides());
    for (const problem of this.configs.problems()) {
      if (this.reported.has(problem)) continue;
      this.reported.add(problem);
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `AI Egress Guard: ${problem}` });
      this.log(problem);
    }
    return settings;
  }

  /** The `exclude` globs of the config file that applies to a folder (the audit adds them to the editor's). */
  excludeFor(folder: string): readonly string[] {
    return this.configs.configForDir(folder)?.settings.exclude ?? [];
  }

  private editorOverrides(): Partial<Settings> {
    const raw: Record<string, unknown> = {};
    if (this.editor.rules && Object.keys(this.editor.rules).length) raw.rules = this.editor.rules;
    if (this.editor.ownerTagNames?.length) raw.ownerTagNames = this.editor.ownerTagNames;
    if (this.editor.cloud) raw.cloud = this.editor.cloud;
    const { settings, problems } = validateSettings(raw, 'settings (aiEgressGuard)');
    for (const problem of problems) this.log(problem);
    return settings;
  }
}
