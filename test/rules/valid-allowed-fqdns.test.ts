import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, applyFix, fixTitled, lint, only, template, textAt } from '../support/lint';

const RULE = 'valid-allowed-fqdns';
const withList = (entries: string) =>
  template(account(`{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": [${entries}] }`));
const messages = (entries: string) => only(lint(withList(entries)), RULE).map((f) => `${textAt(f)} → ${f.message.replace(/^.*which is not a host name: /, '')}`);

test('flags URLs, paths, ports, whitespace, empty, bad characters, long labels and IPs, at the entry', () => {
  assert.deepEqual(messages([
    '"https://x.contoso.com/path"', '"x.contoso.com/path"', '"x.contoso.com:443"', '"x .contoso.com"', '""',
    '"x_y!.contoso.com"', `"${'a'.repeat(64)}.com"`, '"10.0.0.4"', '"2001:db8::1"', '"a..b.com"',
  ].join(', ')), [
    '"https://x.contoso.com/path" → it has a URL scheme; list the host name only.',
    '"x.contoso.com/path" → it has a path; list the host name only.',
    '"x.contoso.com:443" → it has a port; list the host name only.',
    '"x .contoso.com" → it contains whitespace.',
    '"" → it is empty.',
    `"x_y!.contoso.com" → its label 'x_y!' has characters a host name cannot contain.`,
    `"${'a'.repeat(64)}.com" → its label 'aaaaaaaaaaaaaaaaaaaa…' is 64 characters long; a label has at most 63.`,
    '"10.0.0.4" → it is an IP address; the allow-list accepts host names (FQDNs) only.',
    '"2001:db8::1" → it is an IP address; the allow-list accepts host names (FQDNs) only.',
    '"a..b.com" → it has an empty label (two dots in a row, or a leading dot).',
  ]);
  assert.equal(only(lint(withList('""')), RULE)[0].level, 'error');
});

test('flags a name over 253 characters and more than 1000 entries', () => {
  const long = Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.');
  assert.match(only(lint(withList(`"${long}"`)), RULE)[0].message, /is 304 characters long; a host name has at most 253/);
  const many = Array.from({ length: 1001 }, (_, i) => `"h${i}.contoso.com"`).join(', ');
  const [f] = only(lint(withList(many)), RULE);
  assert.match(f.message, /lists 1001 allowed FQDNs; the service accepts at most 1000/);
});

test('leaves valid host names alone, including a trailing dot and partly unknown hosts', () => {
  assert.deepEqual(messages('"mystorage.blob.core.windows.net", "mysearch.search.windows.net.", "xn--bcher-kva.example", "a-b.c_d.io"'), []);
});

test('the safe fix turns a URL into its host', () => {
  const text = withList('"https://x.contoso.com/path?q=1"');
  const [f] = only(lint(text), RULE);
  const fix = fixTitled(f, "Replace 'https://x.contoso.com/path?q=1' with its host 'x.contoso.com'");
  assert.equal(fix.safe, true);
  const fixed = applyFix(fix, text);
  assert.ok(fixed.includes('"allowedFqdnList": ["x.contoso.com"]'));
  assert.deepEqual(only(lint(fixed), RULE), []);
  const [ip] = only(lint(withList('"10.0.0.4"')), RULE);
  assert.ok(!ip.fixes.some((x) => x.title.startsWith('Replace')), 'no host to turn an IP into');
});
