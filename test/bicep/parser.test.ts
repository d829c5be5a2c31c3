// Golden tests for the Bicep parser: exact ranges for representative constructs, recovery
// positions, trivia (comments, directives), and robustness (depth, garbage, size).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type {
  ArrayNode, Declaration, Expression, IfNode, ModuleDeclaration, ObjectNode, ObjectProperty, ParseResult, StringNode, TypeNode,
} from '../../server/src/engine/bicep/ast';
import { lex, lineOfOffset, tokenAt, TokenType } from '../../server/src/engine/bicep/lexer';
import { classifyModulePath, parseBicep, parseBicepParam } from '../../server/src/engine/bicep/parser';
import { at, checkRanges, rangeOf } from './helpers';

function parseOk(text: string, fileKind: 'bicep' | 'bicepparam' = 'bicep'): ParseResult {
  const r = parseBicep(text, { fileKind });
  assert.deepEqual(r.diagnostics, [], 'expected no diagnostics');
  checkRanges(r.program, text.length);
  return r;
}

function decl<K extends Declaration['kind']>(r: ParseResult, kind: K, n = 0): Extract<Declaration, { kind: K }> {
  const all = r.program.declarations.filter(d => d.kind === kind);
  assert.ok(all[n], `declaration ${kind} #${n}`);
  return all[n] as Extract<Declaration, { kind: K }>;
}

function prop(obj: ObjectNode | undefined, name: string): ObjectProperty {
  const p = obj?.properties.find(x => x.keyName === name);
  assert.ok(p, `property ${name}`);
  return p;
}

function span(n: { start: number; end: number }): { start: number; end: number } {
  return { start: n.start, end: n.end };
}

function asKind<K extends string, N extends { kind: string }>(n: N | undefined, kind: K): Extract<N, { kind: K }> {
  assert.ok(n, `expected ${kind}`);
  assert.equal(n.kind, kind);
  return n as Extract<N, { kind: K }>;
}

describe('resources', () => {
  const text = [
    "@description('AI account')",                                                   // 0
    "resource acct 'Microsoft.CognitiveServices/accounts@2023-05-01' = if (deploy) {", // 1
    "  name: 'ai-${suffix}'",
    '  properties: {',
    "    publicNetworkAccess: 'Disabled'",
    '  }',
    "  resource dep 'deployments' = {",
    "    name: 'gpt'",
    '  }',
    '}',
    '',
  ].join('\n');

  test('resource with condition, decorator and nested child: exact ranges', () => {
    const r = parseOk(text);
    const res = decl(r, 'resource');
    assert.deepEqual(span(res), { start: 0, end: text.lastIndexOf('}') + 1 });
    assert.deepEqual(res.keyword, rangeOf(text, 'resource'));
    assert.deepEqual(span(res.name), { start: 36, end: 40 });
    assert.equal(res.name.name, 'acct');
    assert.equal(res.typeString, 'Microsoft.CognitiveServices/accounts@2023-05-01');
    assert.deepEqual(span(res.type), rangeOf(text, "'Microsoft.CognitiveServices/accounts@2023-05-01'"));
    assert.equal(res.existing, false);
    assert.equal(res.existingRange, undefined);
    // decorators
    assert.equal(res.decorators.length, 1);
    assert.deepEqual(span(res.decorators[0]), { start: 0, end: 26 });
    assert.equal(res.decorators[0].name, 'description');
    assert.equal(res.decorators[0].namespace, undefined);
    assert.equal(asKind(res.decorators[0].args[0], 'string').value, 'AI account');
    // condition and body
    const cond = asKind(res.condition, 'variable');
    assert.equal(cond.name, 'deploy');
    assert.deepEqual(span(cond), rangeOf(text, 'deploy'));
    const iff = asKind(res.value as IfNode, 'if');
    assert.deepEqual(iff.conditionRange, rangeOf(text, '(deploy)'));
    assert.equal(res.loop, undefined);
    assert.ok(res.body);
    assert.deepEqual(span(res.body), { start: at(text, '{\n  name'), end: text.lastIndexOf('}') + 1 });
    assert.equal(res.body.multiline, true);
    assert.equal(res.body.commaSeparated, false);
    assert.equal(res.body.closed, true);
    // members in order: name, properties, nested resource
    assert.deepEqual(res.body.members.map(m => m.kind), ['objectProperty', 'objectProperty', 'resource']);
    const name = prop(res.body, 'name');
    assert.deepEqual(span(name.key), rangeOf(text, 'name', 0));
    const nameValue = asKind(name.value, 'string');
    assert.deepEqual(span(nameValue), rangeOf(text, "'ai-${suffix}'"));
    const props = asKind(prop(res.body, 'properties').value, 'object');
    const pna = prop(props, 'publicNetworkAccess');
    assert.deepEqual(span(pna), rangeOf(text, "publicNetworkAccess: 'Disabled'"));
    assert.deepEqual(span(pna.value), rangeOf(text, "'Disabled'"));
    // nested child resource
    const child = asKind(res.body.members[2], 'resource');
    assert.equal(child.name.name, 'dep');
    assert.equal(child.typeString, 'deployments');
    assert.deepEqual(span(child), { start: at(text, 'resource dep'), end: at(text, '  }\n}') + 3 });
    assert.equal(prop(child.body, 'name').value.kind, 'string');
  });

  test('object members keep their lines (insert after the last property)', () => {
    const r = parseOk(text);
    const res = decl(r, 'resource');
    const lines = r.program.lineStarts;
    assert.deepEqual(res.body!.members.map(m => lineOfOffset(lines, m.start)), [2, 3, 6]);
    assert.equal(lineOfOffset(lines, res.body!.end), 9);
  });

  test('existing resources, parent property, resource access', () => {
    const src = [
      "resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {",
      "  name: 'vnet'",
      '}',
      "resource sub 'Microsoft.Network/virtualNetworks/subnets@2023-04-01' = {",
      '  parent: vnet',
      "  name: 'default'",
      '}',
      'output id string = vnet::sub.id',
      '',
    ].join('\n');
    const r = parseOk(src);
    const vnet = decl(r, 'resource', 0);
    assert.equal(vnet.existing, true);
    assert.deepEqual(vnet.existingRange, rangeOf(src, 'existing'));
    const sub = decl(r, 'resource', 1);
    assert.deepEqual(span(prop(sub.body, 'parent').value), rangeOf(src, 'vnet', 2));
    const out = decl(r, 'output');
    const pa = asKind(out.value, 'propertyAccess');
    const ra = asKind(pa.target, 'resourceAccess');
    assert.equal(ra.name.name, 'sub');
    assert.deepEqual(span(ra), rangeOf(src, 'vnet::sub'));
  });

  test('if on the next line after =', () => {
    const src = "resource r 'A/b@1' =\n  if (x) {\n}\n";
    const res = decl(parseOk(src), 'resource');
    assert.equal(asKind(res.condition, 'variable').name, 'x');
  });
});

describe('loops', () => {
  test('resource loop with item, index and filter', () => {
    const src = "resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = [for (name, i) in names: if (i > 0) {\n  name: name\n}]\n";
    const res = decl(parseOk(src), 'resource');
    const loop = res.loop!;
    assert.deepEqual(span(loop), { start: at(src, '[for'), end: src.length - 1 });
    assert.deepEqual(span(loop.itemVariable!), rangeOf(src, 'name', 0));
    assert.equal(loop.itemVariable!.name, 'name');
    assert.deepEqual(span(loop.indexVariable!), { start: at(src, ', i)') + 2, end: at(src, ', i)') + 3 });
    assert.deepEqual(span(loop.iterable), rangeOf(src, 'names'));
    const filter = asKind(loop.body as IfNode, 'if');
    assert.deepEqual(span(filter), { start: at(src, 'if ('), end: at(src, '}]') + 1 });
    const cond = asKind(res.condition, 'binary');
    assert.equal(cond.operator, '>');
    assert.deepEqual(span(cond), rangeOf(src, 'i > 0'));
    assert.deepEqual(cond.operatorRange, rangeOf(src, '>'));
    assert.ok(res.body);
    assert.equal(res.body, filter.body);
  });

  test('simple and range loops, loops in variables and outputs', () => {
    const src = [
      "module m './m.bicep' = [for x in xs: {",
      "  name: 'm${x}'",
      '}]',
      'var squares = [for i in range(0, 3): i * i]',
      'output names array = [for (s, i) in items: {',
      '  n: s.name',
      '  i: i',
      '}]',
      'var multi = [',
      '  for x in xs: x',
      ']',
      '',
    ].join('\n');
    const r = parseOk(src);
    const m = decl(r, 'module');
    assert.equal(m.loop!.itemVariable!.name, 'x');
    assert.equal(m.loop!.indexVariable, undefined);
    assert.equal(m.body?.properties[0].keyName, 'name');
    const sq = asKind(decl(r, 'var').value, 'for');
    const iter = asKind(sq.iterable, 'call');
    assert.equal(iter.name.name, 'range');
    assert.deepEqual(iter.args.map(a => asKind(a, 'number').value), [0, 3]);
    assert.deepEqual(span(sq.body), rangeOf(src, 'i * i'));
    const out = asKind(decl(r, 'output').value, 'for');
    assert.equal(out.indexVariable!.name, 'i');
    assert.equal(asKind(out.body as Expression, 'object').properties.length, 2);
    const multi = asKind(decl(r, 'var', 1).value, 'for');
    assert.deepEqual(span(multi), { start: at(src, '[\n  for'), end: src.length - 1 });
  });
});

describe('modules', () => {
  const kinds: [string, string][] = [
    ['./modules/storage.bicep', 'local'],
    ['br:myregistry.azurecr.io/bicep/modules/storage:v1', 'registry'],
    ['br/public:avm/res/storage/storage-account:0.9.0', 'registryAlias'],
    ['ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0', 'templateSpec'],
    ['ts/corp:spec:1.0', 'templateSpecAlias'],
  ];
  for (const [path, kind] of kinds) {
    test(`path kind ${kind}`, () => {
      const src = `module m '${path}' = {\n  name: 'x'\n  params: {\n    a: 1\n  }\n}\n`;
      const m: ModuleDeclaration = decl(parseOk(src), 'module');
      assert.equal(m.pathString, path);
      assert.equal(m.pathKind, kind);
      assert.deepEqual(span(m.path), rangeOf(src, `'${path}'`));
      assert.deepEqual(span(m.name), { start: 7, end: 8 });
      assert.equal(asKind(prop(m.body, 'params').value, 'object').properties[0].keyName, 'a');
    });
  }
  test('classifyModulePath', () => {
    assert.equal(classifyModulePath(undefined), 'unknown');
    assert.equal(classifyModulePath('../x.bicep'), 'local');
    assert.equal(classifyModulePath('BR:x/y:z'), 'registry');
  });
  test('conditional module', () => {
    const src = "module m 'x.bicep' = if (enabled) {\n  name: 'm'\n}\n";
    const m = decl(parseOk(src), 'module');
    assert.equal(asKind(m.condition, 'variable').name, 'enabled');
  });
});

describe('parameters, variables, outputs, types, functions', () => {
  test('decorated parameters', () => {
    const src = [
      '@secure()',
      "@sys.description('The key')",
      '@minLength(3)',
      '@allowed([',
      "  'a'",
      "  'b'",
      '])',
      "param key string = 'a'",
      '',
    ].join('\n');
    const p = decl(parseOk(src), 'param');
    assert.deepEqual(p.decorators.map(d => [d.name, d.namespace ?? '']), [['secure', ''], ['description', 'sys'], ['minLength', ''], ['allowed', '']]);
    assert.deepEqual(span(p.decorators[1]), rangeOf(src, "@sys.description('The key')"));
    assert.equal(p.start, 0);
    assert.deepEqual(p.keyword, rangeOf(src, 'param'));
    assert.deepEqual(span(p.name), rangeOf(src, 'key', 1));
    assert.equal(asKind(p.type, 'typeReference').name.name, 'string');
    assert.deepEqual(span(p.defaultValue!), rangeOf(src, "'a'", 1));
    const allowed = asKind(p.decorators[3].args[0], 'array');
    assert.equal(allowed.multiline, true);
    assert.equal(allowed.items.length, 2);
  });

  test('type expressions', () => {
    const src = [
      "type sku = 'S0' | 'S1'",
      'type tags = { *: string }',
      'type cfg = {',
      "  @description('name')",
      '  name: string',
      '  size: int?',
      "  'quoted-key': bool[]",
      '}',
      'param ids int[] = []',
      "param input resourceInput<'Microsoft.CognitiveServices/accounts@2023-05-01'>.properties",
      'type pair = [string, int]',
      'type multi =',
      "  | 'x'",
      "  | 'y'",
      "output acct resource 'Microsoft.CognitiveServices/accounts@2023-05-01' = a",
      '',
    ].join('\n');
    const r = parseOk(src);
    const sku = asKind(decl(r, 'type', 0).value, 'unionType');
    assert.deepEqual(sku.members.map(m => asKind(m, 'string').value), ['S0', 'S1']);
    assert.deepEqual(span(sku), rangeOf(src, "'S0' | 'S1'"));
    const tags = asKind(decl(r, 'type', 1).value, 'objectType');
    assert.equal(tags.members[0].kind, 'objectTypeAdditionalProperties');
    const cfg = asKind(decl(r, 'type', 2).value, 'objectType');
    assert.deepEqual(cfg.members.map(m => m.kind === 'objectTypeProperty' ? m.keyName : m.kind), ['name', 'size', 'quoted-key']);
    const nameProp = cfg.members[0];
    assert.equal(nameProp.kind === 'objectTypeProperty' && nameProp.decorators[0].name, 'description');
    const size = cfg.members[1];
    assert.equal(size.kind === 'objectTypeProperty' && size.value.kind, 'nullableType');
    assert.equal(asKind(decl(r, 'param', 0).type, 'arrayType').element.kind, 'typeReference');
    const input = asKind(decl(r, 'param', 1).type, 'typeMemberAccess');
    const ri = asKind(input.target as TypeNode, 'typeReference');
    assert.equal(ri.name.name, 'resourceInput');
    assert.equal(asKind(ri.typeArguments![0], 'string').value, 'Microsoft.CognitiveServices/accounts@2023-05-01');
    assert.equal(input.member.name, 'properties');
    assert.equal(asKind(decl(r, 'type', 3).value, 'tupleType').items.length, 2);
    assert.equal(asKind(decl(r, 'type', 4).value, 'unionType').members.length, 2);
    const out = asKind(decl(r, 'output').type, 'resourceType');
    assert.equal(out.typeString && out.typeString.kind === 'string' && out.typeString.value, 'Microsoft.CognitiveServices/accounts@2023-05-01');
  });

  test('typed variables, functions, metadata, targetScope, assert', () => {
    const src = [
      "targetScope = 'subscription'",
      "metadata author = 'me'",
      'var n int = 1',
      'func add(a int, b int) int => a + b',
      'assert positive = n > 0',
      '',
    ].join('\n');
    const r = parseOk(src);
    assert.equal(asKind(decl(r, 'targetScope').value, 'string').value, 'subscription');
    assert.equal(decl(r, 'metadata').name.name, 'author');
    assert.equal(asKind(decl(r, 'var').type, 'typeReference').name.name, 'int');
    const f = decl(r, 'func');
    assert.deepEqual(f.parameters.map(p => p.name.name), ['a', 'b']);
    assert.deepEqual(span(f.parameters[1]), rangeOf(src, 'b int'));
    assert.equal(asKind(f.returnType, 'typeReference').name.name, 'int');
    assert.deepEqual(span(f.body), rangeOf(src, 'a + b'));
    assert.equal(asKind(decl(r, 'assert').value, 'binary').operator, '>');
  });

  test('imports and extensions', () => {
    const src = [
      "import { a, b as c, 'd-e' as f } from 'shared.bicep'",
      "import * as ns from 'ns.bicep'",
      'extension az',
      'extension kubernetes as k8s',
      "extension 'br:mcr.microsoft.com/ext:1.0' with {\n  x: 1\n} as ext",
      '',
    ].join('\n');
    const r = parseOk(src);
    const i0 = decl(r, 'import', 0);
    assert.deepEqual(i0.symbols!.map(s => [s.name.kind === 'identifier' ? s.name.name : (s.name as StringNode).value, s.alias?.name]),
      [['a', undefined], ['b', 'c'], ['d-e', 'f']]);
    assert.equal(i0.fromPath, 'shared.bicep');
    assert.equal(decl(r, 'import', 1).wildcardAlias!.name, 'ns');
    assert.equal(decl(r, 'extension', 1).alias!.name, 'k8s');
    const e2 = decl(r, 'extension', 2);
    assert.equal(e2.config?.kind, 'object');
    assert.equal(e2.alias!.name, 'ext');
    assert.equal(asKind(e2.specification, 'string').value, 'br:mcr.microsoft.com/ext:1.0');
  });

  test('provider is parsed as an extension with a warning; legacy import string', () => {
    const r = parseBicep("provider microsoftGraph\nimport 'az@1.0.0'\n");
    assert.deepEqual(r.diagnostics.map(d => [d.code, d.severity, d.start, d.end]), [['EGB005', 'warning', 0, 8]]);
    assert.equal(decl(r, 'extension', 0).keywordText, 'provider');
    assert.equal(decl(r, 'extension', 1).keywordText, 'import');
  });

  test('.bicepparam files', () => {
    const src = [
      "using './main.bicep'",
      "param location = 'westeurope'",
      'param tags = {',
      "  env: 'prod'",
      '}',
      "var prefix = 'x'",
      '',
    ].join('\n');
    const r = parseBicepParam(src);
    assert.deepEqual(r.diagnostics, []);
    const u = decl(r, 'using');
    assert.equal(u.pathString, './main.bicep');
    const p = decl(r, 'paramAssignment');
    assert.equal(p.name.name, 'location');
    assert.deepEqual(span(p.value), rangeOf(src, "'westeurope'"));
    assert.equal(r.program.fileKind, 'bicepparam');
    // resources are not allowed in parameter files
    assert.equal(parseBicepParam("resource r 'a@1' = {}\n").diagnostics[0].code, 'BCP337');
    // `using none`, `extends`
    const n = parseBicepParam("using none\nextends 'base.bicepparam'\n");
    assert.deepEqual(n.diagnostics, []);
    assert.equal(decl(n, 'using').pathString, undefined);
    assert.equal(decl(n, 'extends').pathString, 'base.bicepparam');
  });
});

describe('strings', () => {
  test('interpolation with escapes: segments, ranges, values', () => {
    const src = "var s = 'a\\'b\\\\c\\n\\t\\r\\$d\\${x}${name}-\\u{1F600}'\n";
    const v = asKind(decl(parseOk(src), 'var').value, 'string');
    assert.deepEqual(span(v), { start: 8, end: src.length - 1 });
    assert.equal(v.multiline, false);
    assert.equal(v.value, undefined);
    assert.deepEqual(v.segments, ["a'b\\c\n\t\r$d${x}", '-\u{1F600}']);
    assert.equal(v.expressions.length, 1);
    assert.deepEqual(span(v.expressions[0]), rangeOf(src, 'name'));
    assert.deepEqual(v.segmentRanges, [
      { start: 9, end: at(src, '${name}') },
      { start: at(src, '}-') + 1, end: src.length - 2 },
    ]);
  });

  test('plain strings and keys with quotes', () => {
    const src = "var o = {\n  'my-key': 'it''s'\n}\n";
    const r = parseBicep(src);
    // '' is not an escape in Bicep: 'it' then 's' -> error
    assert.ok(r.diagnostics.length > 0);
    const ok = parseOk("var o = {\n  'my-key': 'it\\'s'\n}\n");
    const p = asKind(decl(ok, 'var').value, 'object').properties[0];
    assert.equal(p.keyName, 'my-key');
    assert.equal(asKind(p.value, 'string').value, "it's");
  });

  test('multi-line strings: no escapes, leading newline stripped', () => {
    const src = "var m = '''\nline1 \\n ${x}\n  line2'''\n";
    const v = asKind(decl(parseOk(src), 'var').value, 'string');
    assert.equal(v.multiline, true);
    assert.equal(v.value, 'line1 \\n ${x}\n  line2');
    assert.deepEqual(span(v), { start: 8, end: src.length - 1 });
    assert.deepEqual(v.segmentRanges, [{ start: 12, end: src.length - 4 }]);
  });

  test('multi-line interpolated strings ($\'\'\' and $$\'\'\')', () => {
    const src = "var a = $'''\nhello ${name}!'''\nvar b = $$'''${literal} $${x}'''\n";
    const r = parseOk(src);
    const a = asKind(decl(r, 'var', 0).value, 'string');
    assert.deepEqual(a.segments, ['hello ', '!']);
    assert.equal(asKind(a.expressions[0], 'variable').name, 'name');
    const b = asKind(decl(r, 'var', 1).value, 'string');
    assert.deepEqual(b.segments, ['${literal} ', '']);
    assert.equal(asKind(b.expressions[0], 'variable').name, 'x');
  });

  test('unterminated strings are reported and recovered', () => {
    const r = parseBicep("var a = 'abc\nvar b = 'ok'\n");
    assert.deepEqual(r.diagnostics.map(d => [d.code, d.start, d.end]), [['BCP004', 8, 12]]);
    assert.equal(asKind(decl(r, 'var', 1).value, 'string').value, 'ok');
    const m = parseBicep("var a = '''abc");
    assert.equal(m.diagnostics[0].code, 'BCP140');
  });
});

describe('objects, arrays, expressions', () => {
  test('comma-separated and newline-separated objects and arrays', () => {
    const src = [
      'var o1 = { a: 1, b: 2 }',
      'var o2 = {',
      '  a: 1',
      '  b: 2',
      '}',
      "var a1 = ['x', 'y',]",
      'var mixed = { a: 1, b: 2',
      '  c: 3 }',
      '',
    ].join('\n');
    const r = parseOk(src);
    const o1 = asKind(decl(r, 'var', 0).value, 'object');
    assert.deepEqual([o1.multiline, o1.commaSeparated, o1.closed], [false, true, true]);
    assert.deepEqual(span(o1), rangeOf(src, '{ a: 1, b: 2 }'));
    assert.deepEqual(o1.properties.map(p => span(p)), [rangeOf(src, 'a: 1'), rangeOf(src, 'b: 2')]);
    const o2 = asKind(decl(r, 'var', 1).value, 'object');
    assert.deepEqual([o2.multiline, o2.commaSeparated], [true, false]);
    const a1 = asKind(decl(r, 'var', 2).value, 'array');
    assert.deepEqual([a1.multiline, a1.commaSeparated, a1.items.length], [false, true, 2]);
    const mixed = asKind(decl(r, 'var', 3).value, 'object');
    assert.deepEqual([mixed.multiline, mixed.commaSeparated, mixed.properties.length], [true, true, 3]);
  });

  test('operators, precedence, ternary, coalesce, safe access, non-null', () => {
    const src = 'var x = a || b && c == d + e * f ? g.?h[?0]! : i ?? j[^1]\n';
    const v = decl(parseOk(src), 'var').value;
    const t = asKind(v, 'ternary');
    const or = asKind(t.condition, 'binary');
    assert.equal(or.operator, '||');
    const and = asKind(or.right, 'binary');
    assert.equal(and.operator, '&&');
    const eq = asKind(and.right, 'binary');
    assert.equal(eq.operator, '==');
    const plus = asKind(eq.right, 'binary');
    assert.equal(plus.operator, '+');
    assert.equal(asKind(plus.right, 'binary').operator, '*');
    assert.deepEqual(t.questionRange, rangeOf(src, '?'));
    const nn = asKind(t.whenTrue, 'nonNullAssertion');
    const idx = asKind(nn.target, 'indexAccess');
    assert.equal(idx.safe, true);
    const pa = asKind(idx.target, 'propertyAccess');
    assert.equal(pa.safe, true);
    assert.equal(pa.property.name, 'h');
    const coalesce = asKind(t.whenFalse, 'binary');
    assert.equal(coalesce.operator, '??');
    assert.equal(asKind(coalesce.right, 'indexAccess').fromEnd, true);
  });

  test('multi-line ternary, comparison operators, unary', () => {
    const src = 'var x = a =~ b\n  ? !c\n  : -1\nvar y = [a != b, a !~ b, a < b, a <= b, a > b, a >= b, a % b, a / b, a - b]\n';
    const r = parseOk(src);
    const t = asKind(decl(r, 'var', 0).value, 'ternary');
    assert.equal(asKind(t.condition, 'binary').operator, '=~');
    assert.equal(asKind(t.whenTrue, 'unary').operator, '!');
    assert.equal(asKind(t.whenFalse, 'unary').operator, '-');
    const ops = asKind(decl(r, 'var', 1).value, 'array').items.map(i => asKind(i as Expression, 'binary').operator);
    assert.deepEqual(ops, ['!=', '!~', '<', '<=', '>', '>=', '%', '/', '-']);
  });

  test('function calls: namespaced, instance, multi-line arguments', () => {
    const src = "var x = sys.concat(az.resourceGroup().id,\n  kv.getSecret('s'),\n  'z')\n";
    const c = asKind(decl(parseOk(src), 'var').value, 'call');
    assert.equal(c.name.name, 'concat');
    assert.equal(asKind(c.target, 'variable').name, 'sys');
    assert.equal(c.args.length, 3);
    const id = asKind(c.args[0], 'propertyAccess');
    const rg = asKind(id.target, 'call');
    assert.equal(rg.name.name, 'resourceGroup');
    assert.equal(asKind(rg.target, 'variable').name, 'az');
    assert.deepEqual(span(rg), rangeOf(src, 'az.resourceGroup()'));
    const gs = asKind(c.args[1], 'call');
    assert.equal(asKind(gs.target, 'variable').name, 'kv');
  });

  test('lambdas', () => {
    const src = 'var a = map(xs, x => x.name)\nvar b = reduce(xs, 0, (cur, next) => cur + next)\nvar c = sort(xs, (a, b) =>\n  a < b)\n';
    const r = parseOk(src);
    const l1 = asKind(asKind(decl(r, 'var', 0).value, 'call').args[1], 'lambda');
    assert.deepEqual(l1.parameters.map(p => p.name), ['x']);
    assert.deepEqual(span(l1), rangeOf(src, 'x => x.name'));
    const l2 = asKind(asKind(decl(r, 'var', 1).value, 'call').args[2], 'lambda');
    assert.deepEqual(l2.parameters.map(p => [p.name, p.start]), [['cur', at(src, '(cur') + 1], ['next', at(src, 'next')]]);
    assert.deepEqual(span(l2), rangeOf(src, '(cur, next) => cur + next'));
    const l3 = asKind(asKind(decl(r, 'var', 2).value, 'call').args[1], 'lambda');
    assert.equal(asKind(l3.body, 'binary').operator, '<');
  });

  test('spread in objects and arrays', () => {
    const src = 'var o = {\n  ...base\n  extra: 1\n}\nvar a = [1, ...rest, 2]\n';
    const r = parseOk(src);
    const o = asKind(decl(r, 'var', 0).value, 'object');
    assert.deepEqual(o.members.map(m => m.kind), ['spread', 'objectProperty']);
    assert.deepEqual(span(o.members[0]), rangeOf(src, '...base'));
    assert.equal(o.properties.length, 1);
    const a = asKind(decl(r, 'var', 1).value, 'array') as ArrayNode;
    assert.deepEqual(a.items.map(i => i.kind), ['number', 'spread', 'number']);
  });

  test('?. is reported (Bicep uses .?) but parsed as safe access', () => {
    const r = parseBicep('var x = a?.b\n');
    assert.deepEqual(r.diagnostics.map(d => [d.code, d.start, d.end]), [['EGB006', 9, 11]]);
    const pa = asKind(decl(r, 'var').value, 'propertyAccess');
    assert.equal(pa.safe, true);
    assert.equal(pa.property.name, 'b');
  });

  test('numbers: integers only, 64-bit range', () => {
    const r = parseOk('var a = 0\nvar b = 9223372036854775807\n');
    assert.equal(asKind(decl(r, 'var', 1).value, 'number').raw, '9223372036854775807');
    assert.equal(parseBicep('var c = 99999999999999999999999\n').diagnostics[0].code, 'BCP010');
    assert.equal(parseBicep('var d = 1.5\n').diagnostics[0].code, 'BCP020');
  });
});

describe('trivia: comments and directives', () => {
  const src = [
    '// line comment',
    '/* block',
    '   comment */',
    '#disable-next-line no-unused-vars BCP081',
    "var x = 'a' // trailing",
    '  #disable-diagnostics  rule-a',
    '#restore-diagnostics rule-a',
    '',
  ].join('\n');

  test('comments are collected with ranges and text', () => {
    const r = parseOk(src);
    assert.deepEqual(r.program.comments.map(c => [c.kind, c.start, c.end, c.text]), [
      ['line', 0, 15, '// line comment'],
      ['block', 16, 38, '/* block\n   comment */'],
      ['line', at(src, '// trailing'), at(src, '// trailing') + 11, '// trailing'],
    ]);
  });

  test('directives are trivia with codes, not errors', () => {
    const r = parseOk(src);
    assert.deepEqual(r.program.directives.map(d => [d.kind, d.line, d.codes.map(c => c.code)]), [
      ['disable-next-line', 3, ['no-unused-vars', 'BCP081']],
      ['disable-diagnostics', 5, ['rule-a']],
      ['restore-diagnostics', 6, ['rule-a']],
    ]);
    const d0 = r.program.directives[0];
    assert.deepEqual(span(d0), rangeOf(src, '#disable-next-line no-unused-vars BCP081'));
    assert.deepEqual(span(d0.codes[1]), rangeOf(src, 'BCP081'));
  });

  test('a directive inside a resource body; a directive without codes; # elsewhere', () => {
    const body = "resource r 'A/b@1' = {\n#disable-next-line BCP037\n  name: 'x'\n}\n";
    const r = parseOk(body);
    assert.equal(r.program.directives[0].codes[0].code, 'BCP037');
    assert.equal(decl(r, 'resource').body!.properties.length, 1);
    assert.deepEqual(parseBicep('#disable-next-line\nvar x = 1\n').diagnostics.map(d => d.code), ['BCP226']);
    // not first on its line: an unrecognized token
    assert.equal(parseBicep('var x = 1 #disable-next-line a\n').diagnostics[0].code, 'BCP001');
  });

  test('lexer: tokens, BOM, CRLF', () => {
    const { tokens } = lex("\uFEFFvar x = 1\r\n");
    const types = Array.from({ length: tokens.count }, (_, i) => tokenAt(tokens, i).type);
    assert.deepEqual(types, [TokenType.Identifier, TokenType.Identifier, TokenType.Assignment, TokenType.Integer, TokenType.NewLine, TokenType.EndOfFile]);
    assert.deepEqual(tokenAt(tokens, 0), { type: TokenType.Identifier, start: 1, end: 4, multiline: 0, unterminated: false });
    const r = parseOk("var a = 1\r\nvar b = 2\rvar c = 3\n");
    assert.deepEqual(r.program.lineStarts, [0, 11, 21, 31]);
  });
});

describe('error recovery', () => {
  test('bad declaration: diagnostic at the offending token, parsing resumes on the next line', () => {
    const src = "bad stuff here\nvar ok = 1\n";
    const r = parseBicep(src);
    assert.deepEqual(r.diagnostics.map(d => [d.code, d.start, d.end]), [['BCP007', 0, 3]]);
    assert.equal(decl(r, 'var').name.name, 'ok');
  });

  test('incomplete declarations', () => {
    const cases: [string, [string, number, number][]][] = [
      ['resource \n', [['BCP017', 9, 9]]],
      ['resource foo\n', [['BCP068', 12, 12]]],
      ["resource foo 'a@1'\n", [['BCP018', 18, 18]]],
      ["resource foo 'a@1' = \n", [['BCP118', 21, 21]]],
      ['var x = \n', [['BCP009', 8, 8]]],
      ['param\n', [['BCP013', 5, 5]]],
      ['param p\n', [['BCP279', 7, 7]]],
      ['output o string\n', [['BCP018', 15, 15]]],
      ['var x = (1, 2)\n', [['BCP243', 9, 13]]],
      ['var x = f(a b)\n', [['BCP236', 12, 12]]],
      ["var x = 'a${b c}'\n", [['BCP064', 14, 15]]],
      ['var x = [for 1 in y: 1]\n', [['BCP162', 13, 13], ['BCP009', 22, 23]]],
      ['var x = [for (a, b, c) in y: 1]\n', [['BCP249', 13, 22]]],
      ['var x = 1 var y = 2\n', [['BCP019', 10, 13]]],
      ['var x = { a: 1,\n}\n', [['BCP238', 15, 15]]],
      ['var x = a[]\n', [['BCP117', 10, 10]]],
      ['@description(\'x\')\n', [['BCP132', 0, 17]]],
      ['var x = "a"\n', [['BCP103', 8, 9], ['BCP009', 8, 9], ['BCP103', 10, 11]]],
    ];
    for (const [src, expected] of cases) {
      const r = parseBicep(src);
      assert.deepEqual(r.diagnostics.map(d => [d.code, d.start, d.end]), expected, JSON.stringify(src));
      checkRanges(r.program, src.length);
    }
  });

  test('missing closing brace keeps the partial object', () => {
    const src = "resource r 'Microsoft.CognitiveServices/accounts@2023-05-01' = {\n  name: 'x'\n  properties: {\n    publicNetworkAccess: 'Enabled'\n";
    const r = parseBicep(src);
    assert.deepEqual(r.diagnostics.map(d => [d.code, d.start]), [['BCP018', src.length]]);
    const res = decl(r, 'resource');
    assert.equal(res.value.kind, 'error');
    assert.ok(res.body);
    assert.equal(res.body.closed, false);
    assert.equal(prop(res.body, 'name').keyName, 'name');
    checkRanges(r.program, src.length);
  });

  test('a broken property does not lose its siblings', () => {
    const src = "var o = {\n  a: 1\n  b: )\n  c: 3\n}\n";
    const r = parseBicep(src);
    assert.deepEqual(r.diagnostics.map(d => d.code), ['BCP009']);
    const o = asKind(decl(r, 'var').value, 'object');
    assert.deepEqual(o.properties.map(p => p.keyName), ['a', 'b', 'c']);
    assert.equal(prop(o, 'b').value.kind, 'error');
  });
});

describe('robustness', () => {
  test('2000 nested arrays: an error, no stack overflow', () => {
    const src = 'var x = ' + '['.repeat(2000) + ']'.repeat(2000) + '\nvar y = 1\n';
    const r = parseBicep(src);
    assert.equal(r.diagnostics[0].code, 'EGB001');
    assert.equal(decl(r, 'var', 1).name.name, 'y');
    checkRanges(r.program, src.length);
  });

  test('deep nesting of every kind is bounded', () => {
    const n = 5000;
    const sources = [
      'var x = ' + '{a:'.repeat(n) + '1' + '}'.repeat(n),
      'var x = ' + '('.repeat(n) + '1' + ')'.repeat(n),
      'var x = ' + "'${".repeat(n) + '1' + "}'".repeat(n),
      'var x = ' + 'a ? b : '.repeat(n) + 'c',
      'var x = ' + 'a => '.repeat(n) + 'c',
      "resource a 'x@1' = {\n".repeat(n) + '}\n'.repeat(n),
      'type t = ' + '{a:'.repeat(n) + 'string' + '}'.repeat(n),
      'type t = ' + '('.repeat(n) + 'string' + ')'.repeat(n),
      'var x = ' + 'f('.repeat(n) + ')'.repeat(n),
      'var x = ' + '[for x in y: '.repeat(n) + '1' + ']'.repeat(n),
    ];
    for (const src of sources) {
      const r = parseBicep(src + '\nvar last = 1\n');
      assert.ok(r.diagnostics.some(d => d.code === 'EGB001'), src.slice(0, 30));
      assert.ok(!r.diagnostics.some(d => d.code === 'EGB000'), src.slice(0, 30));
    }
  });

  test('never throws on binary garbage and token soup; ranges stay valid', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pieces = "{ } [ ] ( ) ' ''' $''' ${ \n \r\n @ : :: . .? ... , ? ?? ! != = == =~ => < > | || && & abc for in if resource param var module existing 12 true null /* */ // # #disable-next-line \\ \" \t".split(' ');
    for (let k = 0; k < 300; k++) {
      let src = '';
      const len = Math.floor(rnd() * 200);
      for (let i = 0; i < len; i++) {
        src += rnd() < 0.15 ? String.fromCharCode(Math.floor(rnd() * 0x3000)) : pieces[Math.floor(rnd() * pieces.length)] + (rnd() < 0.5 ? ' ' : '');
      }
      const r = parseBicep(src);
      assert.ok(!r.diagnostics.some(d => d.code === 'EGB000'), JSON.stringify(src));
      checkRanges(r.program, src.length);
      for (const d of r.diagnostics) assert.ok(d.start >= 0 && d.start <= d.end && d.end <= src.length, JSON.stringify(src));
      parseBicepParam(src);
    }
  });

  test('every prefix of a realistic file parses without crashing', () => {
    const src = "@description('x')\nparam p string = 'a${b}'\nresource r 'A/b@1' = [for (x, i) in xs: if (i > 0) {\n  name: '''\nm'''\n  properties: { a: [1, 2], ...c }\n}]\n";
    for (let i = 0; i <= src.length; i++) {
      const text = src.slice(0, i);
      const r = parseBicep(text);
      checkRanges(r.program, text.length);
      assert.ok(!r.diagnostics.some(d => d.code === 'EGB000'));
    }
  });

  test('5 MB inputs parse in well under a second of CPU', (t) => {
    const unit = "resource acct 'Microsoft.CognitiveServices/accounts@2023-05-01' = {\n  name: 'a${i}'\n  location: loc\n  properties: {\n    publicNetworkAccess: 'Disabled'\n    networkAcls: { defaultAction: 'Deny', ipRules: [] }\n  }\n}\n";
    const valid = unit.repeat(Math.ceil(5_000_000 / unit.length));
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const chars: string[] = [];
    for (let i = 0; i < 5_000_000; i++) chars.push(String.fromCharCode(Math.floor(rnd() * 256)));
    const garbage = chars.join('');
    for (const [name, text] of [['valid', valid], ['garbage', garbage]] as const) {
      parseBicep(text.slice(0, 100_000)); // warm up
      const before = process.cpuUsage();
      const r = parseBicep(text);
      const used = process.cpuUsage(before);
      const ms = (used.user + used.system) / 1000;
      t.diagnostic(`${name}: ${(text.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms CPU, ${r.diagnostics.length} diagnostics`);
      // Generous bound so a loaded CI machine does not flake; typical is a few hundred ms.
      assert.ok(ms < 2500, `${name}: ${ms.toFixed(0)} ms CPU`);
      if (name === 'valid') assert.deepEqual(r.diagnostics, []);
      assert.ok(r.diagnostics.length <= 1100);
    }
  });
});
