// Helpers for the ticket-handling integration suites: Shanghai local times for the clock, tickets
// with their own requester phone, duty look-ups, and refusals that must leave everything unchanged.
import assert from 'node:assert/strict';
import { intakeBody, tableCounts, type Response, type TestApp } from './app.ts';

/** '2026-03-02T09:00' or '2026-03-02T09:00:30' in Shanghai → the UTC ISO instant for the clock. */
export function sh(local: string): string {
  const withSeconds = /T\d{2}:\d{2}$/.test(local) ? `${local}:00` : local;
  const ms = Date.parse(`${withSeconds}+08:00`);
  if (Number.isNaN(ms)) throw new Error(`bad local time ${local}`);
  return new Date(ms).toISOString();
}

/** Sets the test clock to a Shanghai local time. */
export function setClock(t: TestApp, local: string): void {
  t.clock.set(sh(local));
}

/** How the API shows an instant given in Shanghai local time. */
export function shown(local: string): string {
  const withSeconds = /T\d{2}:\d{2}$/.test(local) ? `${local}:00` : local;
  return `${withSeconds}+08:00`;
}

let phoneSeq = 0;
/** A requester phone no other ticket of this process uses (the duplicate guard keys on it). */
export function nextPhone(): string {
  phoneSeq += 1;
  return `139${String(phoneSeq).padStart(8, '0')}`;
}

export type Ticket = Record<string, any>;
export type Duty = Record<string, any>;

/** Records and dispatches a ticket through intake (默认: 物业投诉 → 住建局 ZJJ, 15 个工作日). */
export async function newTicket(t: TestApp, overrides: Record<string, unknown> = {}, by = 'agent1'): Promise<Ticket> {
  const body = intakeBody({ requester: { kind: 'person', name: '李明远', phone: nextPhone() }, ...overrides });
  const res = await (await t.as(by)).post('/api/v1/tickets', body);
  assert.equal(res.status, 201, `intake failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function view(t: TestApp, no: string, by = 'admin'): Promise<Ticket> {
  const res = await (await t.as(by)).get(`/api/v1/tickets/${no}`);
  assert.equal(res.status, 200, `GET ${no} as ${by}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function act(t: TestApp, by: string, no: string, action: string, body: unknown = {}): Promise<Response> {
  return (await t.as(by)).act(no, action, body);
}

/** Runs an action that must succeed and returns the ticket as the answer shows it. */
export async function ok(t: TestApp, by: string, no: string, action: string, body: unknown = {}): Promise<Ticket> {
  const res = await act(t, by, no, action, body);
  assert.equal(res.status, 200, `${by} ${action} on ${no}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface DutyFilter {
  kind?: string;
  party?: string;
  unit?: string;
  status?: string;
  round?: number;
}

export function dutiesOf(ticket: Ticket, f: DutyFilter = {}): Duty[] {
  return (ticket.duties as Duty[]).filter(
    (d) =>
      (f.kind === undefined || d.kind === f.kind) &&
      (f.party === undefined || d.party === f.party) &&
      (f.unit === undefined || d.unit?.code === f.unit) &&
      (f.status === undefined || d.status === f.status) &&
      (f.round === undefined || d.round === f.round),
  );
}

/** The one duty matching the filter (fails when there is none or more than one). */
export function duty(ticket: Ticket, f: DutyFilter): Duty {
  const found = dutiesOf(ticket, f);
  assert.equal(found.length, 1, `expected one duty ${JSON.stringify(f)}, found ${JSON.stringify(found)}`);
  return found[0];
}

async function snapshot(t: TestApp, no: string | null) {
  return { counts: await tableCounts(t.ctx), ticket: no ? await view(t, no) : null };
}

/**
 * Runs a request that must be refused with `status` (and a problem title matching `title`), and
 * checks that no table row count and nothing of the ticket changed.
 */
export async function refused(
  t: TestApp,
  no: string | null,
  request: () => Promise<Response>,
  status: number,
  title?: RegExp,
): Promise<Response> {
  const before = await snapshot(t, no);
  const res = await request();
  assert.equal(res.status, status, `expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  assert.equal(res.body.status, status);
  if (title) assert.match(res.body.title, title);
  const after = await snapshot(t, no);
  assert.deepEqual(after, before, 'a refused request changed something');
  return res;
}

/** Outbox messages as stored (payload parsed), oldest first. */
export async function outbox(t: TestApp): Promise<Array<{ id: number; topic: string; payload: Record<string, any>; created_at: string }>> {
  const rows = await t.ctx.store.db.selectFrom('outbox').select(['id', 'topic', 'payload', 'created_at']).orderBy('id').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), payload: JSON.parse(r.payload) }));
}

export async function outboxSince(t: TestApp, afterId: number) {
  return (await outbox(t)).filter((m) => m.id > afterId);
}

export async function lastOutboxId(t: TestApp): Promise<number> {
  const all = await outbox(t);
  return all.length ? all[all.length - 1].id : 0;
}

export async function events(t: TestApp, no: string, by = 'admin'): Promise<Array<Record<string, any>>> {
  const res = await (await t.as(by)).get(`/api/v1/tickets/${no}/events`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

/** Signs as the lead unit's staff and replies: the ticket is then 待审核 (replied). */
export async function signAndReply(t: TestApp, no: string, unitUser = 'zjj.staff'): Promise<Ticket> {
  await ok(t, unitUser, no, 'sign');
  return ok(t, unitUser, no, 'reply', { content: '已联系物业公司，楼道垃圾已于当日清运完毕，并约定每日清理。' });
}

/** A new ticket brought to 待回访 (callback): dispatched, signed, replied, review passed. */
export async function ticketInCallback(t: TestApp, overrides: Record<string, unknown> = {}): Promise<Ticket> {
  const created = await newTicket(t, overrides);
  await signAndReply(t, created.no);
  const reviewed = await ok(t, 'centre1', created.no, 'review', { pass: true });
  assert.equal(reviewed.status, 'callback');
  return reviewed;
}

/** A new ticket brought to 已办结 (closed) with a satisfied callback. */
export async function closedTicket(t: TestApp, overrides: Record<string, unknown> = {}): Promise<Ticket> {
  const inCallback = await ticketInCallback(t, overrides);
  const closed = await ok(t, 'centre1', inCallback.no, 'callback', { reached: true, satisfaction: 'satisfied' });
  assert.equal(closed.status, 'closed');
  return closed;
}
