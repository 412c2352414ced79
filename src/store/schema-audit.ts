// Tables of the audit log's archive (src/audit/archive.ts): one row per archive file, the tickets
// whose events went into it, and (SQLite only) the gate the archiving transaction opens.
import type { Generated } from 'kysely';

/** One archived prefix of the audit chain: its range, its ends' hashes and its file's hash. */
export interface AuditArchiveTable {
  id: Generated<number>;
  /** `--before` month (YYYY-MM, Asia/Shanghai): every archived event is earlier than its first day. */
  before_month: string;
  first_seq: number;
  last_seq: number;
  first_event_id: number;
  last_event_id: number;
  /** The hash the first archived event links to (the previous archive's last hash, or the genesis). */
  first_prev_hash: string;
  /** The last archived event's hash: the anchor the online chain continues from. */
  last_hash: string;
  event_count: number;
  first_at: string;
  last_at: string;
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  /** 'unit:CODE' / 'category:CODE' → fields admins changed, from the archived events (JSON). */
  admin_edits: string;
  archived_at: string;
}

/** Per ticket, how many of its events an archive holds (for the ticket's timeline note). */
export interface AuditArchiveTicketTable {
  archive_id: number;
  ticket_id: number;
  event_count: number;
}

/** SQLite: a row here, for the archiving transaction only, lets the trigger allow that archive's DELETE. */
export interface AuditArchiveGateTable {
  archive_id: number;
}

/**
 * PostgreSQL only: a committing transaction's audit events, chained by a trigger inside its COMMIT
 * and deleted there (src/store/migrations/2026-12-18-audit-chain-at-commit.ts), so no committed row remains.
 */
export interface AuditPendingTable {
  id: Generated<number>;
  /** JSON [{ row, tail }]: each event's columns and its canonical content after the id. */
  batch: string;
}
