// A running application on a fresh database for integration tests, with a clock the test moves
// and logged-in clients for every demo role. Requests go through the real HTTP stack (inject).
import { describe } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { bootstrap } from '../../src/app/bootstrap.ts';
import { buildApp } from '../../src/app/app.ts';
import { ManualClock, type AppContext } from '../../src/server/context.ts';
import { hashPassword } from '../../src/auth/passwords.ts';
import type { Role } from '../../src/domain/roles.ts';
import type { CityConfig } from '../../src/config/city.ts';
import { freshDatabase, testEngines, type Engine, type TestDatabase } from './databases.ts';

export const PASSWORD = 'test-password';

/** The users every test app has: username → [role, unit code]. */
export const TEST_USERS: Record<string, [Role, string | null]> = {
  agent1: ['agent', 'MDJ12345'],
  lead1: ['team_lead', 'MDJ12345'],
  centre1: ['centre', 'MDJ12345'],
  authority1: ['authority', 'YSJ'],
  admin: ['admin', null],
  'zjj.staff': ['unit_staff', 'ZJJ'],
  'zjj.head': ['unit_head', 'ZJJ'],
  'scjgj.staff': ['unit_staff', 'SCJGJ'],
  'scjgj.head': ['unit_head', 'SCJGJ'],
  'daq.staff': ['unit_staff', 'DAQ'],
  'daq.head': ['unit_head', 'DAQ'],
  'xajd.staff': ['unit_staff', 'DAQ-XAJD'],
  'rdgs.staff': ['unit_staff', 'RDGS'],
};

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export interface Client {
  username: string;
  get<T = any>(url: string): Promise<Response<T>>;
  post<T = any>(url: string, body?: unknown): Promise<Response<T>>;
  put<T = any>(url: string, body?: unknown): Promise<Response<T>>;
  /** POST /api/v1/tickets/{no}/actions/{action} */
  act<T = any>(no: string, action: string, body?: unknown): Promise<Response<T>>;
}

export interface TestApp {
  engine: Engine;
  /** The database, for a second server on it (as `hotline serve --workers N` runs several). */
  database: TestDatabase;
  app: FastifyInstance;
  ctx: AppContext;
  clock: ManualClock;
  as(username: keyof typeof TEST_USERS | string): Promise<Client>;
  close(): Promise<void>;
}

let cachedHash: Promise<string> | undefined;

export async function startTestApp(engine: Engine, options: { now?: string; city?: CityConfig; users?: Record<string, [Role, string | null]> } = {}): Promise<TestApp> {
  const database: TestDatabase = await freshDatabase(engine);
  const clock = new ManualClock(options.now ?? '2026-03-02T01:00:00.000Z'); // Monday 09:00 in Shanghai
  const ctx = await bootstrap({ databaseUrl: database.url, sqliteFile: database.sqliteFile, clock, city: options.city });
  cachedHash ??= hashPassword(PASSWORD);
  const hash = await cachedHash;
  for (const [username, [role, unit]] of Object.entries(options.users ?? TEST_USERS)) {
    await ctx.store.db
      .insertInto('users')
      .values({ username, display_name: username, password_hash: hash, role, unit_id: unit ? ctx.org.byCodeOrUndefined(unit)!.id : null, active: 1, created_at: clock.now() })
      .execute();
  }
  const app = await buildApp(ctx);
  // Sessions expire after some hours of the test clock: log in again once the cached one has.
  const tokens = new Map<string, { token: string; expiresAt: string }>();
  const tokenFor = async (username: string): Promise<string> => {
    const cached = tokens.get(username);
    if (cached && Date.parse(cached.expiresAt) > Date.parse(clock.now())) return cached.token;
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    const session = JSON.parse(res.body) as { token: string; expiresAt: string };
    tokens.set(username, { token: session.token, expiresAt: session.expiresAt });
    return session.token;
  };

  const request = async (username: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<Response> => {
    const token = await tokenFor(username);
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
    let parsed: unknown = res.body;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body: parsed, headers: res.headers };
  };

  return {
    engine,
    database,
    app,
    ctx,
    clock,
    async as(username) {
      const t = String(username);
      await tokenFor(t);
      return {
        username,
        get: (url) => request(t, 'GET', url),
        post: (url, body) => request(t, 'POST', url, body ?? {}),
        put: (url, body) => request(t, 'PUT', url, body ?? {}),
        act: (no, action, body) => request(t, 'POST', `/api/v1/tickets/${no}/actions/${action}`, body ?? {}),
      };
    },
    async close() {
      await app.close();
      await ctx.store.close();
      await database.drop();
    },
  };
}

/** Declares the suite once per engine this run can test: `[sqlite]`, and `[postgres]` when a cluster runs. */
export function describeEachEngine(name: string, body: (engine: Engine) => void): void {
  for (const engine of testEngines()) describe(`${name} [${engine}]`, () => body(engine));
}

/** A valid intake body; override any field. Dispatches a complaint about property management to 住建局 by default. */
export function intakeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: 'phone',
    type: 'complaint',
    categoryCode: 'ZFWY-WY',
    requester: { kind: 'person', name: '张三丰', phone: '13812345678' },
    facts: '小区物业长期不清理楼道垃圾，多次联系物业无果',
    address: '东安区新安街道光华小区3号楼',
    disposition: 'dispatch',
    ...overrides,
  };
}

/** Rows in the tables a rejected request must not touch: compare before and after. */
export async function tableCounts(ctx: AppContext): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['tickets', 'duties', 'events', 'outbox', 'unit_requests', 'submissions', 'callbacks', 'ticket_links', 'counters', 'reply_attachments'] as const) {
    // A refused request writes its own audit event with outcome failure (src/audit/refusals.ts) and nothing else.
    const row = await ctx.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .$if(table === 'events', (q) => q.where(sql.ref('outcome'), '=', 'success'))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

/** Where a test app's store lives, for commands and second connections: its SQLite file or its PostgreSQL database's URL. */
export async function storeLocation(t: TestApp): Promise<{ engine: Engine; sqliteFile?: string; url?: string }> {
  if (t.engine === 'sqlite') {
    const list = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(t.ctx.store.db);
    return { engine: t.engine, sqliteFile: list.rows[0]!.file };
  }
  const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(t.ctx.store.db);
  const url = new URL(process.env.HOTLINE_TEST_PG_URL!);
  url.pathname = `/${rows[0]!.db}`;
  return { engine: t.engine, url: url.toString() };
}
