// Node file access for the engine: reading other files and finding the config file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FileHost } from '../engine/analyze';
import { findConfig, mergeSettings, type ConfigFile, type Settings } from '../engine/config';

/** Where `bicep restore` caches registry modules. */
export function bicepModuleCacheUri(): string {
  return pathToFileURL(path.join(os.homedir(), '.bicep')).href;
}

export function readTextFile(filePath: string): string | undefined {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch {
    return undefined;
  }
}

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

/** Hosts of `nodeFileHost` without overlay: what they read is what is on disk. */
const diskHosts = new WeakSet<FileHost>();

/** Whether a host reads files as they are on disk (`nodeFileHost()` without overlay). */
export function readsDisk(host: FileHost): boolean {
  return diskHosts.has(host);
}

/** Reads files from disk, preferring `overlay` (e.g. unsaved editor buffers). */
export function nodeFileHost(overlay?: (uri: string) => string | undefined): FileHost {
  const host: FileHost = {
    readFile(uri) {
      const open = overlay?.(uri);
      if (open !== undefined) return open;
      const filePath = uriToPath(uri);
      return filePath === undefined ? undefined : readTextFile(filePath);
    },
    listDir(uri) {
      const dir = uriToPath(uri);
      try {
        return dir === undefined ? undefined : fs.readdirSync(dir);
      } catch {
        return undefined;
      }
    },
  };
  if (!overlay) diskHosts.add(host);
  return host;
}

const NO_OVERRIDES: Partial<Settings> = {};

/** Config files by folder, so a workspace of many files reads each config once. */
export class ConfigCache {
  private readonly byDir = new Map<string, ConfigFile | undefined>();
  private merged = new WeakMap<Partial<Settings>, Map<ConfigFile | undefined, Settings>>();

  configFor(filePath: string): ConfigFile | undefined {
    return this.configForDir(path.dirname(filePath));
  }

  configForDir(dir: string): ConfigFile | undefined {
    if (!this.byDir.has(dir)) this.byDir.set(dir, findConfig(dir, readTextFile, path.join, path.dirname));
    return this.byDir.get(dir);
  }

  /** Problems of every config file read so far, each file once. */
  problems(): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const config of this.byDir.values()) {
      if (!config || seen.has(config.path)) continue;
      seen.add(config.path);
      out.push(...config.problems);
    }
    return out;
  }

  /** Mistakes in every config file read so far, each file once, with 1-based line and column. */
  issues(): { path: string; line: number; column: number; message: string }[] {
    const seen = new Set<string>();
    const out: { path: string; line: number; column: number; message: string }[] = [];
    for (const config of this.byDir.values()) {
      if (!config || seen.has(config.path)) continue;
      seen.add(config.path);
      for (const issue of config.issues) out.push({ path: config.path, ...issue });
    }
    return out;
  }

  /**
   * Settings for a file: defaults, then its config file, then `overrides` (editor settings, CLI flags). Merged once
   * per config file and overrides object: the files of a workspace share a few settings objects, not one each.
   */
  settingsFor(filePath: string, overrides: Partial<Settings> = NO_OVERRIDES): Settings {
    const config = this.configFor(filePath);
    let byConfig = this.merged.get(overrides);
    if (!byConfig) this.merged.set(overrides, (byConfig = new Map()));
    let settings = byConfig.get(config);
    if (!settings) byConfig.set(config, (settings = mergeSettings(config?.settings ?? {}, overrides)));
    return settings;
  }

  clear(): void {
    this.byDir.clear();
    this.merged = new WeakMap();
  }
}
