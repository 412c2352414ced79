// Webhook subscriptions: systems of same-level units (and the provincial platform) that receive
// every ticket event as a signed JSON POST, retried from the outbox until they answer 2xx.
//
// Where deliveries come from: a generic fan-out, not a line in every action. Every state change
// already writes one `events` row in its own transaction (src/audit/events.ts), so the event is as
// durable as the change. The relay numbers committed events into the change feed (./feed.ts) and,
// per subscription, copies the feed entries after the subscription's cursor into 'webhook' outbox
// rows and moves the cursor, in one transaction: each event becomes exactly one outbox row per
// subscription, whatever crashes in between, and a new action needs no code to be pushed. The cost
// is a delay of one relay tick between the commit and the outbox row.
//
// Each outbox row carries the frozen JSON body (retries send the same bytes and the same event id)
// and an ordering key per subscription and ticket: the relay sends a row only when every earlier row
// with the same key was acknowledged, so a receiver sees a ticket's events in order.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction, type Tx } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { invalid, notFound } from '../server/problem.ts';
import { SATISFACTION_LABELS, type Satisfaction } from '../domain/ticket-types.ts';
import { heldOrHandledBy } from '../tickets/queues.ts';
import { eventBody, eventId, lastFeedSeq, readFeed, type FeedRow } from './feed.ts';

export const PROVINCIAL_SYNC = 'provincial.sync';
export const WEBHOOK_FORMATS = ['event', 'evaluation'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookSubscription {
  id: number;
  name: string;
  url: string;
  events: string[];
  format: WebhookFormat;
  active: boolean;
  cursor: number;
  /** Only the tickets this unit (or a unit under it) holds or handles; null = every ticket. */
  unit: { code: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  subscriptionId: number;
  eventId: string;
  /** The exact JSON sent, the same on every retry. */
  body: string;
}

// ---------------------------------------------------------------- signing

/** `sha256=` + hex HMAC-SHA256 of `${timestamp}.${rawBody}` with the subscription's secret. */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/**
 * What a receiver does: recompute the signature over the raw body and the X-Hotline-Timestamp
 * header, compare in constant time, and refuse timestamps older (or newer) than `toleranceS`,
 * so a captured request cannot be replayed later.
 */
export function verifyWebhook(secret: string, headers: { signature?: string | null; timestamp?: string | null }, rawBody: string, nowMs = Date.now(), toleranceS = 300): boolean {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts) || Math.abs(nowMs / 1000 - ts) > toleranceS) return false;
  const expected = Buffer.from(signWebhook(secret, ts, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// ---------------------------------------------------------------- subscriptions

type Row = { id: number; name: string; url: string; events: string; format: string; active: number; cursor_seq: number; unit_id: number | null; created_at: string; updated_at: string };

function view(ctx: AppContext, r: Row): WebhookSubscription {
  const unit = r.unit_id != null ? ctx.org.get(r.unit_id) : undefined;
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    events: JSON.parse(r.events) as string[],
    format: r.format as WebhookFormat,
    active: r.active === 1,
    cursor: Number(r.cursor_seq),
    unit: unit ? { code: unit.code, name: unit.name } : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The unit a subscription is scoped to: its id, null to scope none; refused by name when unknown. */
function unitIdOf(ctx: AppContext, code: string | null | undefined): number | null {
  if (!code) return null;
  const unit = ctx.org.byCodeOrUndefined(code);
  if (!unit) throw invalid('unitCode', `单位「${code}」不存在`);
  return unit.id;
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('url', '接收地址须为有效的 http(s) 地址');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalid('url', '接收地址须为有效的 http(s) 地址');
}

function checkEvents(events: string[]): void {
  if (!events.length) throw invalid('events', '至少订阅一类事件');
  if (events.some((e) => !/^(\*|[a-z_]+|provincial\.sync|audit\.head)$/.test(e))) throw invalid('events', '事件类型无效');
}

export async function listSubscriptions(ctx: AppContext): Promise<WebhookSubscription[]> {
  const rows = await ctx.store.db.selectFrom('webhook_subscriptions').selectAll().orderBy('id').execute();
  return rows.map((r) => view(ctx, r as Row));
}

export interface SubscriptionInput {
  name: string;
  url: string;
  secret?: string;
  events: string[];
  format?: WebhookFormat;
  active?: boolean;
  /** Only the tickets this unit (or one under it) holds or handles; null or absent = every ticket. */
  unitCode?: string | null;
  /** Also deliver the events recorded before the subscription (default: only new ones). */
  fromStart?: boolean;
}

export async function createSubscription(ctx: AppContext, actor: Actor | null, input: SubscriptionInput): Promise<WebhookSubscription & { secret: string }> {
  checkUrl(input.url);
  checkEvents(input.events);
  if (input.secret !== undefined && input.secret.length < 16) throw invalid('secret', '签名密钥至少 16 个字符');
  const unitId = unitIdOf(ctx, input.unitCode);
  const secret = input.secret ?? randomBytes(24).toString('base64url');
  const now = ctx.clock.now();
  return inTransaction(ctx.store.db, async (tx) => {
    const cursor = input.fromStart ? 0 : await lastFeedSeq(tx);
    const row = await tx
      .insertInto('webhook_subscriptions')
      .values({ name: input.name, url: input.url, secret, events: JSON.stringify(input.events), format: input.format ?? 'event', active: input.active === false ? 0 : 1, cursor_seq: cursor, unit_id: unitId, created_by: actor?.userId ?? null, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeEvent(tx, actor, now, { action: 'webhook_create', detail: { subscription: row.id, events: input.events, format: row.format, unit: input.unitCode ?? null } });
    return { ...view(ctx, row as Row), secret };
  });
}

export async function updateSubscription(ctx: AppContext, actor: Actor | null, id: number, patch: Partial<Omit<SubscriptionInput, 'fromStart'>>): Promise<WebhookSubscription> {
  if (patch.url !== undefined) checkUrl(patch.url);
  if (patch.events !== undefined) checkEvents(patch.events);
  if (patch.secret !== undefined && patch.secret.length < 16) throw invalid('secret', '签名密钥至少 16 个字符');
  const unitId = patch.unitCode === undefined ? undefined : unitIdOf(ctx, patch.unitCode);
  const now = ctx.clock.now();
  return inTransaction(ctx.store.db, async (tx) => {
    const row = await tx
      .updateTable('webhook_subscriptions')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.secret !== undefined ? { secret: patch.secret } : {}),
        ...(patch.events !== undefined ? { events: JSON.stringify(patch.events) } : {}),
        ...(patch.format !== undefined ? { format: patch.format } : {}),
        ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
        ...(unitId !== undefined ? { unit_id: unitId } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound(`订阅 ${id} 不存在`);
    await writeEvent(tx, actor, now, { action: 'webhook_update', detail: { subscription: id, fields: Object.keys(patch).filter((k) => k !== 'secret').concat(patch.secret ? ['secret'] : []) } });
    return view(ctx, row as Row);
  });
}

// ---------------------------------------------------------------- payloads

/** 好差评 push: one rating, with the ticket number, level, time and handling unit; nothing of the rater. */
export function evaluationBody(row: FeedRow): Record<string, unknown> | null {
  // Ratings come from the centre's callback (detail.satisfaction) and from the portal (action 'rating', detail.level).
  const detail = row.detail ? (JSON.parse(row.detail) as { satisfaction?: Satisfaction; level?: Satisfaction; source?: string }) : {};
  const level = row.action === 'callback' ? detail.satisfaction : row.action === 'rating' ? detail.level : undefined;
  if (!level) return null;
  return {
    id: eventId(row.event_id),
    type: 'evaluation.rated',
    ticketNo: row.no,
    level,
    levelName: SATISFACTION_LABELS[level] ?? level,
    bad: level === 'unsatisfied' || level === 'very_unsatisfied',
    source: row.action === 'rating' ? 'portal' : 'callback',
    ratedAt: row.at,
    unit: row.lead_unit ? { code: row.lead_unit, name: row.lead_unit_name } : null,
  };
}

function wants(sub: WebhookSubscription, row: FeedRow): Record<string, unknown> | null {
  if (!sub.events.includes('*') && !sub.events.includes(row.action)) return null;
  return sub.format === 'evaluation' ? evaluationBody(row) : eventBody(row);
}

export const orderingKey = (subscriptionId: number, ticket: string | number) => `wh:${subscriptionId}:${ticket}`;

// ---------------------------------------------------------------- fan-out

const FAN_OUT_BATCH = 500;

/** Copies feed entries after each active subscription's cursor into webhook outbox rows. */
export async function fanOut(ctx: AppContext): Promise<number> {
  const subs = await ctx.store.db.selectFrom('webhook_subscriptions').select('id').where('active', '=', 1).orderBy('id').execute();
  let total = 0;
  for (const { id } of subs) {
    for (let round = 0; round < 20; round++) {
      const { queued, read } = await inTransaction(ctx.store.db, (tx) => fanOutOne(ctx, tx, id));
      total += queued;
      if (read < FAN_OUT_BATCH) break;
    }
  }
  return total;
}

async function fanOutOne(ctx: AppContext, tx: Tx, id: number): Promise<{ queued: number; read: number }> {
  // The row lock makes two relays fanning out the same subscription take turns; the second reads
  // the cursor the first moved.
  const row = await tx
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('id', '=', id)
    .$call(ctx.store.capabilities.lockRows)
    .executeTakeFirst();
  if (!row || row.active !== 1) return { queued: 0, read: 0 };
  const sub = view(ctx, row as Row);
  const entries = await readFeed(tx, sub.cursor, FAN_OUT_BATCH);
  if (!entries.length) return { queued: 0, read: 0 };
  const held = row.unit_id != null ? await ticketsHeldBy(ctx, tx, row.unit_id, entries) : null;
  const now = ctx.clock.now();
  const values = [];
  for (const entry of entries) {
    if (held && !held.has(entry.ticket_id)) continue;
    const body = wants(sub, entry);
    if (!body) continue;
    const payload: WebhookDelivery = { subscriptionId: sub.id, eventId: eventId(entry.event_id), body: JSON.stringify(body) };
    values.push({ topic: 'webhook', payload: JSON.stringify(payload), created_at: now, available_at: now, attempts: 0, ordering_key: orderingKey(sub.id, entry.ticket_id) });
  }
  for (let i = 0; i < values.length; i += 200) await tx.insertInto('outbox').values(values.slice(i, i + 200)).execute();
  await tx.updateTable('webhook_subscriptions').set({ cursor_seq: entries[entries.length - 1]!.seq }).where('id', '=', sub.id).execute();
  return { queued: values.length, read: entries.length };
}

/** The audit chain's published heads (src/outbox/audit-head-job.ts), handed to the subscriptions that list them. */
export const AUDIT_HEAD = 'audit.head';

/**
 * Of the entries' tickets, those the unit or a unit under it holds or handles: a duty (主办, 协办,
 * a 转下级承办 handler) of any round, the same rule that lets the unit's staff see the ticket. Read
 * when fanning out, so the dispatch event that gives the unit the ticket (its duty is written in
 * the same transaction) is delivered, and so is every later event of the ticket.
 */
async function ticketsHeldBy(ctx: AppContext, tx: Tx, unitId: number, entries: FeedRow[]): Promise<Set<number>> {
  const scope = ctx.org.subtreeIds(unitId);
  const ids = [...new Set(entries.map((e) => e.ticket_id))];
  const held = new Set<number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx
      .selectFrom('duties as d')
      .select('d.ticket_id')
      .distinct()
      .where('d.ticket_id', 'in', ids.slice(i, i + 500))
      .where((eb) => heldOrHandledBy(eb, scope))
      .execute();
    for (const r of rows) held.add(Number(r.ticket_id));
  }
  return held;
}

/**
 * Hands each due outbox message of `topic` ('provincial.sync', written by the provincial transfer, or
 * 'audit.head') to every active subscription that lists the topic, as a webhook row of its own, and
 * closes the original. With no such subscription a provincial message waits (retried later): nothing
 * is dropped. A head closes at once: the server's log already holds it, and the next head supersedes it.
 */
export async function fanOutTopic(ctx: AppContext, topic: typeof PROVINCIAL_SYNC | typeof AUDIT_HEAD, retryMs = 60_000): Promise<number> {
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const due = await tx
      .selectFrom('outbox')
      .selectAll()
      .where('topic', '=', topic)
      .where('delivered_at', 'is', null)
      .where('available_at', '<=', now)
      .orderBy('id')
      .limit(500)
      .$call(ctx.store.capabilities.claimRows)
      .execute();
    if (!due.length) return 0;
    // A unit-scoped subscription is a unit's own system, not the provincial platform or the chain's keeper: it gets none.
    const subs = (await tx.selectFrom('webhook_subscriptions').selectAll().where('active', '=', 1).execute()).map((r) => view(ctx, r as Row)).filter((s) => s.events.includes(topic) && !s.unit);
    if (!subs.length && topic === AUDIT_HEAD) {
      await tx.updateTable('outbox').set({ delivered_at: now, last_error: '无订阅（audit.head）：链头已写入服务日志' }).where('id', 'in', due.map((m) => m.id)).execute();
      return 0;
    }
    if (!subs.length) {
      await tx
        .updateTable('outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: `未配置订阅（${topic}）`, available_at: new Date(Date.parse(now) + retryMs).toISOString() }))
        .where('id', 'in', due.map((m) => m.id))
        .execute();
      return 0;
    }
    let queued = 0;
    for (const msg of due) {
      let data: unknown = msg.payload;
      try {
        data = JSON.parse(msg.payload);
      } catch {
        /* delivered as the string it is */
      }
      const ticket = (data && typeof data === 'object' && 'ticketNo' in data ? String((data as { ticketNo: unknown }).ticketNo) : null) ?? msg.ordering_key ?? `outbox-${msg.id}`;
      const id = `outbox-${msg.id}`;
      const body = JSON.stringify({ id, type: topic, occurredAt: msg.created_at, data });
      for (const sub of subs) {
        const payload: WebhookDelivery = { subscriptionId: sub.id, eventId: id, body };
        await tx.insertInto('outbox').values({ topic: 'webhook', payload: JSON.stringify(payload), created_at: now, available_at: now, attempts: 0, ordering_key: orderingKey(sub.id, `p:${ticket}`) }).execute();
        queued++;
      }
    }
    await tx.updateTable('outbox').set({ delivered_at: now, last_error: null }).where('id', 'in', due.map((m) => m.id)).execute();
    return queued;
  });
}
