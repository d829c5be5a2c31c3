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

/** Reads files from disk, preferring `overlay` (e.g. unsaved editor buffers). */
export function nodeFileHost(overlay?: (uri: string) => string | undefined): FileHost {
  return {
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
}

/** Config files by folder, so a workspace of many files reads each config once. */
export class ConfigCache {
  private readonly byDir = new Map<string, ConfigFile | undefined>();

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

  /** Settings for a file: defaults, then its config file, then `overrides` (editor settings, CLI flags). */
  settingsFor(filePath: string, overrides: Partial<Settings> = {}): Settings {
    return mergeSettings(this.configFor(filePath)?.settings ?? {}, overrides);
  }

  clear(): void {
    this.byDir.clear();
  }
}
