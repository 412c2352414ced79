// The report's aggregates over a generated history, each against the same figure worked out in JS from
// every row: the one-pass breakdown against one GROUP BY per dimension, the overdue counts (read
// through the completion index) against every duty ever opened, and the keywords against segmenting
// each ticket's facts; the keywords are segmented once and kept, and a ticket taken later is segmented
// when a report first counts it.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { describeEachEngine, intakeBody, startTestApp, type TestApp } from '../../test/support/app.ts';
import { generateHistory } from '../scale/generate.ts';
import { asOfInstant, periodOf, type Period } from './periods.ts';
import { overdueDuties, ticketBreakdown, ticketsBy, type TicketDimension, type TicketFilter } from './queries.ts';
import { keywordsOf, ticketKeywordRows, topKeywords } from './keywords.ts';
import { buildPeriodReport, CITY_SCOPE } from './report.ts';

const END = '2026-11-01T00:00:00+08:00';
const CITY: TicketFilter = { unitScope: null };

async function databaseUrl(t: TestApp): Promise<string | undefined> {
  if (t.engine !== 'postgres') return undefined;
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(t.ctx.store.db);
  const url = new URL(process.env.HOTLINE_TEST_PG_URL!);
  url.pathname = `/${rows[0].name}`;
  return url.toString();
}

const iso = (v: unknown) => (v === null ? null : new Date(String(v)).toISOString());

describeEachEngine('report aggregates over a generated history', (engine) => {
  let t: TestApp;
  const months: Period[] = ['2026-08', '2026-09', '2026-10'].map((m) => periodOf('monthly', m)!);

  before(async () => {
    t = await startTestApp(engine, { now: '2026-11-03T01:00:00.000Z' });
    await generateHistory(t.ctx, { tickets: 500, months: 4, seed: 7, end: END, databaseUrl: await databaseUrl(t) });
  });
  after(() => t.close());

  it('the one-pass breakdown gives each dimension’s counts', async () => {
    const db = t.ctx.store.db;
    const categories = new Map((await db.selectFrom('categories').select(['id', 'parent_id']).execute()).map((c) => [Number(c.id), c.parent_id]));
    for (const month of months) {
      const rows = await ticketBreakdown(db, month, CITY);
      const sum = (key: (r: (typeof rows)[number]) => unknown) => {
        const m = new Map<string, number>();
        for (const r of rows) m.set(String(key(r)), (m.get(String(key(r))) ?? 0) + r.n);
        return m;
      };
      const expected: Record<TicketDimension, (r: (typeof rows)[number]) => unknown> = {
        channel: (r) => r.channel,
        type: (r) => r.type,
        category: (r) => r.category,
        top_category: (r) => (r.category == null || !categories.has(r.category) ? null : (categories.get(r.category) ?? r.category)),
        district: (r) => r.district,
        lead_unit: (r) => r.leadUnit,
      };
      assert.ok(rows.reduce((s, r) => s + r.n, 0) > 50, `${month.key} has tickets`);
      for (const [dimension, key] of Object.entries(expected) as Array<[TicketDimension, (r: (typeof rows)[number]) => unknown]>) {
        const direct = new Map((await ticketsBy(db, month, CITY, dimension)).map((c) => [String(c.key), c.n]));
        assert.deepEqual(sum(key), direct, `${month.key} by ${dimension}`);
      }
    }
  });

  it('overdue counts per unit and kind are those of every duty ever opened, for past and current periods', async () => {
    const duties = (await t.ctx.store.db.selectFrom('duties').select(['unit_id', 'kind', 'status', 'late', 'started_at', 'due_at', 'completed_at']).execute()).map((d) => ({
      ...d,
      started_at: iso(d.started_at)!,
      due_at: iso(d.due_at)!,
      completed_at: iso(d.completed_at),
    }));
    const weeks = [periodOf('weekly', '2026-W40')!, periodOf('weekly', '2026-W44')!];
    // Still running at the clock's now (2026-11-03 09:00): counted as of now, not as of their end.
    const running = [periodOf('monthly', '2026-11')!, periodOf('weekly', '2026-W45')!, periodOf('daily', '2026-11-03')!];
    const now = t.ctx.clock.now();
    const seen = { lateDone: 0, openOverdue: 0, runningOpen: 0, runningAtEnd: 0 };
    for (const period of [...months, ...weeks, ...running]) {
      const asOf = asOfInstant(period, now);
      assert.equal(asOf, running.includes(period) ? now : period.to, period.key);
      const expected = new Map<string, { lateDone: number; openOverdue: number }>();
      for (const d of duties) {
        const lateDone = d.status === 'done' && Number(d.late) === 1 && d.completed_at !== null && d.completed_at >= period.from && d.completed_at < period.to;
        const openOverdue = d.started_at < asOf && d.due_at < asOf && (d.completed_at === null || d.completed_at >= asOf);
        if (running.includes(period) && period.kind === 'monthly') {
          seen.runningOpen += openOverdue ? 1 : 0;
          // What counting at the period's end would have said: duties due later this month as overdue already.
          seen.runningAtEnd += d.started_at < period.to && d.due_at < period.to && d.completed_at === null ? 1 : 0;
        }
        if (!lateDone && !openOverdue) continue;
        const key = `${d.unit_id}/${d.kind}`;
        const row = expected.get(key) ?? { lateDone: 0, openOverdue: 0 };
        row.lateDone += lateDone ? 1 : 0;
        row.openOverdue += openOverdue ? 1 : 0;
        expected.set(key, row);
      }
      const actual = new Map((await overdueDuties(t.ctx.store.db, period, CITY, asOf)).map((o) => [`${o.unit}/${o.kind}`, { lateDone: o.lateDone, openOverdue: o.openOverdue }]));
      assert.deepEqual(actual, expected, period.key);
      for (const r of expected.values()) {
        seen.lateDone += r.lateDone;
        seen.openOverdue += r.openOverdue;
      }
    }
    assert.ok(seen.lateDone > 0 && seen.openOverdue > 0, JSON.stringify(seen));
    // The running month is a real test: counting at its end would give a different, larger figure.
    assert.ok(seen.runningOpen > 0 && seen.runningAtEnd > seen.runningOpen, JSON.stringify(seen));
    const report = await buildPeriodReport(t.ctx, running[0], CITY_SCOPE);
    assert.equal(report.totals.openOverdue, seen.runningOpen);
    assert.equal(report.running, true);
    assert.equal(report.asOf, now);
    assert.equal(report.asOfLabel, '截至 2026-11-03 09:00');
  });

  it('keywords are each ticket’s segmented facts, kept once segmented; a ticket taken later is segmented when first counted', async () => {
    const db = t.ctx.store.db;
    const october = months[2];
    const facts = (await db.selectFrom('tickets').select(['id', 'facts']).where('created_at', '>=', october.from).where('created_at', '<', october.to).execute()).map((r) => ({ id: Number(r.id), words: keywordsOf(r.facts) }));
    const stored = async () => Number((await sql<{ n: number }>`select count(*) as n from ticket_keywords`.execute(db)).rows[0].n);
    assert.equal(await stored(), 0);
    const report = await buildPeriodReport(t.ctx, october, CITY_SCOPE);
    assert.deepEqual(report.topIssues.keywords, topKeywords(facts, 20));
    assert.ok(report.topIssues.keywords.length > 5);
    assert.equal(await stored(), facts.length, 'one row per ticket of the month');
    // Read back, not segmented again: a kept row is what the next report counts.
    const someone = facts[0].id;
    await sql`update ticket_keywords set words = ${JSON.stringify(['标记词'])} where ticket_id = ${someone}`.execute(db);
    const again = await ticketKeywordRows(db, october, CITY);
    const byId = new Map(again.map((r) => [r.id, r.words]));
    assert.deepEqual(byId.get(someone), ['标记词']);
    for (const r of facts) if (r.id !== someone) assert.deepEqual(byId.get(r.id), r.words);
    // A ticket taken now (November) is segmented by the first report that counts it.
    t.clock.set('2026-11-03T02:00:00.000Z');
    const res = await (await t.as('agent1')).post('/api/v1/tickets', intakeBody({ facts: '幸福小区供暖温度不达标，暖气不热' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const november = periodOf('monthly', '2026-11')!;
    const rows = await ticketKeywordRows(db, november, CITY);
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0].words, keywordsOf('幸福小区供暖温度不达标，暖气不热'));
    assert.ok(rows[0].words.includes('供暖'), rows[0].words.join(' '));
    assert.equal(await stored(), facts.length + 1);
  });
});
