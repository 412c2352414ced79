import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, intakeBody, startTestApp, type TestApp } from '../../test/support/app.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';

describeEachEngine('change feed', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('needs an admin session (or an API key with events:read)', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/events' })).statusCode, 401);
    assert.equal((await (await t.as('agent1')).get('/api/v1/events')).status, 403);
    assert.equal((await (await t.as('admin')).get('/api/v1/events?after=abc')).status, 400);
  });

  it('pages through ticket events by cursor, masked', async () => {
    const agent = await t.as('agent1');
    assert.equal((await agent.post('/api/v1/tickets', intakeBody({ dispatch: { leadUnitCode: 'ZJJ' } }))).status, 201);
    const admin = await t.as('admin');
    const first = await admin.get('/api/v1/events?limit=1');
    assert.equal(first.status, 200);
    assert.equal(first.body.events.length, 1);
    assert.equal(first.body.events[0].action, 'intake');
    assert.equal(first.body.events[0].ticket.requester.phone, '138****5678');
    const rest = await admin.get(`/api/v1/events?after=${first.body.next}`);
    assert.deepEqual(rest.body.events.map((e: any) => e.action), ['dispatch']);
    const none = await admin.get(`/api/v1/events?after=${rest.body.next}`);
    assert.deepEqual(none.body.events, []);
    assert.equal(none.body.next, rest.body.next, 'an empty page keeps the cursor');
  });

  it('never skips or repeats an event under concurrent writers that commit out of order', async () => {
    const ticket = await t.ctx.store.db.selectFrom('tickets').select('id').executeTakeFirstOrThrow();
    const admin = await t.as('admin');
    let cursor = (await admin.get('/api/v1/events?limit=1000')).body.next as string;
    const seen: string[] = [];
    let writing = true;
    const WRITERS = engine === 'postgres' ? 8 : 3;
    const PER_WRITER = 6;
    // Each writer inserts its event early and commits late, after a random pause: on PostgreSQL ids
    // are drawn in one order and committed in another.
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < PER_WRITER; i++) {
        await inTransaction(t.ctx.store.db, async (tx) => {
          await writeEvent(tx, null, t.clock.now(), { ticketId: ticket.id, action: 'progress', detail: { writer: w, i } });
          await new Promise((r) => setTimeout(r, 5 + ((w * 7 + i * 13) % 40)));
        });
      }
    });
    const reader = (async () => {
      // Pages while the writers run, then until a page after they finished comes back empty.
      for (let round = 0; round < 5000; round++) {
        const finished = !writing;
        const page = await admin.get(`/api/v1/events?after=${cursor}&limit=7`);
        assert.equal(page.status, 200);
        for (const e of page.body.events) seen.push(e.id);
        cursor = page.body.next;
        if (finished && !page.body.events.length) break;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    await Promise.all(writers);
    writing = false;
    await reader;
    const written = await t.ctx.store.db.selectFrom('events').select('id').where('action', '=', 'progress').where('ticket_id', '=', ticket.id).orderBy('id').execute();
    assert.equal(written.length, WRITERS * PER_WRITER);
    assert.equal(new Set(seen).size, seen.length, 'no event served twice');
    assert.deepEqual([...seen].sort(), written.map((r) => `evt-${r.id}`).sort(), 'every event served');
  });
});
