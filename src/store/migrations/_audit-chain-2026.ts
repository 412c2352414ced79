// The audit chain's links as the chain migrations of December 2026 computed them (a frozen copy of
// the audit module's canonical content): an event's hash covers `prev hash + "\n" + canonical
// content`, unkeyed SHA-256 before the audit key existed and HMAC-SHA-256 under it after.
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

/** The columns of an event that its hash covers. */
export interface ChainContent {
  id: number;
  at: string;
  user_id: number | null;
  role: string | null;
  unit_id: number | null;
  ticket_id: number | null;
  article_id: number | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  detail: string | null;
  outcome: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** Instants as the engines give them back (PostgreSQL normalizes to UTC milliseconds). */
function instant(v: unknown): string {
  const s = v instanceof Date ? v.toISOString() : String(v);
  const t = Date.parse(s);
  return Number.isNaN(t) ? s : new Date(t).toISOString();
}

/** The canonical content after its id: `[1,<id>,` + this is what the hash covers. */
export function canonicalTail(e: Omit<ChainContent, 'id'>): string {
  return JSON.stringify([
    instant(e.at),
    num(e.user_id),
    e.role ?? null,
    num(e.unit_id),
    num(e.ticket_id),
    num(e.article_id),
    e.action,
    e.from_status ?? null,
    e.to_status ?? null,
    e.detail ?? null,
    e.outcome,
  ]).slice(1);
}

export function canonical(e: ChainContent): string {
  return `[1,${JSON.stringify(num(e.id))},${canonicalTail(e)}`;
}

/** The unkeyed SHA-256 link of the chain before its key. */
export function legacyChainHash(prevHash: string, e: ChainContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(e)).digest('hex');
}
