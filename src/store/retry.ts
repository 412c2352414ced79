// Riding out a PostgreSQL failover. While Patroni promotes a standby, connections are cut (the old
// primary dies or HAProxy shuts its sessions), refused (no primary yet) or land on a node that turned
// read-only. Work is tried again when trying again cannot do it twice:
// - a statement outside a transaction that only reads;
// - a transaction that failed before its COMMIT was sent (PostgreSQL committed nothing of it);
// - a transaction whose COMMIT got no answer, only when the caller can find out whether it committed
//   (its key: a ticket's external id) — otherwise its outcome is unknown and the client is told so.
// Each try takes a fresh connection; the budget is HOTLINE_STORE_RETRY_MS (default 15 s), after which
// the request is answered 503 with Retry-After (src/app/app.ts).
import type pg from 'pg';
import { PostgresDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';
import { isStoreUnavailable } from './unavailable.ts';

/** SQLSTATEs after which the same work, tried again, can succeed: read-only after demotion, serialization failure, deadlock. */
const TRANSIENT_SQLSTATES = new Set(['25006', '40001', '40P01']);

/** Whether trying the work again on a fresh connection may succeed. */
export function isTransientStoreError(err: unknown): boolean {
  if (isStoreUnavailable(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_SQLSTATES.has(code);
}

export function retryBudgetMs(env = process.env): number {
  const n = Number(env.HOTLINE_STORE_RETRY_MS);
  return Number.isFinite(n) && n >= 0 && env.HOTLINE_STORE_RETRY_MS !== '' && env.HOTLINE_STORE_RETRY_MS !== undefined ? n : 15_000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits before try `attempt` (1 = the first retry): 100 ms doubling to 1 s, never past `deadline`; false when the budget is spent. */
export async function backoff(attempt: number, deadline: number): Promise<boolean> {
  const left = deadline - Date.now();
  if (left <= 0) return false;
  await sleep(Math.min(left, 100 * 2 ** Math.min(attempt - 1, 4), 1_000));
  return true;
}

/**
 * A connection that lands on a demoted node answers every write with 25006 while it stays open; the pool
 * must not hand it out again. Such clients are marked and destroyed on release, so the next checkout
 * connects anew (through HAProxy, to the new primary).
 */
export function dropReadOnlyConnections(pool: pg.Pool): void {
  const marked = new WeakSet<object>();
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (result && typeof (result as Promise<unknown>).catch === 'function') {
        (result as Promise<unknown>).catch((err: { code?: string }) => {
          if (err?.code === '25006') marked.add(client);
        });
      }
      return result;
    };
  });
  pool.on('acquire', (client) => {
    const release = client.release;
    client.release = (err?: Error | boolean) => release(err ?? (marked.has(client) ? new Error('connection to a read-only node') : undefined));
  });
}

const READ_ONLY_STATEMENT = /^\s*(select|with|show|values)\b/i;
const WRITES = /\b(insert|update|delete|merge|for\s+share|nextval|setval|pg_advisory\w*|pg_terminate_backend)\b/i;

/** A statement that changes nothing, so running it twice is harmless. */
export function isReadOnlyStatement(sqlText: string): boolean {
  return READ_ONLY_STATEMENT.test(sqlText) && !WRITES.test(sqlText);
}

/** A connection that, outside a transaction, runs a failed read again on a fresh connection. */
class RetryingConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(
    private readonly driver: Driver,
    public inner: DatabaseConnection,
    private readonly budgetMs: number,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const text = query.sql.trimStart().slice(0, 32).toLowerCase();
    if (text.startsWith('begin') || text.startsWith('start transaction')) this.inTransaction = true;
    const retryable = !this.inTransaction && isReadOnlyStatement(query.sql);
    const deadline = Date.now() + this.budgetMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.inner.executeQuery<R>(query);
        if (text.startsWith('commit') || text.startsWith('rollback')) this.inTransaction = false;
        return result;
      } catch (err) {
        if (text.startsWith('commit') || text.startsWith('rollback')) this.inTransaction = false;
        if (!retryable || !isTransientStoreError(err) || !(await backoff(attempt, deadline))) throw err;
        // The failed connection goes back to the pool, which drops it (it is no longer queryable).
        await this.driver.releaseConnection(this.inner);
        this.inner = await this.acquireWithin(deadline, attempt, err);
      }
    }
  }

  /** A fresh connection, retrying refused connects until the deadline (a failover leaves no primary for seconds). */
  private async acquireWithin(deadline: number, attempt: number, lastError: unknown): Promise<DatabaseConnection> {
    for (let n = attempt; ; n++) {
      try {
        return await this.driver.acquireConnection();
      } catch (err) {
        if (!isTransientStoreError(err) || !(await backoff(n + 1, deadline))) {
          // Nothing to give back to the pool: hold a placeholder that fails like the store.
          this.inner = deadConnection(err ?? lastError);
          throw err;
        }
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

const DEAD = Symbol('dead');
function deadConnection(err: unknown): DatabaseConnection & { [DEAD]: true } {
  return {
    [DEAD]: true,
    executeQuery: () => Promise.reject(err),
    streamQuery: () => {
      throw err;
    },
  };
}

class RetryingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly budgetMs: number,
  ) {}
  init() {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const deadline = Date.now() + this.budgetMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return new RetryingConnection(this.inner, await this.inner.acquireConnection(), this.budgetMs);
      } catch (err) {
        if (!isTransientStoreError(err) || !(await backoff(attempt, deadline))) throw err;
      }
    }
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.inner.rollbackTransaction(connection);
  }
  async releaseConnection(connection: DatabaseConnection) {
    const inner = (connection as RetryingConnection).inner;
    if (!(DEAD in inner)) await this.inner.releaseConnection(inner);
  }
  destroy() {
    return this.inner.destroy();
  }
}

/** PostgreSQL whose reads outside transactions, and whose connects, ride out a failover. */
export class RetryingPostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly budgetMs = retryBudgetMs(),
  ) {
    super(config);
  }
  override createDriver(): Driver {
    return new RetryingDriver(super.createDriver(), this.budgetMs);
  }
}
