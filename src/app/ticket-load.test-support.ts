// Load for the fault tests: workers each take tickets through their whole life (受理 → 派单 → 签收 →
// 办理反馈 → 审核 → 回访 → 归档) over HTTP and record every answer; then the store is checked for
// what was answered, for anything half-done, and for the outbox having gone out exactly once.
import { sql } from 'kysely';
import type { Role } from '../domain/roles.ts';
import type { Store } from '../store/db.ts';
import { verifyChain } from '../audit/chain.ts';
import type { ApiClient, Answer } from './server-child.test-support.ts';
import type { TestReceiver } from '../interop/webhooks-receiver.test-support.ts';
import type { SmsReceiver } from './server-child.test-support.ts';
import { sleep } from './server-child.test-support.ts';

export const LOAD_PASSWORD = 'fault-test-password';
export const LOAD_USERS: Record<string, [Role, string | null]> = {
  'f.admin': ['admin', null],
  'f.agent': ['agent', 'MDJ12345'],
  'f.centre': ['centre', 'MDJ12345'],
  'f.zjj': ['unit_staff', 'ZJJ'],
};

export interface LoadClients {
  agent: ApiClient;
  centre: ApiClient;
  unit: ApiClient;
}

type By = keyof LoadClients;
/** The next step of a ticket in each state: who acts, the action and its body. */
const NEXT: Record<string, { by: By; action: string; body: Record<string, unknown> }> = {
  pending_dispatch: { by: 'centre', action: 'dispatch', body: {} },
  dispatched: { by: 'unit', action: 'sign', body: {} },
  in_progress: { by: 'unit', action: 'reply', body: { content: '已联系物业公司，楼道垃圾已于当日清运完毕，并约定每日清理。' } },
  replied: { by: 'centre', action: 'review', body: { pass: true } },
  callback: { by: 'centre', action: 'callback', body: { reached: true, satisfaction: 'satisfied' } },
  closed: { by: 'centre', action: 'archive', body: {} },
};

/** One request answered 2xx: what it did and the state it answered. */
export interface Answered {
  op: string;
  no: string;
  status: string;
}

export interface LoadOptions {
  workers: number;
  /** Makes the requester phones of this run unique: 4 digits. */
  phonePrefix: string;
  /** Called after each 2xx answer is recorded, with the count so far. */
  onAnswered?: (count: number) => void;
}

export class TicketLoad {
  answered: Answered[] = [];
  /** HTTP answers other than 2xx: status and problem title. */
  failed: Array<{ op: string; no: string | null; status: number; title: string; type: string }> = [];
  /** Requests that got no answer at all. */
  unanswered = 0;
  private stopped = false;
  private seq = 0;
  private running: Promise<void>[] = [];

  constructor(
    private readonly clients: LoadClients,
    private readonly options: LoadOptions,
  ) {}

  start(): void {
    for (let w = 0; w < this.options.workers; w++) this.running.push(this.worker());
  }

  /** No new request starts after this; resolves when every worker has finished its request. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  private record(op: string, no: string | null, res: Answer): boolean {
    if (res.status >= 200 && res.status < 300) {
      this.answered.push({ op, no: res.body.no ?? no, status: res.body.status });
      this.options.onAnswered?.(this.answered.length);
      return true;
    }
    if (res.status === 0) this.unanswered++;
    else this.failed.push({ op, no, status: res.status, title: String(res.body?.title ?? res.body), type: String(res.body?.type ?? '') });
    return false;
  }

  /** The ticket's state as the store now has it (after an answer was lost), or null when that is not known. */
  private async readBack(no: string): Promise<string | null> {
    for (let i = 0; i < 50 && !this.stopped; i++) {
      const res = await this.clients.centre.request('GET', `/api/v1/tickets/${no}`);
      if (res.status === 200) return res.body.status;
      await sleep(200);
    }
    return null;
  }

  private async worker(): Promise<void> {
    while (!this.stopped) {
      const n = this.seq++;
      const phone = `13${this.options.phonePrefix}${String(n).padStart(5, '0')}`;
      const body = {
        channel: 'phone',
        type: 'complaint',
        categoryCode: 'ZFWY-WY',
        requester: { kind: 'person', name: '李明远', phone },
        facts: `第${n}号诉求：小区${n % 97}号楼物业长期不清理楼道垃圾，多次联系物业无果`,
        address: `东安区新安街道光华小区${n}号楼`,
        disposition: n % 3 === 0 ? 'pending' : 'dispatch',
      };
      const created = await this.clients.agent.request('POST', '/api/v1/tickets', body);
      if (!this.record('create', null, created)) continue;
      const no: string = created.body.no;
      let status: string | null = created.body.status;
      while (!this.stopped && status && NEXT[status]) {
        const step = NEXT[status];
        const res = await this.clients[step.by].request('POST', `/api/v1/tickets/${no}/actions/${step.action}`, step.body);
        if (this.record(step.action, no, res)) status = res.body.status;
        else if (!this.stopped) status = await this.readBack(no);
      }
    }
  }
}

/** Waits until every outbox message is marked delivered. */
export async function outboxDrained(store: Store, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const row = await store.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('delivered_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(row.n) === 0) return;
    if (Date.now() > deadline) throw new Error(`${row.n} outbox messages still undelivered`);
    await sleep(200);
  }
}

interface EventRow {
  id: number;
  ticket_id: number;
  action: string;
  from_status: string | null;
  to_status: string | null;
}

/**
 * Everything that must hold after a fault: each answered request is in the store (the ticket, its
 * state, its timeline), nothing is half-done, the audit chain verifies, the numbering counters are
 * ahead, and every outbox message reached its receiver exactly once. Returns the problems found.
 */
export async function storeProblems(store: Store, answered: Answered[], receivers: { sms: SmsReceiver; webhooks: TestReceiver }): Promise<string[]> {
  const problems: string[] = [];
  const db = store.db;
  const tickets = await db.selectFrom('tickets').select(['id', 'no', 'status', 'round']).execute();
  const byNo = new Map(tickets.map((t) => [t.no, { ...t, id: Number(t.id) }]));
  const events = (await db.selectFrom('events').select(['id', 'ticket_id', 'action', 'from_status', 'to_status']).where('ticket_id', 'is not', null).orderBy('id').execute()).map(
    (e) => ({ ...e, id: Number(e.id), ticket_id: Number(e.ticket_id) }) as EventRow,
  );
  const timeline = new Map<number, EventRow[]>();
  for (const e of events) {
    if (!timeline.has(e.ticket_id)) timeline.set(e.ticket_id, []);
    timeline.get(e.ticket_id)!.push(e);
  }

  // Every answered request, in the order its worker made it, is in the ticket's timeline with the
  // state it answered (the timeline may hold more: a request whose answer was lost).
  const answeredByNo = new Map<string, Answered[]>();
  for (const a of answered) {
    if (!answeredByNo.has(a.no)) answeredByNo.set(a.no, []);
    answeredByNo.get(a.no)!.push(a);
  }
  for (const [no, ops] of answeredByNo) {
    const t = byNo.get(no);
    if (!t) {
      problems.push(`工单 ${no} 已答复创建，但不在库中`);
      continue;
    }
    const line = timeline.get(t.id) ?? [];
    let at = 0;
    for (const op of ops) {
      if (op.op === 'create') {
        // The intake, and the dispatch made with it when it answered 待签收.
        const want = op.status === 'dispatched' ? ['intake', 'dispatch'] : ['intake'];
        const got = line.slice(0, want.length);
        if (got.map((e) => e.action).join() !== want.join() || got[got.length - 1]?.to_status !== op.status) {
          problems.push(`工单 ${no}：创建答复 ${op.status}，时间线开头为 ${got.map((e) => `${e.action}→${e.to_status}`).join(', ')}`);
        }
        at = want.length;
        continue;
      }
      const i = line.findIndex((e, k) => k >= at && e.action === op.op);
      if (i < 0 || line[i].to_status !== op.status) {
        problems.push(`工单 ${no}：已答复的「${op.op}」→ ${op.status} 不在时间线中（${line.map((e) => `${e.action}→${e.to_status}`).join(', ')}）`);
        break;
      }
      at = i + 1;
    }
  }

  // Nothing half-done: each ticket begins with its intake, each state change follows the one before
  // and ends in the ticket's state, each dispatch has its duties and its SMS.
  const dutyRounds = new Map<number, Set<number>>();
  for (const d of await db.selectFrom('duties').select(['ticket_id', 'round', 'kind', 'party']).where('party', '=', 'lead').where('kind', '=', 'sign').execute()) {
    if (!dutyRounds.has(Number(d.ticket_id))) dutyRounds.set(Number(d.ticket_id), new Set());
    dutyRounds.get(Number(d.ticket_id))!.add(Number(d.round));
  }
  const notices = new Map<string, number>();
  for (const m of await db.selectFrom('outbox').select(['topic', 'payload']).where('topic', '=', 'sms').execute()) {
    const p = JSON.parse(m.payload);
    if (p.template === 'dispatch_notice') notices.set(p.params.ticketNo, (notices.get(p.params.ticketNo) ?? 0) + 1);
  }
  for (const t of byNo.values()) {
    const line = (timeline.get(t.id) ?? []).filter((e) => e.to_status !== null);
    if (line[0]?.action !== 'intake' || line[0].from_status !== null || line.filter((e) => e.action === 'intake').length !== 1) {
      problems.push(`工单 ${t.no} 没有唯一的受理事件在先`);
      continue;
    }
    for (let i = 1; i < line.length; i++) {
      if (line[i].from_status !== line[i - 1].to_status) problems.push(`工单 ${t.no}：事件 #${line[i].id} 从 ${line[i].from_status} 出发，前一事件止于 ${line[i - 1].to_status}`);
    }
    if (line[line.length - 1].to_status !== t.status) problems.push(`工单 ${t.no} 状态为 ${t.status}，最后一个事件止于 ${line[line.length - 1].to_status}`);
    const dispatches = line.filter((e) => e.action === 'dispatch').length;
    if (dispatches !== Number(t.round)) problems.push(`工单 ${t.no}：派单 ${dispatches} 次，办理轮次 ${t.round}`);
    for (let r = 1; r <= Number(t.round); r++) if (!dutyRounds.get(t.id)?.has(r)) problems.push(`工单 ${t.no} 第 ${r} 轮没有主办单位的签收时限`);
    if ((notices.get(t.no) ?? 0) !== dispatches) problems.push(`工单 ${t.no}：派单 ${dispatches} 次，派单短信 ${notices.get(t.no) ?? 0} 条`);
  }
  const orphans = await sql<{ n: number }>`
    select (select count(*) from duties d where not exists (select 1 from tickets t where t.id = d.ticket_id))
         + (select count(*) from events e where e.ticket_id is not null and not exists (select 1 from tickets t where t.id = e.ticket_id))
         + (select count(*) from callbacks c where not exists (select 1 from tickets t where t.id = c.ticket_id))
         + (select count(*) from submissions s where not exists (select 1 from tickets t where t.id = s.ticket_id)) as n`.execute(db);
  if (Number(orphans.rows[0].n) !== 0) problems.push(`${orphans.rows[0].n} 条时限、事件、回访或反馈没有所属工单`);

  const chain = await verifyChain(db);
  if (!chain.ok) problems.push(`审计链校验失败：${chain.firstBad?.message}`);

  // The day's counter is ahead of every number it gave out.
  const counters = new Map((await db.selectFrom('counters').select(['name', 'value']).where('name', 'like', 'ticket:%').execute()).map((c) => [c.name, Number(c.value)]));
  for (const t of byNo.values()) {
    const m = /^([A-Z]+)(\d{8})(\d{6})$/.exec(t.no);
    const counter = m ? counters.get(`ticket:${m[1]}:${m[2]}`) : undefined;
    if (!m || counter === undefined || counter < Number(m[3])) problems.push(`工单编号 ${t.no} 超出当日计数器 ${counter}`);
  }
  if (new Set(tickets.map((t) => t.no)).size !== tickets.length) problems.push('工单编号重复');

  // The outbox went out exactly once: every message is marked delivered; the SMS gateway accepted each
  // SMS once under its outbox id (a repeat only as an identical retry); the webhook receiver got
  // each ticket event once, in the ticket's order.
  const outbox = await db.selectFrom('outbox').select(['id', 'topic', 'payload', 'delivered_at']).execute();
  const undelivered = outbox.filter((m) => !m.delivered_at).length;
  if (undelivered) problems.push(`${undelivered} 条外发消息未送达`);
  const smsIds = outbox.filter((m) => m.topic === 'sms' || m.topic === 'report').map((m) => `outbox-${m.id}`).sort();
  const smsGot = receivers.sms.accepted.map((r) => r.requestId).sort();
  if (smsGot.join() !== smsIds.join()) problems.push(`短信网关收到 ${smsGot.length} 条，外发表中 ${smsIds.length} 条`);
  if (receivers.sms.mismatched) problems.push(`${receivers.sms.mismatched} 条重发短信与首次内容不同`);
  const hooks = outbox.filter((m) => m.topic === 'webhook').length;
  if (receivers.webhooks.events.length !== hooks || new Set(receivers.webhooks.events.map((e) => e.id)).size !== hooks) {
    problems.push(`推送接收方收到 ${receivers.webhooks.events.length} 个事件，外发表中 ${hooks} 条`);
  }
  if (receivers.webhooks.mismatched || receivers.webhooks.badSignatures) problems.push('推送重发内容不同或签名无效');
  for (const t of byNo.values()) {
    const got = receivers.webhooks.events.filter((e) => e.body.ticket?.no === t.no).map((e) => e.body.action);
    const want = (timeline.get(t.id) ?? []).map((e) => e.action);
    if (got.join() !== want.join()) problems.push(`工单 ${t.no}：推送 ${got.join(',')}，时间线 ${want.join(',')}`);
  }
  return problems;
}
