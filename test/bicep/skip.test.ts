// The linter's parse option `skipIrrelevantResources`: bodies of resources that cannot hold an AI
// account are not parsed, bodies of the types a rule reads are parsed when read; everything else
// parses exactly as in a full parse.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Declaration, ObjectNode, ParseResult, ResourceDeclaration } from '../../server/src/engine/bicep/ast';
import { lex, TokenType } from '../../server/src/engine/bicep/lexer';
import { findProperty, hasSpread, nestedResources, parseBicep } from '../../server/src/engine/bicep/parser';

/** Bicep's generated baselines beside its samples (see samples.test.ts). */
const GENERATED = /\.(tokens|syntax|symbols|diagnostics|formatted|ir|sourcemap)\.bicep(param)?$/;

/** Resources (top-level and nested), in source order. */
function resources(declarations: readonly Declaration[]): ResourceDeclaration[] {
  const out: ResourceDeclaration[] = [];
  const visit = (r: ResourceDeclaration) => {
    out.push(r);
    for (const m of r.body?.members ?? []) if (m.kind === 'resource') visit(m);
  };
  for (const d of declarations) if (d.kind === 'resource') visit(d);
  return out;
}

/** Parses with and without the option; checks that they agree except inside skipped bodies. */
function parseBoth(text: string, fileKind: 'bicep' | 'bicepparam' = 'bicep'): { full: ParseResult; skipping: ParseResult; skipped: string[] } {
  const full = parseBicep(text, { fileKind });
  const skipping = parseBicep(text, { fileKind, skipIrrelevantResources: true });
  const fullByStart = new Map(resources(full.program.declarations).map((r) => [r.start, r]));
  // The skipping parse, with each skipped body replaced by the full parse's: then it must equal the full parse.
  const normalize = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(normalize);
    if (typeof node !== 'object' || node === null) return node;
    const n = node as Record<string, unknown>;
    if (n.kind === 'resource' && (n.body as ObjectNode | undefined)?.skipped) {
      const body = n.body as ObjectNode;
      const original = fullByStart.get(n.start as number);
      assert.ok(original?.body, `no full parse of the resource at ${n.start as number}`);
      assert.deepEqual({ start: body.start, end: body.end }, { start: original.body.start, end: original.body.end });
      assert.deepEqual(body.members, []);
      assert.deepEqual(body.properties, []);
      assert.equal(body.closed, true);
      assert.equal(body.multiline, original.body.multiline);
      assert.equal(n.value, body);
      return normalize({ ...n, value: original.value, body: original.body });
    }
    // Parts of other fields are compared there (comparing them again would take time exponential in
    // the nesting): a resource's or module's `body`, `loop` and `condition` (in `value`), an object's
    // `properties` (in `members`).
    const derived = n.kind === 'resource' || n.kind === 'module';
    return Object.fromEntries(Object.entries(n)
      .filter(([k]) => !(derived && (k === 'body' || k === 'loop' || k === 'condition')) && !(n.kind === 'object' && k === 'properties'))
      .map(([k, v]) => [k, normalize(v)]));
  };
  const [a, b] = [normalize(skipping.program.declarations), normalize(full.program.declarations)];
  if (JSON.stringify(a) !== JSON.stringify(b)) assert.deepEqual(a, b); // (stringified first: much faster on large files)
  assert.deepEqual(skipping.program.directives, full.program.directives);
  assert.deepEqual(skipping.program.lineStarts, full.program.lineStarts);
  const skipped = resources(skipping.program.declarations).filter((r) => r.body?.skipped).map((r) => r.name.name);
  return { full, skipping, skipped };
}

const mixed = `param prefix string = 'contoso'
var tags = {
  owner: '\${prefix}-\${replace('{x}', '}', '')}'
}

// Storage: skipped, whatever its strings, comments and children hold.
resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'st\${prefix}\${length('}{')}'
  location: 'eastus' // a comment with a } brace
  /* and { a block } one */
  kind: 'StorageV2'
  properties: {
    note: 'it\\'s } not the end \\\${ either'
    text: '''
  a multi-line } string {
'''
    nested: {
      deeper: [
        { a: 1 }
      ]
    }
  }
  resource blob 'blobServices' = {
    name: 'default'
  }
}

resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv-\${prefix}'
}

resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: '\${prefix}-ai'
  location: 'eastus'
  kind: 'OpenAI'
  properties: {
    restrictOutboundNetworkAccess: false
  }
  resource deployment 'deployments@2024-10-01' = {
    name: 'gpt'
  }
}

resource lower 'microsoft.cognitiveservices/accounts@2024-10-01' = {
  name: 'lower'
}

resource wrapper 'Microsoft.Resources/deploymentScripts@2023-08-01' = {
  name: 'holds an account'
  resource inner 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
    name: 'inner'
  }
}

resource conditional 'Microsoft.Storage/storageAccounts@2023-01-01' = if (prefix == 'x') {
  name: 'conditional'
}

resource looped 'Microsoft.Storage/storageAccounts@2023-01-01' = [for i in range(0, 2): {
  name: 'looped\${i}'
}]

resource withDirective 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  #disable-next-line no-hardcoded-location
  location: 'eastus'
}

resource withDollarString 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: $'''\${prefix}'''
}

@description('decorated')
resource decorated 'Microsoft.Web/sites@2023-01-01' = {
  name: 'site'
}
resource oneLine 'Microsoft.Web/sites@2023-01-01' = { name: 'one', kind: 'app' }
output name string = st.name
`;

describe('skipIrrelevantResources', () => {
  test('skips only bodies that cannot hold an AI account; the rest parses as in a full parse', () => {
    const { full, skipping, skipped } = parseBoth(mixed);
    assert.deepEqual(full.diagnostics, []);
    assert.deepEqual(skipping.diagnostics, []);
    assert.deepEqual(skipped, ['st', 'kv', 'deployment', 'decorated', 'oneLine']);
    // Parsed in full: AI accounts (any case), a body that mentions one, forms other than `= {`,
    // and bodies with a directive or a `$'''` string.
    const parsed = resources(skipping.program.declarations).filter((r) => !r.body?.skipped).map((r) => r.name.name);
    assert.deepEqual(parsed, ['ai', 'lower', 'wrapper', 'inner', 'conditional', 'looped', 'withDirective', 'withDollarString']);
    // Off by default.
    assert.ok(!resources(full.program.declarations).some((r) => r.body?.skipped));
  });

  test('the lexer turns a skipped body into one token', () => {
    const text = "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'x'\n}\n";
    const { tokens } = lex(text, { skipIrrelevantResources: true });
    const types = Array.from(tokens.types.subarray(0, tokens.count));
    assert.deepEqual(types, [
      TokenType.Identifier, TokenType.Identifier, TokenType.StringComplete, TokenType.Assignment, TokenType.SkippedBody,
      TokenType.NewLine, TokenType.EndOfFile,
    ]);
    assert.equal(text.slice(tokens.starts[4], tokens.ends[4]), "{\n  name: 'x'\n}");
  });

  test('a skipped body does not hide an AI account nested in it', () => {
    const text = `resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg'
  resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
    name: 'nested'
  }
}
`;
    const { skipping, skipped } = parseBoth(text);
    assert.deepEqual(skipped, []);
    assert.deepEqual(resources(skipping.program.declarations).map((r) => r.name.name), ['rg', 'ai']);
  });

  test('broken bodies are parsed in full, with their errors', () => {
    for (const text of [
      "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'x\n}\n", // line break in a string
      "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'x${y\n}'\n}\n", // line break in a hole
      "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'x'\n", // no closing brace
      "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  a: '''x\n}\n", // unterminated ''' string
      "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  /* x\n}\n", // unterminated comment
    ]) {
      const { full, skipping, skipped } = parseBoth(text);
      assert.deepEqual(skipped, [], text);
      assert.ok(full.diagnostics.length > 0, text);
      assert.deepEqual(skipping.diagnostics, full.diagnostics, text);
    }
  });

  test('a syntax error inside a skipped body is not reported (Bicep reports it)', () => {
    const text = "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'x' 'y'\n  ]\n}\nvar after = 1\n";
    assert.ok(parseBicep(text).diagnostics.length > 0);
    const skipping = parseBicep(text, { skipIrrelevantResources: true });
    assert.deepEqual(skipping.diagnostics, []);
    const body = (skipping.program.declarations[0] as ResourceDeclaration).body as ObjectNode;
    assert.equal(body.skipped, true);
    assert.equal(skipping.program.declarations[1].kind, 'var');
  });

  test("Bicep's own samples, where present, parse as in a full parse outside skipped bodies", (t) => {
    const root = process.env.BICEP_SAMPLES_DIR ?? '/work/.cache/bicep-samples';
    if (!fs.existsSync(root)) { t.skip(`no samples at ${root} (see README.md)`); return; }
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(bicep|bicepparam)$/.test(e.name) && !GENERATED.test(e.name)) files.push(p);
      }
    };
    walk(root);
    let clean = 0, skipped = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const fileKind = file.endsWith('.bicepparam') ? 'bicepparam' : 'bicep';
      if (parseBicep(text, { fileKind }).diagnostics.length > 0) {
        // Broken files: only that the skipping parse neither crashes nor reports an internal error.
        assert.ok(!parseBicep(text, { fileKind, skipIrrelevantResources: true }).diagnostics.some((d) => d.code === 'EGB000'), file);
        continue;
      }
      clean++;
      try {
        skipped += parseBoth(text, fileKind).skipped.length;
      } catch (e) {
        assert.fail(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    t.diagnostic(`${clean} clean files, ${skipped} resource bodies skipped`);
    assert.ok(skipped > 0);
  });

  const READ = new Set(['microsoft.storage/storageaccounts', 'microsoft.storage/storageaccounts/blobservices', 'microsoft.keyvault/vaults', 'microsoft.web/sites']);
  const deferredCases = `resource a 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'st\${prefix}\${length('}{')}' // a } comment
  /* a block
     comment */ location: 'eastus'
  Kind: 'StorageV2'
  properties: {
    list: [
      'a', 'b'
    ]
    call: concat('x',
      'y')
    text: '''
  a multi-line } string {
'''
  }
  nameSuffix: 'not the name'
}
resource b 'Microsoft.KeyVault/vaults@2023-07-01' existing = { name: 'kv', 'quoted': 1 }
resource c 'Microsoft.Web/sites@2023-01-01' = {
  ...spread
  name: 'site'
}
resource d 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'x' 'y' }
resource e 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'parent'
  resource blob 'blobServices' = {
    name: 'default'
  }
}
resource f 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  resource: 'a key'
  name: 'one', kind: 'two'
}
`;

  test('bodies of types a rule reads are parsed when read, as in a full parse; one property alone when asked for', () => {
    const full = parseBicep(deferredCases);
    const fullBodies = full.program.declarations.map((d) => (d as ResourceDeclaration).body!);
    const deferred = () => parseBicep(deferredCases, { skipIrrelevantResources: true, readTypes: READ }).program.declarations.map((d) => (d as ResourceDeclaration).body!);
    // Deferred: none is `skipped`; the lexer defers every body but the one that declares a resource (e), whose child's it defers.
    const tokens = lex(deferredCases, { skipIrrelevantResources: true, readTypes: READ }).tokens;
    assert.equal(Array.from(tokens.types.subarray(0, tokens.count)).filter((t) => t === TokenType.SkippedBody).length, 6);
    assert.ok(deferred().every((b) => !b.skipped));
    assert.deepEqual(nestedResources(deferred()[4]).map((r) => r.name.name), ['blob']);
    // In full, each reads as the full parse's (errors inside are not reported).
    assert.deepEqual(JSON.parse(JSON.stringify(deferred())), JSON.parse(JSON.stringify(fullBodies)));
    assert.deepEqual(parseBicep(deferredCases, { skipIrrelevantResources: true, readTypes: READ }).diagnostics, []);
    // One property at a time, from bodies not parsed yet: the same nodes, the first of a key in any case.
    for (const key of ['name', 'kind', 'location', 'properties', 'namesuffix', 'quoted', 'resource', 'absent']) {
      const bodies = deferred();
      bodies.forEach((body, i) => {
        const expected = fullBodies[i].properties.find((p) => p.keyName?.toLowerCase() === key);
        assert.deepEqual(findProperty(body, key), expected, `${key} of body ${i}`);
      });
    }
    assert.deepEqual(deferred().map(hasSpread), [false, false, true, false, false, false]);
  });
});
