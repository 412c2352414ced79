// A small generated history read back through the product: the list's counts per state, each
// ticket's page and timeline, the monthly evaluation, new tickets numbered after the generated ones,
// the audit chain; and the same seed giving the same rows, a different seed different ones.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describeEachEngine, intakeBody, startTestApp, storeLocation, type TestApp } from '../../test/support/app.ts';
import { generateHistory, type GeneratedHistory } from './generate.ts';
import { sequenceEvents } from '../interop/feed.ts';
import { syncProvincial } from '../interop/transfer.ts';
import { apiCounts, recompute } from '../../test/support/evaluation-recompute.ts';
import { rankInTiers } from '../domain/evaluation.ts';

const END = '2026-11-01T00:00:00+08:00';
const TICKETS = 600;
const FINAL = new Set(['answered', 'rejected', 'transferred', 'closed', 'archived']);

/** A digest of every generated row's content, in id order. */
async function digest(t: TestApp): Promise<string> {
  const db = t.ctx.store.db;
  const hash = createHash('sha256');
  const tickets = await db.selectFrom('tickets').select(['id', 'no', 'channel', 'type', 'category_id', 'district_unit_id', 'lead_unit_id', 'status', 'round', 'requester_phone', 'facts', 'created_at', 'updated_at', 'closed_at', 'next_due_at', 'satisfaction']).orderBy('id').execute();
  const duties = await db.selectFrom('duties').select(['id', 'ticket_id', 'unit_id', 'kind', 'party', 'round', 'due_at', 'status', 'completed_at', 'late', 'extensions']).orderBy('id').execute();
  const events = await db.selectFrom('events').select(['ticket_id', 'at', 'action', 'from_status', 'to_status', 'detail']).orderBy('id').execute();
  const callbacks = await db.selectFrom('callbacks').select(['ticket_id', 'satisfaction', 'reasonable', 'created_at']).orderBy('id').execute();
  const requests = await db.selectFrom('unit_requests').select(['ticket_id', 'kind', 'status', 'improper', 'requested_at']).orderBy('id').execute();
  for (const rows of [tickets, duties, events, callbacks, requests]) hash.update(JSON.stringify(rows.map((r) => Object.values(r).map((v) => (v === null ? null : String(v))))));
  return hash.digest('hex');
}

/** On PostgreSQL the generator loads through COPY on its own connection: the test database's URL. */
async function urlOf(t: TestApp): Promise<string | undefined> {
  return t.engine === 'postgres' ? (await storeLocation(t)).url : undefined;
}

function byTicket<T extends { ticket_id: number | null }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) out.set(Number(r.ticket_id), [...(out.get(Number(r.ticket_id)) ?? []), r]);
  return out;
}

describeEachEngine('generated history', (engine) => {
  let t: TestApp;
  let generated: GeneratedHistory;

  before(async () => {
    t = await startTestApp(engine, { now: '2026-11-03T01:00:00.000Z' });
    generated = await generateHistory(t.ctx, { tickets: TICKETS, months: 3, seed: 42, end: END, batchTickets: 70, databaseUrl: await urlOf(t) });
  });
  after(() => t.close());

  it('writes the asked number of tickets over the months, with their duties, events, callbacks and requests', async () => {
    const db = t.ctx.store.db;
    const count = async (table: 'tickets' | 'duties' | 'events' | 'callbacks' | 'unit_requests' | 'submissions') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    assert.equal(await count('tickets'), TICKETS);
    assert.equal(generated.tickets, TICKETS);
    assert.equal(await count('duties'), generated.duties);
    assert.equal(await count('events'), generated.events);
    assert.equal(await count('callbacks'), generated.callbacks);
    assert.equal(await count('unit_requests'), generated.requests);
    assert.equal(await count('submissions'), generated.submissions);
    const span = await db.selectFrom('tickets').select((eb) => [eb.fn.min('created_at').as('first'), eb.fn.max('created_at').as('last')]).executeTakeFirstOrThrow();
    assert.ok(String(span.first) >= new Date(Date.parse('2026-08-01T00:00:00+08:00')).toISOString(), `first ticket ${span.first}`);
    assert.ok(String(span.last) < new Date(Date.parse(END)).toISOString(), `last ticket ${span.last}`);
    // Every month has its share, every channel and type shows up, districts and categories vary.
    const perMonth = new Map<string, number>();
    for (const r of await db.selectFrom('tickets').select(['created_at', 'channel', 'type', 'district_unit_id', 'category_id']).execute()) {
      const month = new Date(Date.parse(String(r.created_at)) + 8 * 3_600_000).toISOString().slice(0, 7);
      perMonth.set(month, (perMonth.get(month) ?? 0) + 1);
    }
    assert.deepEqual([...perMonth.keys()].sort(), ['2026-08', '2026-09', '2026-10']);
    for (const n of perMonth.values()) assert.ok(n > TICKETS / 5, `a month with ${n} tickets`);
    const distinct = async (column: 'channel' | 'type' | 'district_unit_id' | 'category_id' | 'lead_unit_id') => (await db.selectFrom('tickets').select(column).distinct().execute()).length;
    assert.ok((await distinct('channel')) >= 5);
    assert.ok((await distinct('type')) >= 5);
    assert.ok((await distinct('district_unit_id')) >= 5);
    assert.ok((await distinct('category_id')) >= 20);
    assert.ok((await distinct('lead_unit_id')) >= 10);
    const kinds = (await db.selectFrom('unit_requests').select('kind').distinct().execute()).map((r) => r.kind).sort();
    assert.deepEqual(kinds, ['extension', 'return']);
    assert.ok((await db.selectFrom('duties').select('id').where('extensions', '>', 0).execute()).length > 0, 'some extended duties');
  });

  it('history is not news: the change feed and the provincial sync pass over it', async () => {
    assert.ok((await t.ctx.store.db.selectFrom('tickets').select('id').where('origin', '=', 'provincial').execute()).length > 0, 'provincial tickets generated');
    assert.equal(await sequenceEvents(t.ctx), 0);
    assert.equal(await syncProvincial(t.ctx), 0);
  });

  it('the ticket list counts each state as the rows have it, with the recent tickets still in flight', async () => {
    const centre = await t.as('centre1');
    const counts = (await centre.get('/api/v1/tickets/counts')).body.counts as Record<string, number>;
    const rows = await t.ctx.store.db.selectFrom('tickets').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    assert.deepEqual(counts, Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])));
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), TICKETS);
    for (const status of ['archived', 'closed', 'answered', 'in_progress']) assert.ok(counts[status] > 0, `${status}: ${counts[status]}`);
    for (const [status, n] of Object.entries(counts)) {
      const list = await centre.get(`/api/v1/tickets?status=${status}&pageSize=5`);
      assert.equal(list.status, 200);
      assert.equal(list.body.total, n, status);
    }
    // Unfinished tickets are the recent ones: nothing older than two months is still open.
    const open = await t.ctx.store.db.selectFrom('tickets').select(['created_at']).where('status', 'not in', [...FINAL]).orderBy('created_at').limit(1).executeTakeFirstOrThrow();
    assert.ok(Date.parse(String(open.created_at)) > Date.parse(END) - 62 * 86_400_000, `oldest open ticket ${open.created_at}`);
  });

  it("every ticket's duties and events tell its state; its page and timeline show them", async () => {
    const db = t.ctx.store.db;
    const tickets = await db.selectFrom('tickets').select(['id', 'no', 'status', 'lead_unit_id', 'next_due_at', 'closed_at', 'round']).orderBy('id').execute();
    const duties = await db.selectFrom('duties').select(['ticket_id', 'status', 'due_at', 'unit_id', 'party', 'round']).execute();
    const events = await db.selectFrom('events').select(['ticket_id', 'action', 'to_status', 'at']).orderBy('id').execute();
    const dutiesOf = byTicket(duties);
    const eventsOf = byTicket(events);
    for (const ticket of tickets) {
      const mine = dutiesOf.get(Number(ticket.id)) ?? [];
      const trail = (eventsOf.get(Number(ticket.id)) ?? []).sort((a, b) => String(a.at).localeCompare(String(b.at)));
      assert.equal(trail[0]?.action, 'intake', ticket.no);
      assert.equal(trail[trail.length - 1].to_status, ticket.status, `${ticket.no}: last event leads to its state`);
      const open = mine.filter((d) => d.status === 'open');
      if (['answered', 'rejected', 'transferred', 'pending_dispatch'].includes(ticket.status)) assert.equal(mine.length, 0, ticket.no);
      else assert.ok(mine.some((d) => d.party === 'lead' && d.unit_id === ticket.lead_unit_id), `${ticket.no} has its lead unit's duties`);
      if (FINAL.has(ticket.status)) assert.ok(ticket.closed_at && !open.length, `${ticket.no} finished with nothing open`);
      else assert.equal(ticket.closed_at, null, ticket.no);
      const firstDue = open.map((d) => new Date(String(d.due_at)).toISOString()).sort()[0] ?? null;
      assert.equal(ticket.next_due_at === null ? null : new Date(String(ticket.next_due_at)).toISOString(), firstDue, `${ticket.no} next due`);
    }
    const centre = await t.as('centre1');
    for (const ticket of tickets.filter((_, i) => i % 97 === 0)) {
      const page = await centre.get(`/api/v1/tickets/${ticket.no}`);
      assert.equal(page.status, 200, ticket.no);
      assert.equal(page.body.status, ticket.status);
      const timeline = await centre.get(`/api/v1/tickets/${ticket.no}/events`);
      assert.equal(timeline.status, 200);
      assert.equal(timeline.body.items.length, eventsOf.get(Number(ticket.id))!.length, ticket.no);
    }
  });

  it('the monthly evaluation runs on it and counts the generated duties', async () => {
    const authority = await t.as('authority1');
    const res = await authority.get('/api/v1/evaluation/months/2026-10');
    assert.equal(res.status, 200);
    const rows = res.body.rows as Array<{ score: number | null; counts: { leadAssigned: number; rated: number } }>;
    assert.ok(rows.filter((r) => r.score !== null).length >= 10, 'units scored');
    const leadSigns = await t.ctx.store.db
      .selectFrom('duties')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'sign')
      .where('party', '=', 'lead')
      .where('started_at', '>=', new Date(Date.parse('2026-10-01T00:00:00+08:00')).toISOString() as never)
      .where('started_at', '<', new Date(Date.parse(END)).toISOString() as never)
      .executeTakeFirstOrThrow();
    assert.equal(rows.reduce((s, r) => s + r.counts.leadAssigned, 0), Number(leadSigns.n));
    assert.ok(rows.reduce((s, r) => s + r.counts.rated, 0) > 0, 'callbacks counted');
  });

  it('the evaluation of every generated month equals the recomputation from every row, cancelled duties and tiers included', async () => {
    const authority = await t.as('authority1');
    const db = t.ctx.store.db;
    const { ranking } = t.ctx.city.evaluation;
    let cancelledCounted = 0;
    let lateReturns = 0;
    let coMissing = 0;
    for (const month of ['2026-08', '2026-09', '2026-10']) {
      const res = await authority.get(`/api/v1/evaluation/months/${month}`);
      assert.equal(res.status, 200);
      const from = new Date(Date.parse(`${month}-01T00:00:00+08:00`)).toISOString();
      const [y, m] = month.split('-').map(Number);
      const to = new Date(Date.parse(`${m === 12 ? y + 1 : y}-${String((m % 12) + 1).padStart(2, '0')}-01T00:00:00+08:00`)).toISOString();
      const raw = await recompute(t, { from, to }, t.ctx.clock.now());
      const fromApi = apiCounts(res.body.rows);
      const nonZero = [...raw].filter(([, c]) => Object.values(c).some((v) => v > 0));
      for (const [unitId, counts] of nonZero) assert.deepEqual(fromApi.get(t.ctx.org.get(unitId)!.code), counts, `${month} ${t.ctx.org.get(unitId)!.code}`);
      assert.equal(nonZero.length, fromApi.size, month);
      // The tiers: each unit in its kind's tier, ranked only above the minimum, by the domain's rule.
      const rows = res.body.rows as Array<{ unit: { code: string; kind: string }; counts: { assigned: number; signedOnTime: number }; score: number | null; tier: { key: string } | null; rank: number | null }>;
      for (const r of rows) {
        assert.equal(r.tier?.key ?? null, ranking.tiers.find((x) => x.kinds.includes(r.unit.kind))?.key ?? null, r.unit.code);
        if (r.rank !== null) assert.ok(r.counts.assigned >= ranking.minTickets && r.score !== null, r.unit.code);
      }
      assert.deepEqual(rows.map((r) => [r.unit.code, r.rank]), rankInTiers(rows, ranking).map((r) => [r.unit.code, r.rank]), month);
      for (const tier of ranking.tiers) {
        const ranks = rows.filter((r) => r.tier?.key === tier.key && r.rank !== null).map((r) => r.rank!);
        assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `${month} ${tier.key} in rank order`);
      }
      // What the old counting dropped: cancelled duties due in the month that count against the unit.
      const cancelled = await db.selectFrom('duties').selectAll().where('status', '=', 'cancelled').where('kind', 'in', ['reply', 'opinion']).where('due_at', '>=', from as never).where('due_at', '<', to as never).execute();
      const returns = await db.selectFrom('unit_requests').selectAll().where('kind', '=', 'return').where('status', '=', 'approved').execute();
      for (const d of cancelled) {
        const own = returns.find((q) => Number(q.ticket_id) === Number(d.ticket_id) && q.unit_id === d.unit_id && Date.parse(String(q.decided_at)) === Date.parse(String(d.completed_at)));
        if (own && own.late) lateReturns++;
        if (d.party === 'co' && Date.parse(String(d.completed_at)) > Date.parse(String(d.due_at))) coMissing++;
        if (own ? own.late || Date.parse(String(own.requested_at)) > Date.parse(String(d.due_at)) : Date.parse(String(d.completed_at)) > Date.parse(String(d.due_at))) cancelledCounted++;
      }
    }
    assert.ok(lateReturns > 0, 'late returns generated');
    assert.ok(coMissing > 0, 'co-handlers whose opinion lapsed after its deadline generated');
    assert.ok(cancelledCounted >= lateReturns + coMissing - 1, `cancelled duties counted: ${cancelledCounted}`);
  });

  it('a ticket taken on a generated day is numbered after that day’s generated tickets', async () => {
    const day = await t.ctx.store.db.selectFrom('tickets').select('no').where('no', 'like', `${t.ctx.city.code}20261015%`).orderBy('no', 'desc').limit(1).executeTakeFirstOrThrow();
    t.clock.set('2026-10-15T03:00:00.000Z');
    const agent = await t.as('agent1');
    const created = await agent.post('/api/v1/tickets', intakeBody());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok(created.body.no > day.no, `${created.body.no} after ${day.no}`);
    t.clock.set('2026-11-03T01:00:00.000Z');
  });

  it('keeps the audit chain whole', async (test) => {
    const event = await t.ctx.store.db.selectFrom('events').selectAll().limit(1).executeTakeFirstOrThrow();
    if (!('hash' in event)) return test.skip('this schema has no audit chain');
    const chainModule = '../audit/chain.ts';
    const { verifyChain } = (await import(chainModule)) as { verifyChain(db: unknown): Promise<{ ok: boolean; events: number; firstBad: unknown }> };
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    assert.ok(report.events >= generated.events);
  });

  it('gives the same rows for the same seed and other rows for another seed', async () => {
    const [same, other] = [await startTestApp(engine, { now: '2026-11-03T01:00:00.000Z' }), await startTestApp(engine, { now: '2026-11-03T01:00:00.000Z' })];
    try {
      const fresh = await startTestApp(engine, { now: '2026-11-03T01:00:00.000Z' });
      try {
        // The first app has one more ticket now; compare a fresh generation with its twin.
        await generateHistory(fresh.ctx, { tickets: TICKETS, months: 3, seed: 42, end: END, databaseUrl: await urlOf(fresh) });
        await generateHistory(same.ctx, { tickets: TICKETS, months: 3, seed: 42, end: END, batchTickets: 13, databaseUrl: await urlOf(same) });
        await generateHistory(other.ctx, { tickets: TICKETS, months: 3, seed: 43, end: END, databaseUrl: await urlOf(other) });
        const reference = await digest(fresh);
        assert.equal(await digest(same), reference, 'same seed, other batch size');
        assert.notEqual(await digest(other), reference);
      } finally {
        await fresh.close();
      }
    } finally {
      await same.close();
      await other.close();
    }
  });
});
