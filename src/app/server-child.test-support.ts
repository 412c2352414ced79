// For the fault tests and the soak: a real `hotline serve` process on 127.0.0.1 on a store of its
// own, users made straight in that store, an HTTP SMS gateway stand-in that drops repeats by request
// id, and a small API client. Every wait has a deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootstrap } from './bootstrap.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Store } from '../store/db.ts';
import type { Role } from '../domain/roles.ts';
import { freshDatabase, type Engine, type TestDatabase } from '../../test/support/databases.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'hotline.js');

export async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => r(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A fresh store (SQLite file in its own directory, or a new PostgreSQL database), migrated, with these users. */
export class FaultStore {
  private constructor(
    readonly engine: Engine,
    readonly dataDir: string,
    private readonly database: TestDatabase | null,
  ) {}

  static async create(engine: Engine, users: Record<string, [Role, string | null]>, password: string): Promise<FaultStore> {
    const dataDir = mkdtempSync(join(tmpdir(), 'hotline-fault-'));
    const database = engine === 'postgres' ? await freshDatabase('postgres') : null;
    const store = new FaultStore(engine, dataDir, database);
    const ctx = await bootstrap({ databaseUrl: store.url, dataDir });
    try {
      const hash = await hashPassword(password);
      for (const [username, [role, unit]] of Object.entries(users)) {
        const unitId = unit ? ctx.org.byCodeOrUndefined(unit)!.id : null;
        await ctx.store.db.insertInto('users').values({ username, display_name: username, password_hash: hash, role, unit_id: unitId, active: 1, created_at: new Date().toISOString() }).execute();
      }
    } finally {
      await ctx.store.close();
    }
    return store;
  }

  get url(): string | undefined {
    return this.database?.url;
  }

  /** The store opened as the server opens it, for the checks after a run. */
  async open(): Promise<Store> {
    return (await bootstrap({ databaseUrl: this.url, dataDir: this.dataDir })).store;
  }

  async drop(): Promise<void> {
    await this.database?.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** `hotline serve` as a child process on a free port of 127.0.0.1. */
export class ServerChild {
  private constructor(
    readonly child: ChildProcess,
    readonly base: string,
  ) {}

  static async start(store: FaultStore, extraEnv: NodeJS.ProcessEnv = {}, startSeconds = 120): Promise<ServerChild> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOTLINE_DATA_DIR: store.dataDir,
      HOTLINE_DATABASE_URL: store.url ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...extraEnv,
    };
    const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    // The server's own log (warnings and errors only) stays available for a failing run.
    const server = new ServerChild(child, `http://127.0.0.1:${port}`);
    child.stderr!.on('data', (d: Buffer) => {
      server.stderr += d.toString('utf8');
      if (server.stderr.length > 200_000) server.stderr = server.stderr.slice(-100_000);
    });
    await until(
      'the server to answer',
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited during start: ${server.stderr.slice(-2000)}`);
        return fetch(`${server.base}/healthz`).then((r) => r.ok, () => false);
      },
      startSeconds * 1000,
    );
    return server;
  }

  stderr = '';

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await Promise.race([exited, sleep(15_000)]);
    if (this.running) {
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}

/** Quick relay schedules for a server child: every 100 ms, leases of 1.5 s, retries capped at 400 ms. */
export function relayEnv(sms: SmsReceiver): NodeJS.ProcessEnv {
  return {
    HOTLINE_SMS_GATEWAY_URL: sms.url,
    HOTLINE_SMS_INTERVAL_MS: '100',
    HOTLINE_SMS_LEASE_MS: '1500',
    HOTLINE_WEBHOOK_INTERVAL_MS: '100',
    HOTLINE_WEBHOOK_BACKOFF_CAP_MS: '400',
    HOTLINE_WEBHOOK_LEASE_MS: '1500',
    HOTLINE_WEBHOOK_TIMEOUT_MS: '1000',
  };
}

export interface Answer {
  status: number;
  body: any;
  /** Set when no HTTP answer came (connection refused or cut). */
  error?: string;
}

/** Bearer-token API calls; a request that gets no answer resolves with status 0. */
export class ApiClient {
  constructor(
    readonly base: string,
    private token = '',
  ) {}

  static async login(base: string, username: string, password: string): Promise<ApiClient> {
    const res = await new ApiClient(base).request('POST', '/api/v1/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return new ApiClient(base, res.body.token);
  }

  async request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, timeoutMs = 20_000): Promise<Answer> {
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed };
    } catch (err) {
      return { status: 0, body: null, error: String((err as Error).message) };
    }
  }
}

export interface SmsRequest {
  requestId: string;
  raw: string;
  body: any;
}

/**
 * The operator's SMS gateway as HttpSmsGateway calls it, on 127.0.0.1: accepts each request id once
 * (a repeat must be byte-identical and is answered 200 without counting), can answer slowly.
 */
export class SmsReceiver {
  accepted: SmsRequest[] = [];
  duplicates = 0;
  mismatched = 0;
  delayMs = 0;
  url = '';
  private seen = new Map<string, string>();
  private server: Server;

  constructor() {
    this.server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(raw);
        const first = this.seen.get(body.requestId);
        if (first !== undefined) {
          this.duplicates++;
          if (first !== raw) this.mismatched++;
        } else {
          this.seen.set(body.requestId, raw);
          this.accepted.push({ requestId: body.requestId, raw, body });
        }
        const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: `P-${body.requestId}` }));
        if (this.delayMs) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/sms`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
