// Inputs for the fuzzer: a seeded random source, mutators of real templates, and generated extremes
// (deep nesting, doubling values, fan-outs, huge lists) of the kinds that broke the engine before.

import type { FileKind } from '../server/src/engine/model';

export interface FuzzInput {
  readonly name: string;
  readonly kind: FileKind;
  readonly text: string;
  /** Other files the input reads (modules), by URI. */
  readonly files?: Readonly<Record<string, string>>;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const TOKENS = ['{', '}', '[', ']', '(', ')', ',', ':', '"', "'", '\\', '$', '${', '#', '!', '?', '.', '/*', '*/', '//', '\n', ' ', '\ufeff', '\u0000',
  'true', 'false', 'null', '[[', '[concat(', "parameters('x')", "variables('v')", "'*.blob.core.windows.net'", '"https://a.b/c"',
  'resource ', 'module ', 'param ', 'var ', 'existing', 'if (', 'for x in ', "'Microsoft.CognitiveServices/accounts@2024-10-01'",
  '"restrictOutboundNetworkAccess"', 'allowedFqdnList', '"condition"', '"copy"', '"Microsoft.Resources/deployments"'];

/** One random edit of `text`: delete, duplicate or move a slice, insert tokens, repeat a slice many times. */
export function mutate(text: string, random: Random): string {
  const n = text.length;
  const at = random.int(n + 1);
  const len = Math.min(n - at, 1 + random.int(64));
  switch (random.int(7)) {
    case 0: return text.slice(0, at) + text.slice(at + len);
    case 1: return text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
    case 2: return text.slice(0, at) + random.pick(TOKENS) + text.slice(at);
    case 3: {
      const token = random.pick(TOKENS);
      return text.slice(0, at) + token.repeat(1 + random.int(3000)) + text.slice(at);
    }
    case 4: {
      const to = random.int(n + 1);
      const slice = text.slice(at, at + len);
      const rest = text.slice(0, at) + text.slice(at + len);
      return rest.slice(0, to) + slice + rest.slice(to);
    }
    case 5: return text.slice(0, at) + text.slice(at, at + len).repeat(2 + random.int(200)) + text.slice(at + len);
    default: {
      // Flip a literal the rules read.
      const swaps: [RegExp, string][] = [[/true/, 'false'], [/false/, 'true'], [/"Disabled"/, '"Enabled"'], [/'Disabled'/, "'Enabled'"], [/\.net/, '.net/path'], [/"[a-z0-9-]+\.[a-z.]+"/, '"*.x.com"']];
      const [re, by] = random.pick(swaps);
      return text.replace(re, by);
    }
  }
}

const ARM_HEAD = '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0",';

function account(properties: string): string {
  return `{"type":"Microsoft.CognitiveServices/accounts","apiVersion":"2024-10-01","name":"oai","kind":"OpenAI","properties":${properties}}`;
}

/**
 * Generated extremes: each stresses one bound (depth, size, doubling, fan-out, count). `scale` (0–1] shrinks
 * them for the in-process smoke test; the fuzzer uses 1.
 */
export function extremes(random: Random, scale = 1): FuzzInput[] {
  const depth = 1 + random.int(Math.ceil(8000 * scale));
  const doubling = 1 + random.int(Math.ceil(45 * Math.sqrt(scale)));
  const nested = (levels: number): string => {
    let inner = `"resources":[${account('{"restrictOutboundNetworkAccess":false}')}]`;
    for (let i = 0; i < levels; i++) {
      inner = `"resources":[{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"d${i}","properties":{"mode":"Incremental","template":{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0",${inner}}}}]`;
    }
    return `${ARM_HEAD}${inner}}`;
  };
  const variables: string[] = ['"v0":"ab"'];
  for (let i = 1; i <= doubling; i++) variables.push(`"v${i}":"[concat(variables('v${i - 1}'), variables('v${i - 1}'))]"`);
  const fanDepth = 1 + random.int(Math.ceil(20 * scale));
  const files: Record<string, string> = {};
  for (let i = 0; i < fanDepth; i++) {
    files[`file:///fuzz/m${i}.bicep`] = `param p string\nmodule a './m${i + 1}.bicep' = {\n  name: 'a${i}'\n  params: { p: '\${p}a' }\n}\nmodule b './m${i + 1}.bicep' = {\n  name: 'b${i}'\n  params: { p: '\${p}b' }\n}\n`;
  }
  files[`file:///fuzz/m${fanDepth}.bicep`] = "param p string\nresource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: p\n  properties: {}\n}\n";
  const entries = 1 + random.int(Math.ceil(20000 * scale));
  return [
    { name: `json-depth-${depth}`, kind: 'arm', text: `${ARM_HEAD}"resources":[],"x":${'['.repeat(depth)}${']'.repeat(depth)}}` },
    { name: `ai-depth-${depth}`, kind: 'arm', text: `${ARM_HEAD}"resources":[${account(`{"a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`)}]}` },
    { name: `nested-deployments-${depth % 64}`, kind: 'arm', text: nested(depth % 64) },
    { name: `doubling-${doubling}`, kind: 'arm', text: `${ARM_HEAD}"variables":{${variables.join(',')}},"resources":[${account(`{"restrictOutboundNetworkAccess":true,"allowedFqdnList":["[variables('v${doubling}')]"]}`)}]}` },
    { name: `entries-${entries}`, kind: 'arm', text: `${ARM_HEAD}"resources":[${account(`{"restrictOutboundNetworkAccess":true,"allowedFqdnList":[${Array.from({ length: entries }, (_, i) => `"h${i % 97}.x.com"`).join(',')}]}`)}]}` },
    { name: `bicep-bang-${depth}`, kind: 'bicep', text: `resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: ${'!'.repeat(depth)}x\n}\n` },
    { name: `bicep-parens-${depth}`, kind: 'bicep', text: `var v = ${'('.repeat(depth)}1${')'.repeat(depth)}\n` },
    { name: `bicep-fanout-${fanDepth}`, kind: 'bicep', text: "module root './m0.bicep' = {\n  name: 'root'\n  params: { p: 'x' }\n}\n", files },
    { name: `unclosed-${depth}`, kind: 'arm', text: `${ARM_HEAD}"resources":[${account('{"restrictOutboundNetworkAccess":false,')}${'{'.repeat(depth)}` },
  ];
}
