// The push channel: a unit's open console socket is sent each ticket dispatched to it as it is
// written, by any server process on the database (here a second server, as `--workers` runs
// them), without personal data, and only to that unit; a refused dispatch sends nothing; a
// reconnecting console is sent what it missed; the socket needs a session from the console's own
// origin and closes when the session ends.
process.env.HOTLINE_NOTIFY_POLL_MS = '100';
process.env.HOTLINE_NOTIFY_SESSION_CHECK_MS = '200';
import { before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { describeEachEngine, intakeBody, PASSWORD, startTestApp, type TestApp } from '../../test/support/app.ts';
import { nextPhone } from '../../test/support/handling.ts';
import { bootstrap } from '../app/bootstrap.ts';
import { buildApp } from '../app/app.ts';
import type { AppContext } from '../server/context.ts';

interface Socket {
  ws: WebSocket;
  messages: any[];
  /** Resolves with the first notification that `match` accepts, or fails after `ms`. */
  next(match: (n: any) => boolean, ms?: number): Promise<any>;
  closed: Promise<number>;
}

describeEachEngine('notification push', (engine) => {
  let t: TestApp;
  let other: { ctx: AppContext; app: FastifyInstance };
  let port: number;
  const tokens = new Map<string, string>();

  const login = async (username: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body).token as string;
  };
  const token = async (username: string) => {
    if (!tokens.has(username)) tokens.set(username, await login(username));
    return tokens.get(username)!;
  };

  /** Opens a socket on the second server; resolves once it is subscribed, or with the HTTP refusal. */
  const connect = (headers: Record<string, string>, query = ''): Promise<Socket | number> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/notifications/ws${query}`, { headers });
      const messages: any[] = [];
      const waiters: Array<() => void> = [];
      const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
      const socket: Socket = {
        ws,
        messages,
        closed,
        next: (match, ms = 5000) =>
          new Promise((res, rej) => {
            const look = () => {
              const found = messages.find((m) => m.type === 'notification' && match(m.notification));
              if (found) {
                clearTimeout(timer);
                res(found.notification);
                return true;
              }
              return false;
            };
            const timer = setTimeout(() => rej(new Error(`no notification within ${ms} ms: ${JSON.stringify(messages)}`)), ms);
            if (!look()) waiters.push(() => void look());
          }),
      };
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        messages.push(m);
        if (m.type === 'ready') resolve(socket);
        for (const w of waiters.splice(0)) w();
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', reject);
    });
  const connectAs = async (username: string, query = '') => {
    const s = await connect({ authorization: `Bearer ${await token(username)}` }, query);
    assert.ok(typeof s !== 'number', `${username} connects: ${s}`);
    return s as Socket;
  };
  const intake = async (overrides: Record<string, unknown> = {}) => {
    const res = await (await t.as('agent1')).post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '李明远', phone: nextPhone() }, ...overrides }));
    return res;
  };
  const count = async () => Number((await t.ctx.store.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  before(async () => {
    t = await startTestApp(engine);
    const ctx = await bootstrap({ databaseUrl: t.database.url, sqliteFile: t.database.sqliteFile, clock: t.clock });
    other = { ctx, app: await buildApp(ctx) };
    await other.app.listen({ host: '127.0.0.1', port: 0 });
    port = (other.app.server.address() as { port: number }).port;
  });
  after(async () => {
    await other?.app.close();
    await other?.ctx.store.close();
    await t?.close();
  });

  it('sends each dispatched ticket to the sockets of the units it went to, from another server, without personal data', async () => {
    const zjj = await connectAs('zjj.staff');
    const scjgj = await connectAs('scjgj.staff');
    const daq = await connectAs('daq.staff');
    const res = await intake({ dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['SCJGJ'] } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const no = res.body.no as string;
    const lead = await zjj.next((n) => n.title.includes(no));
    assert.equal(lead.kind, 'dispatch');
    assert.match(lead.title, /新派工单（主办）/);
    assert.equal(lead.link, `/tickets/${no}`);
    assert.match(lead.body, /投诉 · .* · 请于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 前签收/);
    const co = await scjgj.next((n) => n.title.includes(no));
    assert.match(co.title, /新派工单（协办）/);
    // Another unit hears nothing of it.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(daq.messages.filter((m) => m.type === 'notification').length, 0, JSON.stringify(daq.messages));
    const wire = JSON.stringify([...zjj.messages, ...scjgj.messages]);
    for (const personal of ['李明远', res.body.requester?.phone, '光华小区']) if (personal) assert.ok(!wire.includes(personal), `no ${personal} in the pushed notices`);
    // Persisted: the bell's list shows it unread, and it can be marked read.
    const unit = await t.as('zjj.staff');
    const list = await unit.get('/api/v1/supervision/notifications');
    const item = list.body.items.find((i: any) => i.id === lead.id);
    assert.equal(item?.read, false);
    const unread = list.body.unread;
    assert.equal((await unit.post(`/api/v1/supervision/notifications/${lead.id}/read`)).status, 200);
    assert.equal((await unit.get('/api/v1/supervision/notifications')).body.unread, unread - 1);
    for (const s of [zjj, scjgj, daq]) s.ws.close();
  });

  it('writes no notice for a dispatch that is refused', async () => {
    const before = await count();
    const res = await intake({ dispatch: { leadUnitCode: 'NOSUCH' } });
    assert.equal(res.status, 400);
    assert.equal(await count(), before);
  });

  it('sends a reconnecting console what it missed since the last notice it saw', async () => {
    const first = await connectAs('zjj.staff');
    const last = Number((await t.ctx.store.db.selectFrom('notifications').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0);
    first.ws.close();
    await first.closed;
    const missed = await intake();
    assert.equal(missed.status, 201);
    const again = await connectAs('zjj.staff', `?after=${last}`);
    const got = await again.next((n) => n.title.includes(missed.body.no), 2000);
    assert.ok(got.id > last);
    // Without a cursor a socket starts from now: nothing old is sent again.
    const fresh = await connectAs('zjj.staff');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fresh.messages.filter((m) => m.type === 'notification').length, 0);
    again.ws.close();
    fresh.ws.close();
  });

  it('needs a session from the console itself, and closes when the session ends', async () => {
    assert.equal(await connect({}), 401);
    const cookie = `hotline_session=${await token('zjj.head')}`;
    assert.equal(await connect({ cookie, origin: 'https://elsewhere.example' }), 403);
    const own = await connect({ cookie, origin: `http://127.0.0.1:${port}` });
    assert.ok(typeof own !== 'number', `own origin: ${own}`);
    (own as Socket).ws.close();
    const plain = await other.app.inject({ method: 'GET', url: '/api/v1/notifications/ws', headers: { authorization: `Bearer ${await token('zjj.head')}` } });
    assert.equal(plain.statusCode, 426);

    const session = await login('zjj.staff');
    const s = await connect({ authorization: `Bearer ${session}` });
    assert.ok(typeof s !== 'number');
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${session}` } });
    assert.ok(out.statusCode < 300, out.body);
    assert.equal(await (s as Socket).closed, 4401);
  });
});
