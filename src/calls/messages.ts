// SMS and online messages (短信、网络留言) as a queue worked by the same seats: waiting → assigned
// (an agent claims it) → answered (the first reply). GB/T 33358 asks for a reply within 3 minutes;
// the first reply's delay is kept on the message (reply_seconds) and compared with the city's target.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import type { MessageReplyOut } from '../domain/call-contract.ts';
import { instantMs } from './cti-events.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { maskPhone } from '../domain/masking.ts';
import { seesRequesterContact } from '../domain/roles.ts';
import { shanghaiDay } from '../domain/seat-states.ts';
import { conflict, forbidden, invalid, notFound } from '../server/problem.ts';
import { pagingOf, type PagingQuery } from './paging.ts';

export const MESSAGE_CHANNELS = ['sms', 'online'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];
export const MESSAGE_STATUSES = ['waiting', 'assigned', 'answered'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
const STATUS_LABELS: Record<MessageStatus, string> = { waiting: '待认领', assigned: '处理中', answered: '已答复' };

export interface MessageIn {
  channel: MessageChannel;
  from: string;
  text: string;
  externalId?: string;
  /** When the citizen sent it (ISO with offset); the arrival time when absent. */
  at?: string;
}

// `from`, `text` and `at` mean other things elsewhere (field labels are shared): checked here by hand.

/** The inbound message, or a 400 naming the field. */
export function parseMessageIn(body: unknown): MessageIn {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('body', '请求体应为 JSON 对象');
  const b = body as Record<string, unknown>;
  if (!MESSAGE_CHANNELS.includes(b.channel as MessageChannel)) throw invalid('channel', `字段「渠道」取值无效，可选值：${MESSAGE_CHANNELS.join('、')}`);
  if (typeof b.from !== 'string' || !b.from.trim() || b.from.length > 100) throw invalid('from', '字段「发送人」须为 1 至 100 个字符（短信为手机号）');
  if (typeof b.text !== 'string' || !b.text.trim() || b.text.length > 2000) throw invalid('text', '字段「留言内容」须为 1 至 2000 个字符');
  if (b.externalId !== undefined && (typeof b.externalId !== 'string' || !b.externalId || b.externalId.length > 64)) throw invalid('externalId', '字段「来源消息编号」须为 1 至 64 个字符');
  if (b.at !== undefined && (typeof b.at !== 'string' || instantMs(b.at) === null)) throw invalid('at', '字段「发送时间」应为带时区的 ISO 8601 时间');
  return { channel: b.channel as MessageChannel, from: b.from, text: b.text, externalId: b.externalId as string | undefined, at: b.at as string | undefined };
}

export function parseReplyText(body: unknown): string {
  const t = body && typeof body === 'object' ? (body as Record<string, unknown>).text : undefined;
  if (typeof t !== 'string' || !t.trim() || t.length > 2000) throw invalid('text', '字段「答复内容」须为 1 至 2000 个字符');
  return t;
}

type MessageRow = {
  id: number;
  channel: string;
  sender: string;
  text: string;
  received_at: string;
  status: string;
  agent: string | null;
  assigned_at: string | null;
  first_reply_at: string | null;
  reply_seconds: number | null;
};

export function messageView(ctx: AppContext, m: MessageRow, actor: Actor | null) {
  const now = ctx.clock.now();
  const target = ctx.city.calls.messageResponseSeconds;
  const waited = m.reply_seconds ?? Math.max(0, Math.round((Date.parse(now) - Date.parse(m.received_at)) / 1000));
  // An SMS sender is a phone number; an online sender may be a handle: both masked alike for roles without contact.
  const sender = actor && !seesRequesterContact(actor.role) ? maskPhone(m.sender) : m.sender;
  return {
    id: Number(m.id),
    channel: m.channel,
    from: sender,
    phone: sender,
    text: m.text,
    receivedAt: formatShanghai(m.received_at),
    status: m.status,
    statusLabel: STATUS_LABELS[m.status as MessageStatus] ?? m.status,
    agent: m.agent,
    assignedTo: m.agent,
    dueAt: formatShanghai(new Date(Date.parse(m.received_at) + target * 1000).toISOString()),
    assignedAt: m.assigned_at ? formatShanghai(m.assigned_at) : null,
    firstReplyAt: m.first_reply_at ? formatShanghai(m.first_reply_at) : null,
    /** Seconds to the first reply, or waited so far. */
    responseSeconds: waited,
    withinTarget: m.reply_seconds != null ? m.reply_seconds <= target : waited <= target ? null : false,
    targetSeconds: target,
  };
}

export async function receiveMessage(ctx: AppContext, sourceKeyId: number, input: MessageIn) {
  const now = ctx.clock.now();
  let receivedAt = now;
  if (input.at) {
    const ms = Date.parse(input.at);
    // A sender's clock ahead of ours would make the wait negative: never later than arrival.
    receivedAt = new Date(Math.min(ms, Date.parse(now))).toISOString();
  }
  return inTransaction(ctx.store.db, async (tx) => {
    if (input.externalId) {
      const prior = await tx.selectFrom('messages').select('id').where('source_key_id', '=', sourceKeyId).where('external_id', '=', input.externalId).executeTakeFirst();
      if (prior) return { id: Number(prior.id), duplicate: true };
    }
    const row = await tx
      .insertInto('messages')
      .values({ source_key_id: sourceKeyId, external_id: input.externalId ?? null, channel: input.channel, sender: input.from.trim(), text: input.text, received_at: receivedAt, local_day: shanghaiDay(receivedAt), status: 'waiting', agent: null, assigned_at: null, first_reply_at: null, reply_seconds: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), duplicate: false };
  });
}

export async function listMessages(ctx: AppContext, actor: Actor, status: MessageStatus | undefined, query: PagingQuery = {}) {
  const { page, pageSize, offset } = pagingOf(query);
  let base = ctx.store.db.selectFrom('messages');
  base = status ? base.where('status', '=', status) : base.where('status', 'in', ['waiting', 'assigned']);
  const [rows, count] = await Promise.all([
    base
      .select(['id', 'channel', 'sender', 'text', 'received_at', 'status', 'agent', 'assigned_at', 'first_reply_at', 'reply_seconds'])
      .orderBy('received_at')
      .orderBy('id')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => messageView(ctx, { ...r, id: Number(r.id) }, actor)), total: Number(count.n), page, pageSize };
}

async function loadMessage(ctx: AppContext, id: number) {
  const row = await ctx.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`留言 ${id} 不存在`);
  return { ...row, id: Number(row.id) };
}

export async function claimMessage(ctx: AppContext, actor: Actor, id: number) {
  const now = ctx.clock.now();
  await loadMessage(ctx, id);
  return inTransaction(ctx.store.db, async (tx) => {
    const u = await tx.updateTable('messages').set({ status: 'assigned', agent: actor.username, assigned_at: now }).where('id', '=', id).where('status', '=', 'waiting').executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) throw conflict('该留言已被认领或已答复');
    await tx.updateTable('seats').set({ message_id: id, updated_at: now }).where('agent', '=', actor.username).execute();
    await writeEvent(tx, actor, now, { action: 'message_claim', fromStatus: 'waiting', toStatus: 'assigned', detail: { messageId: id } });
    const row = await tx.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return messageView(ctx, { ...row, id: Number(row.id) }, actor);
  });
}

export async function replyMessage(ctx: AppContext, actor: Actor, id: number, replyText: string) {
  const now = ctx.clock.now();
  const m = await loadMessage(ctx, id);
  if (m.status === 'waiting') throw conflict('请先认领该留言再答复');
  if (m.agent !== actor.username && actor.role === 'agent') throw forbidden('该留言由其他坐席处理');
  return inTransaction(ctx.store.db, async (tx) => {
    await tx.insertInto('message_replies').values({ message_id: id, agent: actor.username, text: replyText, at: now }).execute();
    if (m.status === 'assigned') {
      const seconds = Math.max(0, Math.round((Date.parse(now) - Date.parse(m.received_at)) / 1000));
      await tx.updateTable('messages').set({ status: 'answered', first_reply_at: now, reply_seconds: seconds }).where('id', '=', id).where('status', '=', 'assigned').execute();
      await tx.updateTable('seats').set({ message_id: null, updated_at: now }).where('agent', '=', m.agent ?? actor.username).where('message_id', '=', id).execute();
    }
    await writeEvent(tx, actor, now, { action: 'message_reply', fromStatus: m.status, toStatus: 'answered', detail: { messageId: id } });
    const row = await tx.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const replies = await tx.selectFrom('message_replies').select(['agent', 'text', 'at']).where('message_id', '=', id).orderBy('id').execute();
    return { ...messageView(ctx, { ...row, id: Number(row.id) }, actor), replies: replies.map((r) => ({ agent: r.agent, text: r.text, at: formatShanghai(r.at) })) };
  });
}

/** The replies to a source system's messages after a cursor, oldest first, for it to deliver (SMS back to the sender). */
export async function repliesForSource(ctx: AppContext, sourceKeyId: number, after: number, limit = 500): Promise<{ items: MessageReplyOut[]; next: number }> {
  const rows = await ctx.store.db
    .selectFrom('message_replies as r')
    .innerJoin('messages as m', 'm.id', 'r.message_id')
    .select(['r.id', 'r.message_id', 'r.text', 'r.at', 'm.external_id', 'm.channel', 'm.sender'])
    .where('m.source_key_id', '=', sourceKeyId)
    .where('r.id', '>', after)
    .orderBy('r.id')
    .limit(limit)
    .execute();
  const items = rows.map((r) => ({ id: Number(r.id), messageId: Number(r.message_id), externalId: r.external_id, channel: r.channel as MessageChannel, to: r.sender, text: r.text, at: formatShanghai(r.at) }));
  return { items, next: items.length ? items[items.length - 1]!.id : after };
}
