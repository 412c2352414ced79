// Tickets transferred from the provincial 12345 platform or the national government-service platform
// (第十二条(三), 第十五条): pushed in with their own id, idempotently; kept with origin provincial/national
// so the unit head must approve the reply; pulled back with their state, reply and callback; and the
// reply and the callback result put into the outbox (topic `provincial.sync`) for the relay that
// delivers to the provincial platform.
//
// Idempotency: (origin, external_id) is unique (migration 2026-12-03-interop-keys). A repeated push
// answers 200 with the ticket it made the first time and `duplicate: true`; two pushes racing both
// reach the insert, one commits and the other's unique violation is answered the same way. A repeat
// whose content differs is not dropped: the answer lists the `changed` fields, the new version is
// kept as a `transfer_update` event on the ticket (once per version) and the centre is notified,
// for an agent to weigh (the ticket itself is not rewritten under the unit handling it).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import type { Db, Tx } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import { isUniqueViolation } from '../store/unique-violation.ts';
import { createTicket, PHONE_SCHEMA } from '../tickets/intake.ts';
import { REQUESTER_KINDS, SATISFACTION_LABELS, SPECIAL_LEVELS, TICKET_TYPES, type RequesterKind, type Satisfaction, type SpecialLevel, type TicketType } from '../domain/ticket-types.ts';
import { STATUS_LABELS, type TicketStatus } from '../domain/ticket-states.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { enqueue } from '../outbox/outbox.ts';
import { startPeriodicJob } from '../server/periodic-job.ts';
import { Problem, notFound, unauthorized } from '../server/problem.ts';
import { obj, text } from '../server/schemas.ts';
import { schemaErrors } from '../server/schema-check.ts';
import { translateValidation } from '../server/validation-errors.ts';
import { labelOf } from '../server/field-labels.ts';
import type { FieldError } from '../server/problem.ts';
import { checkApiKey, KEY_REFUSALS, keyActor, presentedKey, type ApiKeyRow, type Scope } from '../auth/api-keys.ts';
import { createHash } from 'node:crypto';
import { writeEvent } from '../audit/events.ts';
import { notify } from '../notifications/notifications.ts';
import { OPEN311_STATUS } from './open311.ts';

export const TRANSFER_ORIGINS = ['provincial', 'national'] as const;
export type TransferOrigin = (typeof TRANSFER_ORIGINS)[number];
export const PROVINCIAL_SYNC_TOPIC = 'provincial.sync';

export interface TransferRequest {
  externalId: string;
  origin: TransferOrigin;
  type: TicketType;
  categoryCode?: string;
  requester: { kind?: RequesterKind; name?: string; phone: string; idNumber?: string; confidential?: boolean };
  facts: string;
  address?: string;
  districtCode?: string;
  special?: SpecialLevel;
}

export const transferSchema = obj(
  {
    externalId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z_.:-]+$' },
    origin: { type: 'string', enum: [...TRANSFER_ORIGINS] },
    type: { type: 'string', enum: [...TICKET_TYPES] },
    categoryCode: text(40),
    requester: obj(
      {
        kind: { type: 'string', enum: [...REQUESTER_KINDS] },
        name: text(100, 0),
        phone: PHONE_SCHEMA,
        idNumber: { type: 'string', pattern: '^[0-9A-Za-z]{6,30}$' },
        confidential: { type: 'boolean' },
      },
      ['phone'],
    ),
    facts: text(4000),
    address: text(300, 0),
    districtCode: text(40),
    special: { type: 'string', enum: [...SPECIAL_LEVELS] },
  },
  ['externalId', 'origin', 'type', 'requester', 'facts'],
);

/** What the provincial side sees of a ticket: state, responsible unit, the latest reply the centre accepted, and callback; never the requester. */
export async function transferState(ctx: AppContext, db: Db | Tx, origin: string, externalId: string) {
  const t = await db
    .selectFrom('tickets')
    .select(['id', 'no', 'origin', 'external_id', 'status', 'lead_unit_id', 'created_at', 'updated_at', 'closed_at', 'satisfaction'])
    .where('origin', '=', origin)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  if (!t) return null;
  const [reply, callback] = await Promise.all([
    db
      .selectFrom('submissions')
      .select(['unit_id', 'kind', 'content', 'approval', 'approved_at', 'created_at', 'round', 'review', 'reviewed_at'])
      .where('ticket_id', '=', t.id)
      .where('kind', 'in', ['reply', 'decline', 'direct_answer'])
      .where('approval', 'in', ['approved', 'none'])
      // 第十五条: the head approves, then the centre reviews; only what the centre accepted goes back
      // (as on the portal). A reply awaiting review or rejected is the centre's business, not 回传.
      .where('review', '=', 'accepted')
      .orderBy('id', 'desc')
      .executeTakeFirst(),
    db.selectFrom('callbacks').select(['round', 'reached', 'satisfaction', 'created_at']).where('ticket_id', '=', t.id).orderBy('id', 'desc').executeTakeFirst(),
  ]);
  const unit = (id: number | null) => {
    const u = ctx.org.get(id);
    return u ? { code: u.code, name: u.name } : null;
  };
  const status = t.status as TicketStatus;
  return {
    externalId: t.external_id!,
    origin: t.origin,
    no: t.no,
    status,
    statusLabel: STATUS_LABELS[status],
    open: OPEN311_STATUS[status] === 'open',
    leadUnit: unit(t.lead_unit_id),
    createdAt: formatShanghai(t.created_at),
    updatedAt: formatShanghai(t.updated_at),
    closedAt: t.closed_at ? formatShanghai(t.closed_at) : null,
    reply: reply
      ? {
          kind: reply.kind,
          round: reply.round,
          unit: unit(reply.unit_id),
          content: reply.content,
          headApproved: reply.approval === 'approved',
          approvedAt: reply.approved_at ? formatShanghai(reply.approved_at) : null,
          repliedAt: formatShanghai(reply.created_at),
          reviewed: reply.review,
          reviewedAt: reply.reviewed_at ? formatShanghai(reply.reviewed_at) : null,
        }
      : null,
    callback: callback
      ? {
          round: callback.round,
          reached: !!callback.reached,
          satisfaction: callback.satisfaction,
          satisfactionLabel: callback.satisfaction ? SATISFACTION_LABELS[callback.satisfaction as Satisfaction] : null,
          at: formatShanghai(callback.created_at),
        }
      : null,
  };
}

const CHANGE_LABELS: Record<string, string> = {
  type: '诉求类型',
  categoryCode: '诉求分类',
  facts: '诉求内容',
  address: '地址',
  districtCode: '县（市）区',
  special: '特殊事项',
  requesterName: '诉求人姓名',
  requesterPhone: '诉求人电话',
};

/**
 * A repeat push compared with the ticket: the fields that differ. A new version is kept as an event
 * (the requester's name and phone only as "changed", never their values) and the centre is told;
 * the same version pushed again adds nothing.
 */
async function recordChangedPush(ctx: AppContext, key: ApiKeyRow, req: TransferRequest): Promise<string[]> {
  const db = ctx.store.db;
  const t = await db
    .selectFrom('tickets as t')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .select(['t.id', 't.no', 't.status', 't.type', 't.facts', 't.address', 't.district_unit_id', 't.special', 't.requester_name', 't.requester_phone', 'c.code as category_code'])
    .where('t.origin', '=', req.origin)
    .where('t.external_id', '=', req.externalId)
    .executeTakeFirst();
  if (!t) return [];
  const blank = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === '' ? null : v.trim());
  const current: Record<string, string | null> = {
    type: t.type,
    categoryCode: t.category_code ?? null,
    facts: t.facts,
    address: blank(t.address),
    districtCode: ctx.org.get(t.district_unit_id)?.code ?? null,
    special: t.special,
    requesterName: blank(t.requester_name),
    requesterPhone: blank(t.requester_phone),
  };
  const pushed: Record<string, string | null> = {
    type: req.type,
    // An absent optional field in the repeat is not a change (the province may send less the second time).
    categoryCode: blank(req.categoryCode) ?? current.categoryCode,
    facts: req.facts,
    address: blank(req.address) ?? current.address,
    districtCode: blank(req.districtCode) ?? current.districtCode,
    special: req.special ?? current.special,
    requesterName: blank(req.requester.name) ?? current.requesterName,
    requesterPhone: req.requester.phone.replace(/[\s-]/g, ''),
  };
  const changed = Object.keys(pushed).filter((k) => (pushed[k] ?? null) !== (current[k] ?? null));
  if (!changed.length) return [];
  const version = createHash('sha256').update(JSON.stringify(pushed)).digest('hex').slice(0, 32);
  const seen = await db.selectFrom('events').select('id').where('ticket_id', '=', Number(t.id)).where('action', '=', 'transfer_update').where('detail', 'like', `%${version}%`).executeTakeFirst();
  if (seen) return changed;
  const now = ctx.clock.now();
  const centre = ctx.org.firstOfKind('centre');
  await inTransaction(db, async (tx) => {
    const newVersion = Object.fromEntries(changed.filter((k) => !k.startsWith('requester')).map((k) => [k, pushed[k]]));
    await writeEvent(tx, keyActor(key), now, { ticketId: Number(t.id), action: 'transfer_update', fromStatus: t.status, toStatus: t.status, detail: { origin: req.origin, externalId: req.externalId, changed, version, newVersion } });
    if (centre) {
      await notify(
        tx,
        { unitId: centre.id, kind: 'external_update', ticketId: Number(t.id), title: `${req.origin === 'national' ? '国家' : '省'}平台更新了转办工单 ${t.no}`, body: `变更：${changed.map((k) => CHANGE_LABELS[k] ?? k).join('、')}。新内容已记入工单流转记录，请核对是否需要改派或告知承办单位。`, link: `/tickets/${t.no}` },
        now,
      );
    }
  });
  return changed;
}

/** Creates the ticket once per (origin, externalId); a repeat returns the first one and what it changed. */
export async function receiveTransfer(ctx: AppContext, key: ApiKeyRow, req: TransferRequest): Promise<{ duplicate: boolean; changed: string[]; state: NonNullable<Awaited<ReturnType<typeof transferState>>> }> {
  const existing = await transferState(ctx, ctx.store.db, req.origin, req.externalId);
  if (existing) return { duplicate: true, changed: await recordChangedPush(ctx, key, req), state: existing };
  try {
    await createTicket(ctx, keyActor(key), {
      channel: req.origin,
      type: req.type,
      categoryCode: req.categoryCode,
      requester: req.requester,
      facts: req.facts,
      address: req.address,
      districtCode: req.districtCode,
      special: req.special,
      externalId: req.externalId,
      // The centre dispatches transferred tickets like any other (派单目录, 第十四条).
      disposition: 'pending',
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const raced = await transferState(ctx, ctx.store.db, req.origin, req.externalId);
    if (!raced) throw err;
    return { duplicate: true, changed: await recordChangedPush(ctx, key, req), state: raced };
  }
  return { duplicate: false, changed: [], state: (await transferState(ctx, ctx.store.db, req.origin, req.externalId))! };
}

const CURSOR = 'interop:provincial-sync:event-id';
/** Events younger than this are left for the next run, so a transaction that committed late is not skipped. */
const SETTLE_MS = 60_000;

/**
 * Reads the audit events since the last run and puts, for tickets from the provincial or national
 * platform, the reply the centre accepted (review → 待回访) and each callback result into the outbox.
 * The cursor and the messages commit together: each event is sent once.
 */
export async function syncProvincial(ctx: AppContext, batch = 500): Promise<number> {
  const now = ctx.clock.now();
  const settled = new Date(Date.parse(now) - SETTLE_MS).toISOString();
  return inTransaction(ctx.store.db, async (tx) => {
    await tx.insertInto('counters').values({ name: CURSOR, value: 0 }).onConflict((oc) => oc.column('name').doNothing()).execute();
    const cursorRow = await tx
      .selectFrom('counters')
      .select('value')
      .where('name', '=', CURSOR)
      .$call(ctx.store.capabilities.lockRows)
      .executeTakeFirstOrThrow();
    const cursor = Number(cursorRow.value);
    const events = await tx.selectFrom('events').select(['id', 'ticket_id', 'action', 'to_status', 'at']).where('id', '>', cursor).where('at', '<=', settled).orderBy('id').limit(batch).execute();
    if (!events.length) return 0;
    const wanted = events.filter((e) => e.ticket_id != null && ((e.action === 'review' && e.to_status === 'callback') || e.action === 'callback'));
    const ticketIds = [...new Set(wanted.map((e) => Number(e.ticket_id)))];
    const tickets = ticketIds.length
      ? await tx.selectFrom('tickets').select(['id', 'origin', 'external_id']).where('id', 'in', ticketIds).where('origin', 'in', [...TRANSFER_ORIGINS]).where('external_id', 'is not', null).execute()
      : [];
    const byId = new Map(tickets.map((t) => [Number(t.id), t]));
    let sent = 0;
    for (const e of wanted) {
      const t = byId.get(Number(e.ticket_id));
      if (!t) continue;
      const state = await transferState(ctx, tx, t.origin, t.external_id!);
      if (!state) continue;
      const kind = e.action === 'callback' ? 'callback' : 'reply';
      const payload = {
        type: PROVINCIAL_SYNC_TOPIC,
        kind,
        eventId: Number(e.id),
        origin: state.origin,
        externalId: state.externalId,
        ticketNo: state.no,
        status: state.status,
        statusLabel: state.statusLabel,
        leadUnit: state.leadUnit,
        ...(kind === 'reply' ? { reply: state.reply } : { callback: state.callback }),
        at: formatShanghai(e.at),
      };
      await enqueue(tx, PROVINCIAL_SYNC_TOPIC as string as Parameters<typeof enqueue>[1], payload as unknown as Parameters<typeof enqueue>[2], now);
      sent += 1;
    }
    await tx.updateTable('counters').set({ value: Number(events[events.length - 1]!.id) }).where('name', '=', CURSOR).execute();
    return sent;
  });
}

export function startProvincialSync(ctx: AppContext, intervalMs = 30_000, onError: (err: unknown) => void = () => undefined): () => Promise<void> {
  return startPeriodicJob(() => syncProvincial(ctx), intervalMs, onError);
}

export async function transferRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;

  const authenticate = async (request: FastifyRequest, reply: FastifyReply, scopes: Scope[]): Promise<ApiKeyRow> => {
    const check = await checkApiKey(ctx, presentedKey(request.headers, request.query, undefined), scopes);
    if (check.ok) return check.key;
    if (check.reason === 'missing') throw unauthorized('缺少 API 密钥：请在 X-API-Key 请求头中提供');
    if (check.reason === 'rate') {
      reply.header('retry-after', String(check.retryAfterSeconds ?? 1));
      throw new Problem(429, 'rate-limited', KEY_REFUSALS.rate, { retryAfter: check.retryAfterSeconds ?? 1 });
    }
    throw new Problem(403, 'forbidden', KEY_REFUSALS[check.reason].replace('api_key', 'API 密钥'));
  };

  // The key is checked before the body is validated, so a caller without a key learns nothing else.
  // The schema stays on the route for the API documentation, but the body is checked in the handler
  // (checkTransfer), so a refused transfer lists every wrong field at once.
  app.post<{ Body: TransferRequest }>(
    '/transfer/tickets',
    {
      preValidation: async (request, reply) => void (request.transferKey = await authenticate(request, reply, ['transfer:write'])),
      schema: { body: transferSchema },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      await checkTransfer(ctx, request.body);
      const result = await receiveTransfer(ctx, request.transferKey!, request.body);
      return reply.code(result.duplicate ? 200 : 201).send({ ...result.state, duplicate: result.duplicate, ...(result.duplicate ? { changed: result.changed } : {}) });
    },
  );

  app.get<{ Params: { externalId: string }; Querystring: { origin?: string } }>(
    '/transfer/tickets/:externalId',
    {
      preValidation: async (request, reply) => void (await authenticate(request, reply, ['transfer:read', 'transfer:write'])),
      schema: {
        params: obj({ externalId: { type: 'string', minLength: 1, maxLength: 64 } }, ['externalId']),
        querystring: obj({ origin: { type: 'string', enum: [...TRANSFER_ORIGINS] } }),
      },
    },
    async (request) => {
      const origins = request.query.origin ? [request.query.origin] : [...TRANSFER_ORIGINS];
      for (const origin of origins) {
        const state = await transferState(ctx, ctx.store.db, origin, request.params.externalId);
        if (state) return state;
      }
      throw notFound(`转办工单 ${request.params.externalId} 不存在`);
    },
  );
}

/**
 * Every problem of a transfer body at once: the schema's, then the category and district the city
 * must know (what createTicket would refuse one at a time). The provincial platform fixes a batch
 * in one round instead of one field per push.
 */
export async function checkTransfer(ctx: AppContext, body: unknown): Promise<void> {
  const errors: FieldError[] = translateValidation(schemaErrors(transferSchema, body ?? null), 'body');
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const named = new Set(errors.map((e) => e.field));
  if (typeof b.categoryCode === 'string' && !named.has('categoryCode')) {
    const cat = await ctx.store.db.selectFrom('categories').select('active').where('code', '=', b.categoryCode).executeTakeFirst();
    if (!cat || !cat.active) errors.push({ field: 'categoryCode', message: `诉求分类「${b.categoryCode}」不存在` });
  }
  if (typeof b.districtCode === 'string' && !named.has('districtCode')) {
    const unit = ctx.org.byCodeOrUndefined(b.districtCode);
    if (!unit || unit.kind !== 'district') errors.push({ field: 'districtCode', message: `县（市）区「${b.districtCode}」不存在` });
  }
  if (!errors.length) return;
  const title = errors.length === 1 ? errors[0]!.message : `转办工单有 ${errors.length} 处字段无效：${[...new Set(errors.map((e) => labelOf(e.field.replace(/\./g, '/'))))].join('、')}`;
  throw new Problem(400, 'invalid-input', title, { errors });
}

declare module 'fastify' {
  interface FastifyRequest {
    transferKey?: ApiKeyRow;
  }
}
