// Row types of every table. Instants are UTC ISO strings on both engines (see ./db.ts);
// flags are 0/1 integers so SQLite and PostgreSQL read the same.
import type { Generated } from 'kysely';
import type { QcCaseDecisionTable, QcTranscriptTable, QualityReviewTable, QualitySampleTable } from './schema-quality.ts';
import type { PortalCodeTable, PortalPhotoTable, PortalRatingTable, PortalSecretTable, RatingReviewTable } from './schema-portal.ts';
import type { CallEventTable, CallRestrictionTable, CallTable, MessageReplyTable, MessageTable, MissedCallAttemptTable, MissedCallTable, SeatIntervalTable, SeatTable } from './schema-calls.ts';
import type { AuditArchiveGateTable, AuditArchiveTable, AuditArchiveTicketTable, AuditPendingTable } from './schema-audit.ts';

export interface UnitTable {
  id: Generated<number>;
  code: string;
  name: string;
  kind: string;
  parent_id: number | null;
  /** Materialised path of ids, '/1/5/12/', so a subtree is one LIKE prefix. */
  path: string;
  sms_phone: string | null;
  active: number;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  unit_id: number | null;
  active: number;
  created_at: string;
  /** 1 after an admin's password reset: the account may only change its password until it does. */
  must_change_password: Generated<number>;
}

export interface SessionTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface CategoryTable {
  id: Generated<number>;
  code: string;
  name: string;
  parent_id: number | null;
  default_unit_id: number | null;
  reply_limit_unit: string | null;
  reply_limit_amount: number | null;
  legal_basis: string | null;
  keywords: string | null;
  active: number;
  /** 第二十五条: mediation (行政调解类) | enforcement (执法办案类) | null. */
  case_class: string | null;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface TicketTable {
  id: Generated<number>;
  no: string;
  channel: string;
  origin: string;
  external_id: string | null;
  type: string;
  category_id: number | null;
  requester_kind: string;
  requester_name: string | null;
  requester_phone: string | null;
  requester_id_no: string | null;
  /** HMAC-SHA256 of the phone under the lookup key: what phone lookups match on (the phone itself is sealed). */
  requester_phone_hash: string | null;
  confidential: number;
  facts: string;
  address: string | null;
  district_unit_id: number | null;
  special: string;
  status: string;
  lead_unit_id: number | null;
  /** 1, 2, …: how many times the matter went to a unit for handling (再次办理 starts a new round). */
  round: number;
  /** Earliest due instant of its open duties: sorts the list by remaining time. */
  next_due_at: string | null;
  provisional: number;
  supervised: number;
  satisfaction: string | null;
  resolution: string | null;
  resolution_note: string | null;
  merged_into_id: number | null;
  repeat_count: number;
  call_id: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Where an Open311 request was located (WGS84), its address id and photo link, when given. */
  lat: number | null;
  long: number | null;
  address_id: string | null;
  media_url: string | null;
}

/** The e-mail an Open311 request came with (sealed): a contact until the agent adds a phone. */
export interface RequesterEmailTable {
  id: Generated<number>;
  ticket_id: number;
  email: string;
  created_at: string;
}

/** A webhook delivery given up on: refused with a 4xx (not 408/429) or out of attempts; replayable. */
export interface WebhookDeadLetterTable {
  id: Generated<number>;
  subscription_id: number;
  outbox_id: number;
  event_id: string;
  payload: string;
  ordering_key: string | null;
  attempts: number;
  last_error: string | null;
  /** rejected (a 4xx) | exhausted (the maximum attempts) */
  reason: string;
  created_at: string;
  dead_at: string;
  replayed_at: string | null;
}

/** A citizen's comment an Open311 client pushed (POST servicerequestupdates), once per client update id. */
export interface Open311UpdateTable {
  id: Generated<number>;
  ticket_id: number;
  api_key_id: number;
  client_update_id: string;
  description: string;
  status: string | null;
  media_url: string | null;
  created_at: string;
}

/** One obligation of one party with one deadline: sign, reply, opinion, first response, progress, settle. */
export interface DutyTable {
  id: Generated<number>;
  ticket_id: number;
  unit_id: number | null;
  /** A sub-unit the responsible unit delegated the work to (第九条); the unit stays responsible. */
  handler_unit_id: number | null;
  party: string; // lead | co | authority
  kind: string;
  round: number;
  limit_key: string;
  limit_unit: string;
  limit_amount: number;
  started_at: string;
  due_at: string;
  yellow_at: string;
  provisional: number;
  status: string; // open | done | cancelled
  completed_at: string | null;
  late: number;
  extensions: number;
}

/** A unit's request that the centre or the authority decides: return, dispute, extension. */
export interface UnitRequestTable {
  id: Generated<number>;
  ticket_id: number;
  duty_id: number | null;
  unit_id: number;
  kind: string; // return | dispute | extension
  reason: string;
  basis: string | null;
  suggested_unit_id: number | null;
  amount: number | null;
  signed_by: string | null;
  late: number;
  status: string; // pending | approved | refused | lapsed (its duty ended before a decision)
  requested_by: number;
  requested_at: string;
  decided_by: number | null;
  decided_at: string | null;
  decision_note: string | null;
  designated_unit_id: number | null;
  improper: number;
}

/** A file backing a unit's submission (its bytes kept in the store: backups carry them). */
export interface ReplyAttachmentTable {
  id: Generated<number>;
  ticket_id: number;
  submission_id: number;
  /** The uploader's name of the file, shown and offered as the download's name; never logged. */
  file_name: string;
  /** Of the kind its first bytes showed (src/domain/attachments.ts), not the one claimed. */
  content_type: string;
  size: number;
  sha256: string;
  data: Buffer;
  created_by: number;
  created_at: string;
}

/** What a unit writes on a ticket: co-handling opinion, first response, progress, reply, decline. */
export interface SubmissionTable {
  id: Generated<number>;
  ticket_id: number;
  unit_id: number;
  kind: string;
  round: number;
  content: string;
  reason_code: string | null;
  approval: string; // none | pending | approved | rejected
  approved_by: number | null;
  approved_at: string | null;
  /** The centre's 反馈审核 of a reply or decline: pending | accepted | rejected (direct answers: accepted). */
  review: Generated<string>;
  reviewed_by: number | null;
  reviewed_at: string | null;
  created_by: number;
  created_at: string;
}

export interface CallbackTable {
  id: Generated<number>;
  ticket_id: number;
  round: number;
  reached: number;
  satisfaction: string | null;
  requester_words: string | null;
  reasonable: number | null;
  /** The unit whose answer was rated: the ticket's lead unit at the callback. */
  unit_id: number | null;
  /** 第二十五条: the category's class (mediation | enforcement) when the rated ticket is a 投诉/举报 of one; the rating is then not counted. */
  exempt_class: string | null;
  created_by: number;
  created_at: string;
}

export interface TicketLinkTable {
  id: Generated<number>;
  ticket_id: number;
  other_ticket_id: number;
  kind: string; // merged_into | distinct_from
  note: string | null;
  created_at: string;
}

/** The audit log: every state change, who, role, unit, when, what, before/after. */
export interface EventTable {
  id: Generated<number>;
  ticket_id: number | null;
  at: string;
  user_id: number | null;
  role: string | null;
  unit_id: number | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  detail: string | null; // JSON, never personal data
  /** The knowledge-base article the event concerns, if any. */
  article_id: number | null;
  /** `success`, or `failure` for a refused attempt (a failed login, a ticket read refused). */
  outcome: Generated<string>;
  /** The hash chain (src/audit/chain.ts): position, the previous event's hash, this event's hash. */
  chain_seq: Generated<number | null>;
  prev_hash: Generated<string | null>;
  hash: Generated<string | null>;
  /** The id of the audit key whose HMAC `hash` is (src/store/audit-keys.ts); null for events chained before the key. */
  chain_key: Generated<string | null>;
}

/** A user's TOTP secret, sealed; enabled once confirmed; the last accepted step refuses replays. */
export interface UserTotpTable {
  user_id: number;
  secret: string;
  created_at: string;
  enabled_at: string | null;
  last_step: number | null;
}

export interface TotpRecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: string | null;
}

/** The second step of a login: opened by a correct password, closed by a valid code. */
export interface LoginChallengeTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** Codes checked against this challenge so far; void past the city's limit. */
  codes_tried: Generated<number>;
}

/** A login throttle's counter (src/auth/lockout.ts): attempts counted since window_start. */
export interface LoginAttemptTable {
  bucket: string;
  attempts: number;
  window_start: string;
}

/** A failed login, counted by the lockout (src/auth/lockout.ts). */
export interface LoginFailureTable {
  id: Generated<number>;
  username: string;
  at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string; // sms | report
  payload: string; // JSON
  created_at: string;
  available_at: string;
  attempts: number;
  delivered_at: string | null;
  last_error: string | null;
  /** Messages with the same key are delivered one after another, in id order (webhooks: subscription + ticket). */
  ordering_key: string | null;
}

/** A system that receives ticket events (or the provincial sync) as signed JSON POSTs. */
export interface WebhookSubscriptionTable {
  id: Generated<number>;
  name: string;
  url: string;
  secret: string;
  /** JSON array of event actions, '*' for all, and/or 'provincial.sync'. */
  events: string;
  /** event | evaluation (好差评 push) */
  format: string;
  active: number;
  /** The last event_feed.seq fanned out to this subscription. */
  cursor_seq: number;
  /** Scoped to this unit's tickets (the unit or one under it holds or handles them); null = all. */
  unit_id: number | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

/** The change feed: ticket events numbered in the order their transactions committed. */
export interface EventFeedTable {
  seq: number;
  event_id: number;
  ticket_id: number;
}

/** One SMS outbox message's delivery: sent | failed | opted_out. */
export interface SmsDeliveryTable {
  outbox_id: number;
  to_masked: string;
  template: string;
  status: string;
  attempts: number;
  provider_message_id: string | null;
  error: string | null;
  updated_at: string;
}

/** Numbers that asked for no SMS from the platform. */
export interface SmsOptOutTable {
  id: Generated<number>;
  /** Sealed (./field-crypto-plugin.ts); lookups go through phone_hash, which the store fills. */
  phone: string;
  phone_hash: Generated<string | null>;
  note: string | null;
  created_by: number | null;
  created_at: string;
}

export interface CalendarDayTable {
  date: string;
  kind: string;
  name: string | null;
  source: string; // import | admin
  updated_at: string;
}

export interface CalendarYearTable {
  year: number;
  source: string;
  imported_at: string;
  note: string | null;
}

/** A knowledge-base article (第十八条–第二十一条): its source, validity, lifecycle and usage. */
export interface KbArticleTable {
  id: Generated<number>;
  kind: string; // policy | duty | faq | guide | hotspot
  title: string;
  unit_id: number;
  category_id: number | null;
  source_title: string | null;
  source_doc_no: string | null;
  source_issuer: string | null;
  source_date: string | null; // YYYY-MM-DD
  effective_from: string | null; // YYYY-MM-DD
  expires_on: string | null; // YYYY-MM-DD, the last valid day
  body: string;
  status: string; // draft | pending_approval | pending_review | published | withdrawn
  origin: string; // manual | bulletin
  /** For imported documents: what identifies the document, so a re-import changes nothing. */
  import_key: string | null;
  bulletin: string | null;
  /** A new policy the unit implements: to be entered within 5 working days of taking effect (第十九条). */
  entry_required: number;
  review_note: string | null;
  view_count: number;
  use_count: number;
  last_used_at: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  approved_by: number | null;
  approved_at: string | null;
  reviewed_by: number | null;
  published_at: string | null;
  /** The city or county whose rules the article states (牡丹江市, 抚远市); null when unknown. */
  region: string | null;
  /** formal | draft (讨论稿/征求意见稿: never in force). */
  doc_status: Generated<string>;
}

/** A passage of an article: what search finds and the smart answer quotes. */
export interface KbPassageTable {
  id: Generated<number>;
  article_id: number;
  seq: number;
  heading: string;
  text: string;
}

/** How many passages contain a term (the term '' holds the number of passages): weights for ranking. */
export interface KbTermTable {
  term: string;
  df: number;
}

export interface KbSynonymTable {
  id: Generated<number>;
  /** JSON array of equivalent words, e.g. ["公积金","住房公积金"]. */
  terms: string;
  updated_by: number | null;
  updated_at: string;
}

/** A 纠错 report on an article, routed to the unit that owns it. */
export interface KbReportTable {
  id: Generated<number>;
  article_id: number;
  passage_seq: number | null;
  unit_id: number;
  content: string;
  status: string; // open | accepted | rejected
  reported_by: number;
  reported_at: string;
  resolved_by: number | null;
  resolved_at: string | null;
  resolution_note: string | null;
}

export interface KbSettingTable {
  key: string;
  value: string; // JSON
  updated_at: string;
}

/** A 督办 item (第二十七条): what the issuer asks of the addressed unit, its deadline, reply and closure. */
export interface SupervisionItemTable {
  id: Generated<number>;
  kind: string; // phone | consult | special | leader | common
  ticket_id: number | null;
  unit_id: number;
  status: string; // open | replied | closed | recorded
  matter: string;
  limit_key: string | null;
  issued_by: number;
  issued_role: string;
  issuer_unit_id: number | null;
  issued_at: string;
  due_at: string | null;
  yellow_at: string | null;
  plan_due_at: string | null;
  provisional: number;
  reply_outcome: string | null; // done | plan
  reply_content: string | null;
  plan_end_date: string | null; // YYYY-MM-DD, a plan's promised end
  replied_by: number | null;
  replied_at: string | null;
  reply_late: number;
  closed_by: number | null;
  closed_at: string | null;
  close_note: string | null;
}

/** One warning (yellow) or escalation (red) per duty: the unique key makes the job idempotent. */
export interface SupervisionAlertTable {
  id: Generated<number>;
  duty_id: number;
  kind: string; // warning | escalation
  ticket_id: number;
  unit_id: number | null;
  created_at: string;
}

/** An in-console notification to a unit (a handling unit, the centre or the authority). */
export interface NotificationTable {
  id: Generated<number>;
  unit_id: number;
  kind: string;
  ticket_id: number | null;
  item_id: number | null;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
  read_by: number | null;
  /** Set for a notice to one user of the unit (承办人); null for everyone of it. */
  user_id: number | null;
}

/** 承办人: the user who owns one unit's part of a ticket (./migration-assignees-notes.ts). */
export interface TicketAssigneeTable {
  ticket_id: number;
  unit_id: number;
  user_id: number;
  assigned_by: number;
  assigned_at: string;
}

/** 内部备注: a staff note on a ticket, shown to staff who may see the ticket and nowhere outside. */
export interface TicketNoteTable {
  id: Generated<number>;
  ticket_id: number;
  user_id: number;
  unit_id: number | null;
  body: string;
  created_at: string;
}

/** One 查看完整联系方式 by a user (./migrations/2026-12-26-contact-reveals.ts): the hourly limit and the bulk alert. */
export interface ContactRevealTable {
  id: Generated<number>;
  user_id: number;
  ticket_id: number;
  unit_id: number | null;
  at: string;
  alerted: Generated<number>;
}

export interface Database {
  units: UnitTable;
  users: UserTable;
  sessions: SessionTable;
  categories: CategoryTable;
  counters: CounterTable;
  tickets: TicketTable;
  open311_updates: Open311UpdateTable;
  requester_emails: RequesterEmailTable;
  webhook_dead_letters: WebhookDeadLetterTable;
  duties: DutyTable;
  unit_requests: UnitRequestTable;
  submissions: SubmissionTable;
  reply_attachments: ReplyAttachmentTable;
  callbacks: CallbackTable;
  ticket_links: TicketLinkTable;
  events: EventTable;
  audit_archives: AuditArchiveTable;
  audit_pending: AuditPendingTable;
  audit_archive_tickets: AuditArchiveTicketTable;
  audit_archive_gate: AuditArchiveGateTable;
  login_failures: LoginFailureTable;
  login_attempts: LoginAttemptTable;
  user_totp: UserTotpTable;
  totp_recovery_codes: TotpRecoveryCodeTable;
  login_challenges: LoginChallengeTable;
  outbox: OutboxTable;
  calendar_days: CalendarDayTable;
  calendar_years: CalendarYearTable;
  kb_articles: KbArticleTable;
  kb_passages: KbPassageTable;
  kb_terms: KbTermTable;
  kb_synonyms: KbSynonymTable;
  kb_reports: KbReportTable;
  kb_settings: KbSettingTable;
  supervision_items: SupervisionItemTable;
  supervision_alerts: SupervisionAlertTable;
  notifications: NotificationTable;
  ticket_assignees: TicketAssigneeTable;
  ticket_notes: TicketNoteTable;
  contact_reveals: ContactRevealTable;
  reports: ReportTable;
  report_alerts: ReportAlertTable;
  evaluation_findings: EvaluationFindingTable;
  evaluation_exclusions: EvaluationExclusionTable;
  evaluation_publications: EvaluationPublicationTable;
  api_keys: ApiKeyTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  event_feed: EventFeedTable;
  sms_deliveries: SmsDeliveryTable;
  sms_opt_outs: SmsOptOutTable;
  quality_samples: QualitySampleTable;
  quality_reviews: QualityReviewTable;
  qc_transcripts: QcTranscriptTable;
  qc_case_decisions: QcCaseDecisionTable;
  portal_secrets: PortalSecretTable;
  portal_photos: PortalPhotoTable;
  portal_ratings: PortalRatingTable;
  portal_codes: PortalCodeTable;
  rating_reviews: RatingReviewTable;
  calls: CallTable;
  call_events: CallEventTable;
  seats: SeatTable;
  seat_intervals: SeatIntervalTable;
  call_restrictions: CallRestrictionTable;
  missed_calls: MissedCallTable;
  missed_call_attempts: MissedCallAttemptTable;
  messages: MessageTable;
  message_replies: MessageReplyTable;
}

export interface EvaluationFindingTable {
  month: string;
  unit_id: number;
  trigger: string;
  decision: string;
  detail: string;
  note: string | null;
  decided_by: number;
  decided_at: string;
}

/** The authority's decision to leave a rating out of 满意率 (exclude 1) or to put it back (0); the latest per callback stands. */
export interface EvaluationExclusionTable {
  id: Generated<number>;
  callback_id: number;
  ticket_id: number;
  unit_id: number | null;
  month: string;
  exclude: number;
  reason: string;
  decided_by: number;
  decided_at: string;
}

export interface EvaluationPublicationTable {
  month: string;
  snapshot: string;
  published_by: number;
  published_at: string;
}

/** A stored 日报/周报/月报 (kind daily|weekly|monthly; period 2026-03-02, 2026-W10, 2026-03), city-wide. */
export interface ReportTable {
  id: Generated<number>;
  kind: string;
  period: string;
  json: string;
  generated_at: string;
}

/** A 社情民意 spike: a topic rising well above its recent level in one district on one day. */
export interface ReportAlertTable {
  id: Generated<number>;
  day: string;
  /** The district's unit code, '' for tickets with no district. */
  district_code: string;
  district_unit_id: number | null;
  topic: string;
  count: number;
  baseline_mean: number;
  baseline_sd: number;
  threshold: number;
  created_at: string;
}

/** An external system's API key (Open311 clients, the provincial platform); only the key's hash is kept. */
export interface ApiKeyTable {
  id: Generated<number>;
  name: string;
  /** SHA-256 of the key, hex. */
  key_hash: string;
  /** The key's first characters, to tell keys apart in lists; not enough to use it. */
  key_prefix: string;
  /** Comma-separated scopes, e.g. open311:write,transfer:write. */
  scopes: string;
  rate_per_minute: number;
  created_at: string;
  rotated_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}
