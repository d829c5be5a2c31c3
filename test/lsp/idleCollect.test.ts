// The analysis thread collects the garbage of heavy work once it stays idle, and only then (idleCollect.ts).

import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { IdleCollector, type Collected } from '../../server/src/lsp/idleCollect';

function collector(idle: () => boolean = () => true): { c: IdleCollector; seen: Collected[] } {
  const seen: Collected[] = [];
  return { c: new IdleCollector(idle, (what) => seen.push(what)), seen };
}

test('heavy work is collected after 300 ms without messages; each message starts the wait again; then not again until more heavy work', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const { c, seen } = collector();
  c.worked(250);
  mock.timers.tick(299);
  c.busy();
  mock.timers.tick(299);
  assert.equal(seen.length, 0, 'a message 299 ms after the work delays the collection');
  mock.timers.tick(1);
  assert.equal(seen.length, 1);
  assert.ok(seen[0].heapAfterMb <= seen[0].heapBeforeMb, JSON.stringify(seen[0]));
  c.busy();
  mock.timers.tick(1000);
  assert.equal(seen.length, 1, 'nothing heavy since: no second collection');
});

test('light work (under 200 ms since the last collection) is not collected for; work adding up to 200 ms is; a collection waits while changes wait to be applied', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const light = collector();
  light.c.worked(199);
  mock.timers.tick(1000);
  assert.equal(light.seen.length, 0);
  // Pieces under 200 ms each make as much garbage as one piece of their sum.
  light.c.worked(1);
  mock.timers.tick(300);
  assert.equal(light.seen.length, 1, '199 ms and 1 ms of work add up to heavy work');
  for (let i = 0; i < 3; i++) light.c.worked(60);
  mock.timers.tick(1000);
  assert.equal(light.seen.length, 1, '180 ms since the collection: not yet');
  light.c.worked(20);
  mock.timers.tick(300);
  assert.equal(light.seen.length, 2);

  let waiting = true;
  const queued = collector(() => !waiting);
  queued.c.worked(200);
  mock.timers.tick(900);
  assert.equal(queued.seen.length, 0, 'changes wait: not idle');
  waiting = false;
  mock.timers.tick(300);
  assert.equal(queued.seen.length, 1);
});
