// Row types of the public portal's and the 好差评 handling's tables (see ./migrations/2026-11-30-portal.ts).
import type { Generated } from 'kysely';

/** A secret the portal signs its captcha and photo tokens with, shared by every process. */
export interface PortalSecretTable {
  name: string;
  value: string;
  created_at: string;
}

/** A photo a requester attached on the portal; the file lives under the data dir. */
export interface PortalPhotoTable {
  id: Generated<number>;
  ticket_id: number;
  /** The photo's name (1.jpg …); before the bytes moved into the store, its path under the data directory. */
  file: string;
  /** The bytes; empty only for a row from before, until the start adopts its file. */
  data: Buffer | null;
  mime: string;
  size: number;
  created_at: string;
}

/** The requester's own 好差评 of a ticket on the portal, once per ticket (一事一评). */
export interface PortalRatingTable {
  id: Generated<number>;
  ticket_id: number;
  level: string;
  comment: string | null;
  /** The reply (accepted by the centre's review) the rating was given on. */
  submission_id: number | null;
  created_at: string;
}

/** An SMS code sent for rating a ticket: only its salted HMAC is kept (see ./migrations/2026-12-21-portal-credential.ts). */
export interface PortalCodeTable {
  id: Generated<number>;
  ticket_id: number;
  salt: string;
  code_hash: string;
  attempts: Generated<number>;
  sent_at: string;
  expires_at: string;
  used_at: string | null;
}

/** The handling of one 差评: verify, rectify or explain, call back; appeal and decision. */
export interface RatingReviewTable {
  id: Generated<number>;
  ticket_id: number;
  source: string;
  level: string;
  comment: string | null;
  unit_id: number | null;
  status: string;
  classification: string | null;
  verify_note: string | null;
  verify_due_at: string;
  verify_yellow_at: string;
  verified_by: number | null;
  verified_at: string | null;
  rectify_due_at: string | null;
  rectify_yellow_at: string | null;
  rectify_outcome: string | null;
  rectify_content: string | null;
  rectified_by: number | null;
  rectified_at: string | null;
  appeal_reason: string | null;
  appeal_due_at: string | null;
  appeal_yellow_at: string | null;
  appealed_by: number | null;
  appealed_at: string | null;
  appeal_decision: string | null;
  appeal_note: string | null;
  decided_by: number | null;
  decided_at: string | null;
  callback_due_at: string | null;
  callback_yellow_at: string | null;
  callback_result: string | null;
  callback_note: string | null;
  called_by: number | null;
  called_at: string | null;
  provisional: Generated<number>;
  created_at: string;
  updated_at: string;
}
