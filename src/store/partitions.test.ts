// The history partitioned by month on PostgreSQL (src/store/migrations/2026-12-10-history-partitions.ts,
// ./partitions.ts): the layout pg_inherits shows, a ticket of a month without a partition kept in the
// DEFAULT partition and moved into its month by the partition job, ticket numbers unique across
// months, a month's report query reading only that month's partition, and tickets never deleted.
// SQLite keeps single tables: the suite runs only where a PostgreSQL cluster does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import { intakeBody, startTestApp, type TestApp } from '../../test/support/app.ts';
import { testEngines } from '../../test/support/databases.ts';
import { addMonths, ensureComingPartitions, monthOf, partitionName, partitionsOf, MONTHS_AHEAD } from './partitions.ts';
import { periodOf } from '../reports/periods.ts';
import { verifyChain } from '../audit/chain.ts';
import { ticketNumbered } from '../tickets/model.ts';

const skip = !testEngines().includes('postgres') && 'no PostgreSQL in this run (SQLite keeps single tables)';

/** Where each of these rows lives: partition name per id. */
async function homes(t: TestApp, table: 'tickets' | 'events', ids: number[]): Promise<string[]> {
  const { rows } = await sql<{ home: string }>`select tableoid::regclass::text as home from ${sql.table(table)} where id in (${sql.join(ids)}) order by id`.execute(t.ctx.store.db);
  return [...new Set(rows.map((r) => r.home))];
}

async function ticketRow(t: TestApp, no: string) {
  return t.ctx.store.db.selectFrom('tickets').select(['id', 'no', 'created_at']).where('no', '=', no).executeTakeFirstOrThrow();
}

async function eventIds(t: TestApp, ticketId: number): Promise<number[]> {
  return (await t.ctx.store.db.selectFrom('events').select('id').where('ticket_id', '=', ticketId).execute()).map((e) => Number(e.id));
}

describe('history partitioned by month [postgres]', { skip }, () => {
  let t: TestApp;
  // A month no migration made a partition for: the store was created in real time, years before.
  const FAR = '2031-05-12T02:00:00.000Z';
  const far = monthOf(FAR);

  before(async () => {
    t = await startTestApp('postgres', { now: FAR });
  });
  after(async () => {
    await t?.close();
  });

  it('tickets and events are range-partitioned parents with monthly partitions ahead and a DEFAULT partition', async () => {
    const db = t.ctx.store.db;
    const kinds = await sql<{ name: string; kind: string; key: string }>`
      select c.relname as name, c.relkind as kind, pg_get_partkeydef(c.oid) as key from pg_class c
      where c.relname in ('tickets', 'events') order by c.relname`.execute(db);
    assert.deepEqual(kinds.rows, [
      { name: 'events', kind: 'p', key: 'RANGE (at)' },
      { name: 'tickets', kind: 'p', key: 'RANGE (created_at)' },
    ]);
    const thisMonth = monthOf(Date.now());
    for (const table of ['tickets', 'events']) {
      const parts = await partitionsOf(db, table);
      const names = parts.map((p) => p.name);
      for (let i = 0; i <= MONTHS_AHEAD; i++) assert.ok(names.includes(partitionName(table, addMonths(thisMonth, i))), `${table}: ${names.join(', ')}`);
      assert.equal(parts.find((p) => p.name === `${table}_default`)?.bounds, 'DEFAULT');
      // A month partition runs from 00:00 Shanghai on the 1st to the next 1st.
      const first = parts.find((p) => p.name === partitionName(table, thisMonth))!;
      const start = new Date(Date.parse(`${thisMonth.year}-${String(thisMonth.month).padStart(2, '0')}-01T00:00:00+08:00`));
      assert.match(first.bounds, new RegExp(`^FOR VALUES FROM \\('${start.toISOString().slice(0, 10)} 16:00:00\\+00'\\)`));
    }
    const keys = await sql<{ table: string; def: string }>`
      select conrelid::regclass::text as table, pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid in ('tickets'::regclass, 'events'::regclass) and contype = 'p' order by 1`.execute(db);
    assert.deepEqual(keys.rows, [
      { table: 'events', def: 'PRIMARY KEY (id, at)' },
      { table: 'tickets', def: 'PRIMARY KEY (id, created_at)' },
    ]);
    // Every partition carries the parent's indexes; nothing references tickets any more.
    const counts = await sql<{ name: string; n: number }>`
      select tablename as name, count(*)::int as n from pg_indexes
      where tablename in ('tickets', ${partitionName('tickets', thisMonth)}, 'tickets_default', 'events', ${partitionName('events', thisMonth)}, 'events_default')
      group by tablename`.execute(db);
    const n = Object.fromEntries(counts.rows.map((r) => [r.name, r.n]));
    assert.ok(n.tickets >= 8 && n.events >= 4, JSON.stringify(n));
    assert.equal(n[partitionName('tickets', thisMonth)], n.tickets);
    assert.equal(n.tickets_default, n.tickets);
    assert.equal(n[partitionName('events', thisMonth)], n.events);
    const references = await sql<{ n: number }>`select count(*)::int as n from pg_constraint where contype = 'f' and confrelid = 'tickets'::regclass`.execute(db);
    assert.equal(references.rows[0]!.n, 0);
  });

  it('a ticket of a month without a partition waits in the DEFAULT partition, and the job moves it into its new month', async () => {
    const agent = await t.as('agent1');
    const staff = await t.as('zjj.staff');
    const first = await agent.post('/api/v1/tickets', intakeBody());
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal((await staff.act(first.body.no, 'sign')).status, 200);
    const ticket = await ticketRow(t, first.body.no);
    const events = await eventIds(t, Number(ticket.id));
    assert.ok(events.length >= 2);
    assert.deepEqual(await homes(t, 'tickets', [Number(ticket.id)]), ['tickets_default']);
    assert.deepEqual(await homes(t, 'events', events), ['events_default']);

    const created = await ensureComingPartitions(t.ctx);
    const expected = [0, 1, 2, 3].flatMap((i) => ['tickets', 'events'].map((table) => partitionName(table, addMonths(far, i))));
    assert.deepEqual([...created].sort(), expected.sort());
    assert.deepEqual(await homes(t, 'tickets', [Number(ticket.id)]), [partitionName('tickets', far)]);
    assert.deepEqual(await homes(t, 'events', events), [partitionName('events', far)]);
    const waiting = await sql<{ n: number }>`select (select count(*) from tickets_default)::int + (select count(*) from events_default)::int as n`.execute(t.ctx.store.db);
    assert.equal(waiting.rows[0]!.n, 0);
    // Nothing else changed: the page, the timeline and the audit chain are as before.
    const page = await agent.get(`/api/v1/tickets/${first.body.no}`);
    assert.equal(page.status, 200);
    assert.equal(page.body.no, first.body.no);
    assert.deepEqual(await eventIds(t, Number(ticket.id)), events);
    assert.equal((await verifyChain(t.ctx.store.db)).ok, true);
    // A second run has nothing to do; the month's next ticket goes straight into its partition.
    assert.deepEqual(await ensureComingPartitions(t.ctx), []);
    const second = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '李四', phone: '13900001111' } }));
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const row = await ticketRow(t, second.body.no);
    assert.deepEqual(await homes(t, 'tickets', [Number(row.id)]), [partitionName('tickets', far)]);
    assert.deepEqual(await homes(t, 'events', await eventIds(t, Number(row.id))), [partitionName('events', far)]);
  });

  it('a ticket number is unique across months: a second ticket with a taken number is refused', async () => {
    const agent = await t.as('agent1');
    const made = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '王五', phone: '13900002222' } }));
    assert.equal(made.status, 201);
    const db = t.ctx.store.db;
    const before = Number((await sql<{ n: number }>`select count(*) as n from tickets`.execute(db)).rows[0]!.n);
    // The same number on a row of another month (another partition): no index of one partition sees it.
    const copy = (no: string, shift: string, external: string | null) => sql`
      insert into tickets (id, no, channel, origin, external_id, type, requester_kind, facts, special, status, created_at, updated_at)
      select nextval(pg_get_serial_sequence('tickets', 'id')), ${no}, channel, origin, ${external}, type, requester_kind, facts, special, status,
             created_at - ${shift}::interval, updated_at
      from tickets where no = ${made.body.no}`.execute(db);
    await assert.rejects(copy(made.body.no, '2 months', null), (err: { code?: string; constraint?: string }) => err.code === '23505' && err.constraint === 'ticket_numbers_pkey');
    // The transfer key (origin, external id) likewise.
    await copy(`${made.body.no}-A`, '2 months', 'EXT-1');
    await assert.rejects(copy(`${made.body.no}-B`, '3 months', 'EXT-1'), (err: { code?: string; constraint?: string }) => err.code === '23505' && err.constraint === 'ticket_external_ids_pkey');
    const after = Number((await sql<{ n: number }>`select count(*) as n from tickets`.execute(db)).rows[0]!.n);
    assert.equal(after, before + 1);
    const numbers = await sql<{ n: number }>`select count(*)::int as n from ticket_numbers`.execute(db);
    assert.equal(numbers.rows[0]!.n, after);
  });

  it('one statement of many tickets records every number once, refuses a number it repeats, and a renumbering moves its entry', async () => {
    const agent = await t.as('agent1');
    const made = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '王五', phone: '13900003333' } }));
    assert.equal(made.status, 201);
    const db = t.ctx.store.db;
    const many = (numbers: string[]) => sql`
      insert into tickets (id, no, channel, origin, type, requester_kind, facts, special, status, created_at, updated_at)
      select nextval(pg_get_serial_sequence('tickets', 'id')), v.no, channel, origin, type, requester_kind, facts, special, status, created_at - v.shift::interval, updated_at
      from tickets, (values ${sql.join(numbers.map((no, i) => sql`(${no}, ${`${i} months`})`))}) as v(no, shift)
      where tickets.no = ${made.body.no}`.execute(db);
    const entries = async (like: string) =>
      (await sql<{ no: string; ok: boolean }>`select n.no, exists (select 1 from tickets k where k.id = n.ticket_id and k.no = n.no) as ok
        from ticket_numbers n where n.no like ${like} order by n.no`.execute(db)).rows;
    const base = made.body.no as string;
    await assert.rejects(many([`${base}-M1`, `${base}-M2`, `${base}-M1`]), (err: { code?: string; constraint?: string }) => err.code === '23505' && err.constraint === 'ticket_numbers_pkey');
    assert.deepEqual(await entries(`${base}-M%`), []);
    await many([`${base}-M1`, `${base}-M2`, `${base}-M3`]);
    assert.deepEqual(await entries(`${base}-M%`), [`${base}-M1`, `${base}-M2`, `${base}-M3`].map((no) => ({ no, ok: true })));
    await sql`update tickets set no = ${`${base}-M4`} where no = ${`${base}-M3`}`.execute(db);
    assert.deepEqual(await entries(`${base}-M%`), [`${base}-M1`, `${base}-M2`, `${base}-M4`].map((no) => ({ no, ok: true })));
    await assert.rejects(sql`update tickets set no = ${`${base}-M1`} where no = ${`${base}-M2`}`.execute(db), (err: { code?: string }) => err.code === '23505');
  });

  it('a one-month report query reads only that month’s partition', async () => {
    const period = periodOf('monthly', `${far.year}-${String(far.month).padStart(2, '0')}`)!;
    const db = t.ctx.store.db;
    // The reports' own predicate (src/reports/queries.ts), with the range as parameters.
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select count(*) as n from tickets t
      where t.created_at >= ${period.from} and t.created_at < ${period.to} and 1 = 1`.execute(db);
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    const scanned = [...new Set([...text.matchAll(/on (tickets_\w+)/g)].map((m) => m[1]))];
    assert.deepEqual(scanned, [partitionName('tickets', far)], text);
    // And so does the timeline's range over events.
    const events = await sql<{ 'QUERY PLAN': string }>`explain select count(*) from events where at >= ${period.from} and at < ${period.to}`.execute(db);
    const eventText = events.rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.deepEqual([...new Set([...eventText.matchAll(/on (events_\w+)/g)].map((m) => m[1]))], [partitionName('events', far)], eventText);
  });

  it('a ticket looked up by its number reads only the month its number names', async () => {
    const db = t.ctx.store.db;
    const ticket = await db.selectFrom('tickets').select(['no']).where('created_at', '>=', FAR.slice(0, 8) + '01T00:00:00.000Z').orderBy('id').limit(1).executeTakeFirstOrThrow();
    assert.equal(ticket.no.slice(3, 9), `${far.year}${String(far.month).padStart(2, '0')}`);
    const query = ticketNumbered(db, ticket.no).selectAll().compile();
    const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.deepEqual([...new Set([...text.matchAll(/on (tickets_\w+)/g)].map((m) => m[1]))], [partitionName('tickets', far)], text);
    assert.equal((await ticketNumbered(db, ticket.no).select('no').executeTakeFirstOrThrow()).no, ticket.no);
  });

  it('tickets are never deleted: DELETE, TRUNCATE and moving a ticket to another month are refused', async () => {
    const db = t.ctx.store.db;
    const victim = await db.selectFrom('tickets').select(['id', 'no']).orderBy('id').limit(1).executeTakeFirstOrThrow();
    await assert.rejects(sql`delete from tickets where id = ${victim.id}`.execute(db), /工单是政务服务记录，不可删除/);
    await assert.rejects(sql`truncate tickets`.execute(db), /不可删除/);
    await assert.rejects(sql`truncate ${sql.id(partitionName('tickets', far))}`.execute(db), /不可删除/);
    await assert.rejects(sql`truncate ${sql.id(partitionName('events', far))}`.execute(db), /审计日志只可追加/);
    await assert.rejects(sql`update tickets set created_at = created_at - interval '3 months' where id = ${victim.id}`.execute(db), /不可删除/);
    const still = await db.selectFrom('tickets').select('no').where('id', '=', victim.id).executeTakeFirst();
    assert.equal(still?.no, victim.no);
  });
});
