// Login throttles, counted BEFORE a password or code is checked: each attempt first bumps its
// buckets' counters in one atomic upsert (a row lock on PostgreSQL, the write lock on SQLite, so it
// holds across processes) and is checked only if the count it got back is within the limit. Forty
// concurrent guesses on one username thus get the numbers 1..40 and only the first five are checked.
//
// Buckets: the username (GB/T 22239-2019 8.1.4.1 b: 登录失败处理; counted whether or not the account
// exists, so the answer tells nothing about which names exist), the client address (request.ip,
// across usernames) and the whole platform. Usernames and addresses are kept as hashes. A window
// starts at its first attempt and lasts the limit's minutes; a locked bucket opens when it ends.
// A successful login clears its username's count and gives back its address's and the platform's
// one, so those count failures (and attempts still being checked), not logins.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../store/db.ts';
import type { AttemptLimit } from '../domain/account-security.ts';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export const usernameKey = (username: string) => hash(username.normalize('NFKC').toLowerCase());

export const bucketOf = {
  user: (username: string) => `user:${usernameKey(username)}`,
  client: (ip: string) => `client:${hash(ip)}`,
  global: () => 'global',
};

export interface Taken {
  bucket: string;
  /** This attempt's number in the window. */
  attempts: number;
  /** The window's end: until then the bucket stays locked once over the limit. */
  until: string;
  over: boolean;
}

/** Counts one attempt against the bucket, then answers whether it is within the limit. */
export async function takeAttempt(db: Db | Tx, bucket: string, limit: AttemptLimit, now: string): Promise<Taken> {
  const since = new Date(Date.parse(now) - limit.minutes * 60_000).toISOString();
  const live = sql<boolean>`login_attempts.window_start > ${since}`;
  const row = await db
    .insertInto('login_attempts')
    .values({ bucket, attempts: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('bucket').doUpdateSet({
        attempts: sql<number>`case when ${live} then login_attempts.attempts + 1 else 1 end`,
        window_start: sql<string>`case when ${live} then login_attempts.window_start else ${now} end`,
      }),
    )
    .returning(['attempts', 'window_start'])
    .executeTakeFirstOrThrow();
  const attempts = Number(row.attempts);
  const until = new Date(Date.parse(String(row.window_start)) + limit.minutes * 60_000).toISOString();
  return { bucket, attempts, until, over: attempts > limit.attempts };
}

/** Gives an attempt back: it was refused unchecked, or it succeeded and only failures count. */
export async function giveBack(db: Db | Tx, bucket: string): Promise<void> {
  await db.updateTable('login_attempts').set({ attempts: sql`attempts - 1` }).where('bucket', '=', bucket).where('attempts', '>', 0).execute();
}

export async function clearAttempts(db: Db | Tx, bucket: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('bucket', '=', bucket).execute();
}
