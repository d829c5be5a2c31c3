// What each file is analysed with: the editor's `aiEgressGuard` settings over the repository's config file.

import * as path from 'node:path';
import { MessageType, ShowMessageNotification, type Connection, type InitializeParams } from 'vscode-languageserver/node';
import { validateSettings, type Settings } from '../engine/config';
import { ConfigCache } from '../workspace/node-host';
import type { EditorSettings } from '../../../shared/protocol';
import type { Log } from './log';

export class SettingsStore {
  private editor: EditorSettings = {};
  private canPull = false;
  private readonly configs = new ConfigCache();
  /** Config-file problems already shown: each is shown once, as the CLI prints it once. */
  private readonly reported = new Set<string>();

  /** Config files already logged (with what they set), by path. */
  private readonly logged = new Set<string>();

  constructor(private readonly connection: Connection, private readonly log: Log) {}

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
        this.log.error(`could not read settings: ${(error as Error).message}`);
      }
    }
    this.configs.clear();
    this.logged.clear();
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
    const file = filePath ?? path.join(process.cwd(), 'untitled');
    const settings = this.configs.settingsFor(file, this.editorOverrides());
    const config = this.configs.configFor(file);
    if (config && !this.logged.has(config.path)) {
      this.logged.add(config.path);
      this.log.info(`config file ${config.path} (for ${path.dirname(file)}) sets ${describeSettings(config.settings)}`);
    }
    for (const problem of this.configs.problems()) {
      if (this.reported.has(problem)) continue;
      this.reported.add(problem);
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `AI Egress Guard: ${problem}` });
      this.log.warn(problem);
    }
    return settings;
  }

  /** The `exclude` globs of the config file that applies to a folder (the audit adds them to the editor's). */
  excludeFor(folder: string): readonly string[] {
    return this.configs.configForDir(folder)?.settings.exclude ?? [];
  }

  /** The editor's settings that override the config files' (rules, owner tag names, cloud). */
  editorOverrides(): Partial<Settings> {
    const raw: Record<string, unknown> = {};
    if (this.editor.rules && Object.keys(this.editor.rules).length) raw.rules = this.editor.rules;
    if (this.editor.ownerTagNames?.length) raw.ownerTagNames = this.editor.ownerTagNames;
    if (this.editor.cloud) raw.cloud = this.editor.cloud;
    const { settings, problems } = validateSettings(raw, 'settings (aiEgressGuard)');
    for (const problem of problems) this.log.warn(problem);
    return settings;
  }
}

/** What a config file sets, in one line for the log: `rules: a=off, b=warning; cloud: AzureChinaCloud`. */
export function describeSettings(settings: Partial<Settings>): string {
  const parts: string[] = [];
  const rules = Object.entries(settings.rules ?? {}).map(([id, level]) => `${id}=${level}`);
  const options = Object.entries(settings.ruleOptions ?? {}).map(([id, o]) => `${id} ${JSON.stringify(o)}`);
  if (rules.length) parts.push(`rules: ${rules.join(', ')}`);
  if (options.length) parts.push(`rule options: ${options.join(', ')}`);
  if (settings.ownerTagNames) parts.push(`ownerTagNames: ${settings.ownerTagNames.join(', ')}`);
  if (settings.cloud) parts.push(`cloud: ${settings.cloud}`);
  if (settings.exclude?.length) parts.push(`exclude: ${settings.exclude.join(', ')}`);
  const parameterFiles = Object.keys(settings.parameterFiles ?? {});
  if (parameterFiles.length) parts.push(`parameterFiles for ${parameterFiles.join(', ')}`);
  return parts.length ? parts.join('; ') : 'nothing (defaults)';
}
