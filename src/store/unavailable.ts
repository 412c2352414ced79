// Errors that say the store could not be reached or dropped the connection (PostgreSQL restarted,
// a backend terminated, the network cut): no fault of the request, which the API then answers with
// 503 and a Chinese message instead of 500. The pool replaces the dead connection by itself.

/**
 * SQLSTATE codes of a lost or refused connection: class 08, and admin/crash shutdown, cannot connect
 * now, too many connections; and a write refused by a node that is no longer the primary (failover).
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '25006']);
/** What node-postgres says when the socket of a connection in use dies or was already dead. */
const PG_MESSAGES = /^(Connection terminated|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect)/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

export function isStoreUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (SQLSTATES.has(code) || code.startsWith('08') || SOCKET_CODES.has(code))) return true;
  return typeof message === 'string' && PG_MESSAGES.test(message);
}

export const STORE_UNAVAILABLE = { type: 'urn:hotline:problem:store-unavailable', title: '数据库连接中断，请稍后重试', status: 503 } as const;

/**
 * The COMMIT of a transaction was sent and the connection died before its answer: it may or may not
 * have committed. Never tried again blindly (it could happen twice) and never answered as done; the
 * client is told to look before it repeats.
 */
export class CommitUnknown extends Error {
  constructor(override readonly cause: unknown) {
    super('commit outcome unknown: the connection was lost during COMMIT');
  }
}

export const COMMIT_UNKNOWN = {
  type: 'urn:hotline:problem:commit-unknown',
  title: '数据库连接在提交时中断，本次操作可能已生效也可能未生效：请先查询确认，再决定是否重试',
  status: 503,
} as const;

/** Retry-After (seconds) of a 503 for a store that is failing over: a new primary takes some seconds. */
export const STORE_RETRY_AFTER_SECONDS = '5';
