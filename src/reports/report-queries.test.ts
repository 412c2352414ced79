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
import { evaluateMonth } from '../evaluation/monthly.ts';
import { SATISFIED_LEVELS } from '../domain/ticket-types.ts';

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
  it('满意率 is the evaluation’s (第二十五条 exemptions, the authority’s exclusions), city-wide and per unit; 全部评价满意率 beside it', async () => {
    const db = t.ctx.store.db;
    const october = months[2];
    // The authority leaves two counted October ratings out, through the API as in the console.
    const authority = await t.as('authority1');
    const candidates = await db
      .selectFrom('callbacks')
      .select(['id'])
      .where('created_at', '>=', october.from)
      .where('created_at', '<', october.to)
      .where('reached', '=', 1)
      .where('satisfaction', 'is not', null)
      .where('exempt_class', 'is', null)
      .where('unit_id', 'is not', null)
      .orderBy('id')
      .limit(2)
      .execute();
    assert.equal(candidates.length, 2);
    for (const c of candidates) {
      const res = await authority.post('/api/v1/evaluation/months/2026-10/exclusions', { callbackId: Number(c.id), exclude: true, reason: '经核实属恶意差评' });
      assert.ok(res.status < 300, JSON.stringify(res.body));
    }
    // Recomputed in JS from every raw row: the latest decision on a callback stands.
    const decisions = await db.selectFrom('evaluation_exclusions').select(['callback_id', 'exclude']).orderBy('id').execute();
    const excludedIds = new Set<number>();
    for (const d of decisions) (Number(d.exclude) === 1 ? excludedIds.add(Number(d.callback_id)) : excludedIds.delete(Number(d.callback_id)));
    const callbacks = (await db.selectFrom('callbacks').select(['id', 'unit_id', 'reached', 'satisfaction', 'exempt_class', 'created_at']).execute()).map((c) => ({ ...c, created_at: iso(c.created_at)! }));
    const seen = { exempt: 0, excluded: 0, differ: 0 };
    for (const month of months) {
      const expected = { rated: 0, satisfied: 0, exempt: 0, excluded: 0, allRated: 0, allSatisfied: 0 };
      const perUnit = new Map<string, { rated: number; satisfied: number; exempt: number; excluded: number }>();
      for (const c of callbacks) {
        if (c.created_at < month.from || c.created_at >= month.to || Number(c.reached) !== 1 || !c.satisfaction) continue;
        const good = SATISFIED_LEVELS.includes(c.satisfaction as never);
        expected.allRated += 1;
        expected.allSatisfied += good ? 1 : 0;
        const u = c.unit_id == null ? null : (perUnit.get(String(c.unit_id)) ?? perUnit.set(String(c.unit_id), { rated: 0, satisfied: 0, exempt: 0, excluded: 0 }).get(String(c.unit_id))!);
        const key = c.exempt_class ? 'exempt' : excludedIds.has(Number(c.id)) ? 'excluded' : 'rated';
        expected[key] += 1;
        if (u) u[key] += 1;
        if (key === 'rated' && good) {
          expected.satisfied += 1;
          if (u) u.satisfied += 1;
        }
      }
      const report = await buildPeriodReport(t.ctx, month, CITY_SCOPE, 1);
      const s = report.satisfaction;
      assert.deepEqual(
        { rated: s.rated, satisfied: s.satisfied, exempt: s.exempt, excluded: s.excluded, allRated: s.allRated, allSatisfied: s.allSatisfied },
        expected,
        month.key,
      );
      assert.equal(report.totals.satisfactionRate, s.rate);
      assert.equal(s.rate, expected.rated ? Math.round((expected.satisfied / expected.rated) * 10000) / 10000 : null);
      assert.equal(s.levels.reduce((n, l) => n + l.count, 0), s.allRated, 'the levels are every rating');
      assert.deepEqual(new Map(s.byUnit!.map((r) => [r.key, { rated: r.rated, satisfied: r.satisfied, exempt: r.exempt, excluded: r.excluded }])), perUnit, `${month.key} per unit`);
      // Each unit's row is the evaluation's 回访满意率 of that unit and month.
      const evaluation = await evaluateMonth(t.ctx, month.key);
      for (const row of evaluation.rows) {
        const id = String(t.ctx.org.byCodeOrUndefined(row.unit.code)!.id);
        const mine = s.byUnit!.find((r) => r.key === id);
        if (!mine) {
          assert.equal(row.counts.rated + row.counts.ratedExempt + row.counts.ratedExcluded, 0, row.unit.code);
          continue;
        }
        assert.deepEqual([mine.rated, mine.satisfied, mine.exempt, mine.excluded], [row.counts.rated, row.counts.satisfied, row.counts.ratedExempt, row.counts.ratedExcluded], `${month.key} ${row.unit.code}`);
        const value = row.indicators.satisfactionRate;
        assert.equal(mine.rate, value === null ? null : Math.round(value * 10000) / 10000);
      }
      seen.exempt += s.exempt;
      seen.excluded += s.excluded;
      seen.differ += s.rate !== s.allRate ? 1 : 0;
    }
    assert.ok(seen.exempt > 0 && seen.excluded === 2 && seen.differ > 0, JSON.stringify(seen));

    // A unit's own 月报 (through HTTP): the ratings of its subtree's units, as the evaluation counts them.
    const zjj = t.ctx.org.byCodeOrUndefined('ZJJ')!;
    const scope = new Set(t.ctx.org.subtreeIds(zjj.id).map(String));
    const res = await (await t.as('zjj.staff')).get('/api/v1/reports/monthly?month=2026-10');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const city = (await buildPeriodReport(t.ctx, october, CITY_SCOPE, 1)).satisfaction.byUnit!.filter((r) => scope.has(r.key));
    const sum = (k: 'rated' | 'satisfied' | 'exempt' | 'excluded') => city.reduce((n, r) => n + r[k], 0);
    assert.deepEqual([res.body.satisfaction.rated, res.body.satisfaction.satisfied, res.body.satisfaction.exempt, res.body.satisfaction.excluded], [sum('rated'), sum('satisfied'), sum('exempt'), sum('excluded')]);
    assert.ok(sum('rated') > 0, 'ZJJ has ratings in October');
  });
});
