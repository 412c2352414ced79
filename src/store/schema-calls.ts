// Row types of call handling's tables (see ./migrations/2026-12-06-calls.ts).
import type { Generated } from 'kysely';

export interface CallTable {
  id: Generated<number>;
  switch_id: number;
  switch_call_id: string;
  /** Sealed (./field-crypto-plugin.ts); lookups go through caller_hash, which the store fills. */
  caller: string | null;
  caller_hash: Generated<string | null>;
  trunk: string | null;
  queue: string;
  agent: string | null;
  ringing_agent: string | null;
  offered_at: string;
  queued_at: string | null;
  ringing_at: string | null;
  answered_at: string | null;
  abandoned_at: string | null;
  ended_at: string | null;
  status: string;
  outcome: string | null;
  /** JSON { mode, target, at } */
  transfer: string | null;
  recording_url: string | null;
  transcript: string | null;
  ticket_id: number | null;
  restricted: number;
  restriction_id: number | null;
  wrap_up_seconds: number | null;
  local_day: string;
  last_seq: number;
  event_count: number;
  updated_at: string;
}

export interface CallEventTable {
  id: Generated<number>;
  switch_id: number;
  switch_call_id: string;
  seq: number;
  type: string;
  at: string;
  received_at: string;
  /** The event as the switch sent it (JSON), sealed whole. */
  payload: string;
}

export interface SeatTable {
  agent: string;
  state: string;
  reason: string | null;
  since: string;
  call_id: number | null;
  message_id: number | null;
  wrap_up_until: string | null;
  /** JSON array of queue codes */
  skills: string;
  updated_at: string;
}

export interface SeatIntervalTable {
  id: Generated<number>;
  agent: string;
  state: string;
  reason: string | null;
  call_id: number | null;
  from_at: string;
  to_at: string;
}

export interface CallRestrictionTable {
  id: Generated<number>;
  /** Sealed; lookups go through phone_hash, which the store fills. */
  phone: string;
  phone_hash: Generated<string | null>;
  reason: string;
  note: string | null;
  days: number;
  /** pending → active → (expired, derived from expires_at) | revoked; pending → withdrawn */
  status: string;
  requested_by: number;
  requested_at: string;
  approved_by: number | null;
  approved_at: string | null;
  expires_at: string | null;
  revoked_by: number | null;
  revoked_at: string | null;
  revoke_reason: string | null;
}

export interface MissedCallTable {
  id: Generated<number>;
  call_id: number;
  /** Sealed; lookups go through caller_hash, which the store fills. */
  caller: string | null;
  caller_hash: Generated<string | null>;
  queue: string;
  missed_at: string;
  /** open → claimed → done */
  status: string;
  claimed_by: string | null;
  claimed_at: string | null;
  attempts: number;
  last_outcome: string | null;
  done_at: string | null;
  created_at: string;
}

export interface MissedCallAttemptTable {
  id: Generated<number>;
  missed_call_id: number;
  agent: string;
  outcome: string;
  note: string | null;
  at: string;
}

export interface MessageTable {
  id: Generated<number>;
  source_key_id: number;
  external_id: string | null;
  channel: string;
  sender: string;
  text: string;
  received_at: string;
  local_day: string;
  /** waiting → assigned → answered */
  status: string;
  agent: string | null;
  assigned_at: string | null;
  first_reply_at: string | null;
  reply_seconds: number | null;
}

export interface MessageReplyTable {
  id: Generated<number>;
  message_id: number;
  agent: string;
  text: string;
  at: string;
}
