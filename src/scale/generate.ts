// `hotline generate`: a realistic history of N tickets over M months, written straight into the
// store in bulk (../store/bulk-writer.ts) for load tests and benchmarks. Every row is what the use-cases
// would have written (./story.ts); the same seed, size and end give the same rows on either engine.
// Tickets are spread over the days (weekends quieter, office hours busiest), numbered per day after
// any tickets the day already has, and the day counters are moved on so new tickets never collide.
import { hash } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../server/context.ts';
import { Random } from '../domain/random.ts';
import { computeDeadline, shanghaiDate, type Deadline } from '../domain/deadline.ts';
import type { TimeLimit } from '../domain/time-limits.ts';
import { HANDLING_UNIT_KINDS } from '../org/seed.ts';
import type { BulkWriter, TableSpec } from '../store/bulk-writer.ts';
import { ticketStory, type EventRow, type StoryWorld, type TicketRows } from './story.ts';
import { sealTicketRow } from '../store/field-crypto-plugin.ts';
import { canonical, chainHash, GENESIS, legacyChainHash } from '../audit/chain.ts';

export interface GenerateOptions {
  tickets: number;
  months: number;
  seed?: number;
  /** The history ends here ("now" for the tickets still in flight); default: the start of today, Shanghai. */
  end?: string;
  /** Tickets per transaction. */
  batchTickets?: number;
  /** PostgreSQL: the store's URL; the rows are loaded with COPY on a connection of their own. */
  databaseUrl?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface GeneratedHistory {
  tickets: number;
  duties: number;
  events: number;
  callbacks: number;
  requests: number;
  submissions: number;
  from: string;
  to: string;
  firstTicketId: number;
  lastTicketId: number;
  seconds: number;
}

const SHANGHAI_MS = 8 * 3_600_000;
/** Counters holding the last event id a reader of the audit log has processed. */
const EVENT_CURSORS = ['event_feed.frontier', 'interop:provincial-sync:event-id'];
const DAY_MS = 86_400_000;
// Share of a day's calls per hour of the day (Shanghai): the line is open around the clock, busiest in office hours.
const HOUR_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 2, 2.2, 2.2, 2, 1.2, 1.4, 2, 2.1, 2, 1.8, 1.2, 1, 0.9, 0.7, 0.5, 0.3];

const TICKETS: TableSpec = {
  table: 'tickets',
  columns: [
    'id', 'no', 'channel', 'origin', 'external_id', 'type', 'category_id', 'requester_kind', 'requester_name', 'requester_phone', 'requester_phone_hash', 'confidential', 'facts',
    'address', 'district_unit_id', 'special', 'status', 'lead_unit_id', 'round', 'next_due_at', 'provisional', 'satisfaction', 'resolution',
    'resolution_note', 'created_by', 'created_at', 'updated_at', 'closed_at',
  ],
};
const DUTIES: TableSpec = {
  table: 'duties',
  columns: [
    'id', 'ticket_id', 'unit_id', 'party', 'kind', 'round', 'limit_key', 'limit_unit', 'limit_amount', 'started_at', 'due_at', 'yellow_at', 'provisional',
    'status', 'completed_at', 'late', 'extensions',
  ],
};
const EVENTS: TableSpec = {
  table: 'events',
  columns: ['ticket_id', 'at', 'user_id', 'role', 'unit_id', 'action', 'from_status', 'to_status', 'detail'],
};
/** Where the audit log is hash-chained, events carry their id, outcome and place in the chain. */
const CHAINED_EVENTS: TableSpec = {
  table: 'events',
  columns: ['id', ...EVENTS.columns, 'outcome', 'chain_seq', 'prev_hash', 'hash'],
};
/** Where the chain is keyed, each event also names its audit key (src/audit/chain.ts). */
const KEYED_EVENTS: TableSpec = { table: 'events', columns: [...CHAINED_EVENTS.columns, 'chain_key'] };
const CALLBACKS: TableSpec = {
  table: 'callbacks',
  columns: ['ticket_id', 'round', 'reached', 'satisfaction', 'reasonable', 'unit_id', 'exempt_class', 'created_by', 'created_at'],
};
const REQUESTS: TableSpec = {
  table: 'unit_requests',
  columns: ['ticket_id', 'duty_id', 'unit_id', 'kind', 'reason', 'amount', 'late', 'status', 'requested_by', 'requested_at', 'decided_by', 'decided_at', 'improper'],
};
const SUBMISSIONS: TableSpec = {
  table: 'submissions',
  columns: ['ticket_id', 'unit_id', 'kind', 'round', 'content', 'approval', 'review', 'created_by', 'created_at'],
};

/** Midnight (Shanghai) of the day holding `ms`, as a UTC instant. */
function shanghaiMidnight(ms: number): number {
  return Math.floor((ms + SHANGHAI_MS) / DAY_MS) * DAY_MS - SHANGHAI_MS;
}

/** The same day-of-month `months` earlier, at Shanghai midnight. */
function monthsBefore(ms: number, months: number): number {
  const local = new Date(ms + SHANGHAI_MS);
  local.setUTCMonth(local.getUTCMonth() - months);
  return shanghaiMidnight(local.getTime() - SHANGHAI_MS);
}

/** How many tickets each day gets: weekdays weigh 1, weekends 0.55, rounded so the sum is exact. */
export function ticketsPerDay(days: number[], total: number): number[] {
  const weights = days.map((d) => ([0, 6].includes(new Date(d + SHANGHAI_MS).getUTCDay()) ? 0.55 : 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let given = 0;
  return weights.map((w) => {
    cumulative += w;
    const upTo = Math.round((cumulative / sum) * total);
    const n = upTo - given;
    given = upTo;
    return n;
  });
}

/** A seed for day `index`: the days are independent, so the rows do not depend on batch sizes. */
function daySeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index + 0x85ebca6b), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Working-day limits end at a day's end, so one computation per start day and limit serves every ticket. */
function cachedDeadline(ctx: AppContext): (startIso: string, limit: TimeLimit) => Deadline {
  const calendar = ctx.calendar.current();
  const cache = new Map<string, Deadline>();
  return (startIso, limit) => {
    if (limit.unit === 'hours') return computeDeadline(startIso, limit, calendar);
    // The Shanghai day by arithmetic (UTC+8 all year): formatting the date in the zone costs more than the rest.
    const key = `${limit.unit}:${limit.amount}:${Math.floor((Date.parse(startIso) + SHANGHAI_MS) / DAY_MS)}`;
    let d = cache.get(key);
    if (!d) {
      d = computeDeadline(startIso, limit, calendar);
      cache.set(key, d);
    }
    return d;
  };
}

/** The users generated rows name: an agent, a centre user and one staff login per handling unit, none able to log in. */
async function generatorUsers(ctx: AppContext, unitIds: number[]): Promise<{ agent: number; centre: number; units: Map<number, number> }> {
  const db = ctx.store.db;
  const centreUnit = ctx.org.firstOfKind('centre')?.id ?? null;
  const wanted = [
    { username: 'gen.agent', role: 'agent', unit_id: centreUnit, display_name: '生成数据话务员' },
    { username: 'gen.centre', role: 'centre', unit_id: centreUnit, display_name: '生成数据热线工作人员' },
    ...unitIds.map((id) => ({ username: `gen.unit.${id}`, role: 'unit_staff', unit_id: id, display_name: `生成数据承办人${id}` })),
  ];
  const existing = new Set((await db.selectFrom('users').select('username').where('username', 'like', 'gen.%').execute()).map((u) => u.username));
  const missing = wanted.filter((u) => !existing.has(u.username));
  // '!' is no scrypt hash: these accounts exist for the record and cannot log in.
  if (missing.length) await db.insertInto('users').values(missing.map((u) => ({ ...u, password_hash: '!', active: 1, created_at: new Date().toISOString() }))).execute();
  const rows = await db.selectFrom('users').select(['id', 'username', 'unit_id']).where('username', 'like', 'gen.%').execute();
  const byName = new Map(rows.map((r) => [r.username, Number(r.id)]));
  return { agent: byName.get('gen.agent')!, centre: byName.get('gen.centre')!, units: new Map(unitIds.map((id) => [id, byName.get(`gen.unit.${id}`)!])) };
}

async function storyWorld(ctx: AppContext): Promise<StoryWorld> {
  const units = ctx.org.all().filter((u) => u.active !== false);
  const districts = units.filter((u) => u.kind === 'district');
  const handlingUnits = units.filter((u) => HANDLING_UNIT_KINDS.has(u.kind) && u.kind !== 'subunit');
  const rows = await ctx.store.db.selectFrom('categories').select(['id', 'code', 'name', 'default_unit_id', 'reply_limit_unit', 'reply_limit_amount', 'parent_id', 'case_class']).where('active', '=', 1).orderBy('id').execute();
  const parents = new Set(rows.map((r) => r.parent_id).filter((p) => p !== null));
  // Leaf categories only: what an agent picks for a request.
  const categories = rows
    .filter((r) => !parents.has(r.id))
    .map((r) => ({
      id: Number(r.id),
      code: r.code,
      name: r.name,
      defaultUnitId: r.default_unit_id === null ? null : Number(r.default_unit_id),
      replyLimit: r.reply_limit_unit && r.reply_limit_amount ? ({ unit: r.reply_limit_unit, amount: r.reply_limit_amount } as TimeLimit) : null,
      caseClass: r.case_class,
    }));
  if (!districts.length || !handlingUnits.length || !categories.length) throw new Error('the city has no districts, handling units or categories to generate tickets for');
  const users = await generatorUsers(ctx, [...new Set([...districts, ...handlingUnits].map((u) => u.id))]);
  return {
    cityCode: ctx.city.code,
    districts: districts.map((u) => ({ id: u.id, code: u.code, name: u.name })),
    handlingUnits: handlingUnits.map((u) => ({ id: u.id, code: u.code, name: u.name })),
    categories,
    limits: ctx.city.limits,
    agentUserId: users.agent,
    centreUserId: users.centre,
    centreUnitId: ctx.org.firstOfKind('centre')?.id ?? handlingUnits[0].id,
    unitUserIds: users.units,
    deadline: cachedDeadline(ctx),
  };
}

async function maxId(ctx: AppContext, table: 'tickets' | 'duties' | 'events'): Promise<number> {
  const row = await ctx.store.db.selectFrom(table).select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst();
  return Number(row?.m ?? 0);
}

function hasColumn(ctx: AppContext, table: string, column: string): Promise<boolean> {
  return ctx.store.capabilities.hasColumn(ctx.store.db, table, column);
}

/** Links generated events into the audit log's hash chain, after its head, in id order. */
interface EventChain {
  keyed: boolean;
  link(events: EventRow[]): Array<Record<string, unknown>>;
}

type ChainedEvent = EventRow & { id?: number; article_id?: null; outcome?: string; chain_seq?: number; prev_hash?: string; hash?: string; chain_key?: string };

/**
 * The canonical content of a generated event, as the audit module writes it (src/audit/chain.ts),
 * without its normalizing of values the generator already gives in normal form (numbers, UTC ISO
 * instants); checked against the module's own once per batch.
 */
function generatedCanonical(e: ChainedEvent): string {
  return JSON.stringify([1, e.id, e.at, e.user_id, e.role, e.unit_id, e.ticket_id, null, e.action, e.from_status, e.to_status, e.detail, 'success']);
}

async function eventChain(ctx: AppContext): Promise<EventChain | null> {
  if (!(await hasColumn(ctx, 'events', 'hash'))) return null;
  const head = await ctx.store.db.selectFrom('events').select(['chain_seq', 'hash'] as never[]).where('chain_seq' as never, 'is not', null).orderBy('chain_seq' as never, 'desc').limit(1).executeTakeFirst() as { chain_seq: number; hash: string } | undefined;
  let id = await maxId(ctx, 'events');
  let seq = Number(head?.chain_seq ?? 0);
  let prev = head?.hash ?? GENESIS;
  // The keyed chain (src/audit/chain.ts) where the store has it: HMAC under the current audit key.
  const keys = (await hasColumn(ctx, 'events', 'chain_key')) ? ctx.store.auditKeys : null;
  const key = keys?.currentKeyId;
  const link = (p: string, content: string) => (keys ? keys.mac(key!, p, content)! : hash('sha256', `${p}\n${content}`));
  return {
    keyed: keys !== null,
    // The events are the generator's own objects: completed in place rather than copied.
    link: (events) => {
      const rows = events as ChainedEvent[];
      for (let i = 0; i < rows.length; i++) {
        const e = rows[i];
        e.id = ++id;
        e.article_id = null;
        e.outcome = 'success';
        const content = generatedCanonical(e);
        if (i === 0 && (content !== canonical(e as never) || link(prev, content) !== (keys ? chainHash(prev, e as never, keys, key!) : legacyChainHash(prev, e as never)))) {
          throw new Error('generated events would not verify: the audit chain content has changed');
        }
        e.chain_seq = ++seq;
        e.prev_hash = prev;
        if (key) e.chain_key = key;
        prev = e.hash = link(prev, content);
      }
      return rows as unknown as Array<Record<string, unknown>>;
    },
  };
}

async function counterValue(ctx: AppContext, name: string): Promise<number> {
  const row = await ctx.store.db.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  return Number(row?.value ?? 0);
}

/** The city's per-day ticket counters as they stand: generated tickets are numbered after them. */
async function dayCounters(ctx: AppContext): Promise<Map<string, number>> {
  const rows = await ctx.store.db.selectFrom('counters').select(['name', 'value']).where('name', 'like', `ticket:${ctx.city.code}:%`).execute();
  return new Map(rows.map((r) => [r.name, Number(r.value)]));
}

async function setCounter(ctx: AppContext, name: string, value: number): Promise<void> {
  await ctx.store.db
    .insertInto('counters')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`case when counters.value > excluded.value then counters.value else excluded.value end` }))
    .execute();
}

export async function generateHistory(ctx: AppContext, options: GenerateOptions): Promise<GeneratedHistory> {
  if (!Number.isInteger(options.tickets) || options.tickets < 1) throw new Error('tickets must be a positive integer');
  if (!Number.isInteger(options.months) || options.months < 1) throw new Error('months must be a positive integer');
  const started = performance.now();
  const seed = options.seed ?? 12345;
  const endMs = shanghaiMidnight(options.end ? Date.parse(options.end) : Date.parse(ctx.clock.now()));
  if (!Number.isFinite(endMs)) throw new Error(`not an instant: ${options.end}`);
  const startMs = monthsBefore(endMs, options.months);
  const days: number[] = [];
  for (let d = startMs; d < endMs; d += DAY_MS) days.push(d);
  const perDay = ticketsPerDay(days, options.tickets);
  const world = await storyWorld(ctx);
  // PostgreSQL: each month of the history gets its partition before its rows arrive.
  await ctx.store.capabilities.ensureHistoryPartitions(ctx.store.db, startMs, endMs);
  const writer: BulkWriter = await ctx.store.capabilities.openBulkWriter(ctx.store.db, { databaseUrl: options.databaseUrl });
  const batchTickets = options.batchTickets ?? 5_000;
  const firstTicketId = (await maxId(ctx, 'tickets')) + 1;
  let ticketId = firstTicketId;
  let dutyId = (await maxId(ctx, 'duties')) + 1;
  const nextDutyId = () => dutyId++;
  // The readers of the audit log that move a cursor through it (the change feed, the provincial sync):
  // where one has read every event so far, the generated history is not news to it and it skips it.
  const eventsBefore = await maxId(ctx, 'events');
  const caughtUpCursors: string[] = [];
  for (const name of EVENT_CURSORS) if ((await counterValue(ctx, name)) >= eventsBefore) caughtUpCursors.push(name);
  const chain = await eventChain(ctx);
  const totals = { tickets: 0, duties: 0, events: 0, callbacks: 0, requests: 0, submissions: 0 };
  const hourCumulative = HOUR_WEIGHTS.map((_, i) => HOUR_WEIGHTS.slice(0, i + 1).reduce((a, b) => a + b, 0) / HOUR_WEIGHTS.reduce((a, b) => a + b, 0));
  // One write is in flight while the next batch is built, so on PostgreSQL the server loads one
  // batch while this process makes the next (the story loop yields now and then to feed the COPY).
  let writing: Promise<void> | null = null;
  let failed: unknown = null;
  const written = async () => {
    if (writing) await writing;
    writing = null;
    if (failed) throw failed;
  };
  try {
    // Stories pile up across days and go out batchTickets at a time: few, large transactions.
    let stories: TicketRows[] = [];
    const flush = async () => {
      if (!stories.length) return;
      const duties = stories.flatMap((s) => s.duties);
      const events = stories.flatMap((s) => s.events);
      const callbacks = stories.flatMap((s) => s.callbacks);
      const requests = stories.flatMap((s) => s.requests);
      const submissions = stories.flatMap((s) => s.submissions);
      const batches = [
        // The requester's data is sealed as the store keeps it (src/store/field-crypto-plugin.ts).
        { table: TICKETS, rows: stories.map((s) => sealTicketRow(ctx.store.crypto, s.ticket)) as never },
        { table: DUTIES, rows: duties as never },
        chain ? { table: chain.keyed ? KEYED_EVENTS : CHAINED_EVENTS, rows: chain.link(events) } : { table: EVENTS, rows: events as never },
        { table: CALLBACKS, rows: callbacks as never },
        { table: REQUESTS, rows: requests as never },
        { table: SUBMISSIONS, rows: submissions as never },
      ];
      await written();
      writing = writer.write(batches).catch((e: unknown) => {
        failed = e;
      });
      totals.tickets += stories.length;
      totals.duties += duties.length;
      totals.events += events.length;
      totals.callbacks += callbacks.length;
      totals.requests += requests.length;
      totals.submissions += submissions.length;
      stories = [];
      options.onProgress?.(totals.tickets, options.tickets);
    };
    const counters = await dayCounters(ctx);
    const lastNumbers = new Map<string, number>();
    for (const [index, dayMs] of days.entries()) {
      const count = perDay[index];
      if (!count) continue;
      const rng = new Random(daySeed(seed, index));
      const times = Array.from({ length: count }, () => {
        const r = rng.next();
        const hour = hourCumulative.findIndex((c) => r < c);
        return dayMs + (Math.max(0, hour) + rng.next()) * 3_600_000;
      }).sort((a, b) => a - b);
      const dayKey = shanghaiDate(new Date(dayMs).toISOString()).replace(/-/g, '');
      const counterName = `ticket:${ctx.city.code}:${dayKey}`;
      let seq = counters.get(counterName) ?? 0;
      for (const createdMs of times) {
        seq += 1;
        stories.push(ticketStory(rng, world, ticketId++, `${ctx.city.code}${dayKey}${String(seq).padStart(6, '0')}`, Math.floor(createdMs), endMs, nextDutyId));
        if (stories.length >= batchTickets) await flush();
        else if (writing && stories.length % 64 === 0) await new Promise(setImmediate);
      }
      lastNumbers.set(counterName, seq);
    }
    await flush();
    await written();
    for (const [name, value] of lastNumbers) await setCounter(ctx, name, value);
  } finally {
    await writing;
    await writer.close();
  }
  // The rows carried their own ids.
  await ctx.store.capabilities.advanceIdsPast(ctx.store.db, ['tickets', 'duties', 'events']);
  const eventsAfter = await maxId(ctx, 'events');
  for (const name of caughtUpCursors) await setCounter(ctx, name, eventsAfter);
  // What a live server keeps up to date by itself (PostgreSQL's autovacuum): statistics and the visibility map.
  await ctx.store.capabilities.analyzeAll(ctx.store.db);
  return {
    ...totals,
    from: new Date(startMs).toISOString(),
    to: new Date(endMs).toISOString(),
    firstTicketId,
    lastTicketId: ticketId - 1,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
