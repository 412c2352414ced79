// Every migration in the order it runs, by the name Kysely records in `kysely_migration`: a name,
// once released, never changes, and a new migration sorts after the last (a file of its own here,
// named by it, importing no live code).
import type { Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';
import { migration as m20261101Core } from './2026-11-01-core.ts';
import { migration as m20261102CalendarDaySources } from './2026-11-02-calendar-day-sources.ts';
import { migration as m20261123KnowledgeBase } from './2026-11-23-knowledge-base.ts';
import { migration as m20261124Supervision } from './2026-11-24-supervision.ts';
import { migration as m20261125Reports } from './2026-11-25-reports.ts';
import { migration as m20261126SupervisionBoardIndex } from './2026-11-26-supervision-board-index.ts';
import { migration as m20261127Evaluation } from './2026-11-27-evaluation.ts';
import { migration as m20261130Portal } from './2026-11-30-portal.ts';
import { migration as m20261201Quality } from './2026-12-01-quality.ts';
import { migration as m20261202Webhooks } from './2026-12-02-webhooks.ts';
import { migration as m20261203InteropKeys } from './2026-12-03-interop-keys.ts';
import { migration as m20261204CallbackUnit } from './2026-12-04-callback-unit.ts';
import { migration as m20261205EvaluationCoveringIndexes } from './2026-12-05-evaluation-covering-indexes.ts';
import { migration as m20261206Calls } from './2026-12-06-calls.ts';
import { migration as m20261208AuditChain } from './2026-12-08-audit-chain.ts';
import { migration as m20261209LoginLockout } from './2026-12-09-login-lockout.ts';
import { migration as m20261210HistoryPartitions } from './2026-12-10-history-partitions.ts';
import { migration as m20261211FieldEncryption } from './2026-12-11-field-encryption.ts';
import { migration as m20261212ReportKeywords } from './2026-12-12-report-keywords.ts';
import { migration as m20261213AuditArchives } from './2026-12-13-audit-archives.ts';
import { migration as m20261214Totp } from './2026-12-14-totp.ts';
import { migration as m20261215CallNumbersSealed } from './2026-12-15-call-numbers-sealed.ts';
import { migration as m20261216AuditChainAppend } from './2026-12-16-audit-chain-append.ts';
import { migration as m20261217TicketKeysPerStatement } from './2026-12-17-ticket-keys-per-statement.ts';
import { migration as m20261218AuditChainAtCommit } from './2026-12-18-audit-chain-at-commit.ts';
import { migration as m20261219CallbacksCoveringIndex } from './2026-12-19-callbacks-covering-index.ts';
import { migration as m20261220UnitListIndexes } from './2026-12-20-unit-list-indexes.ts';
import { migration as m20261221PortalCredential } from './2026-12-21-portal-credential.ts';
import { migration as m20261222EvaluationExclusions } from './2026-12-22-evaluation-exclusions.ts';
import { migration as m20261225AccountSecurity } from './2026-12-25-account-security.ts';
import { migration as m20261226ContactReveals } from './2026-12-26-contact-reveals.ts';
import { migration as m20261227AuditChainKeyed } from './2026-12-27-audit-chain-keyed.ts';
import { migration as m20261228Open311ContactsUpdates } from './2026-12-28-open311-contacts-updates.ts';
import { migration as m20261229WebhookUnitScope } from './2026-12-29-webhook-unit-scope.ts';
import { migration as m20261230KbRegions } from './2026-12-30-kb-regions.ts';
import { migration as m20270105AssigneesNotes } from './2027-01-05-assignees-notes.ts';
import { migration as m20270106ReplyAttachments } from './2027-01-06-reply-attachments.ts';
import { migration as m20270111PortalPhotosInStore } from './2027-01-11-portal-photos-in-store.ts';

export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: (ctx: MigrationContext) => Migration]> = [
  ['2026-11-01-core', m20261101Core],
  ['2026-11-02-calendar-day-sources', m20261102CalendarDaySources],
  ['2026-11-23-knowledge-base', m20261123KnowledgeBase],
  ['2026-11-24-supervision', m20261124Supervision],
  ['2026-11-25-reports', m20261125Reports],
  ['2026-11-26-supervision-board-index', m20261126SupervisionBoardIndex],
  ['2026-11-27-evaluation', m20261127Evaluation],
  ['2026-11-30-portal', m20261130Portal],
  ['2026-12-01-quality', m20261201Quality],
  ['2026-12-02-webhooks', m20261202Webhooks],
  ['2026-12-03-interop-keys', m20261203InteropKeys],
  ['2026-12-04-callback-unit', m20261204CallbackUnit],
  ['2026-12-05-evaluation-covering-indexes', m20261205EvaluationCoveringIndexes],
  ['2026-12-06-calls', m20261206Calls],
  ['2026-12-08-audit-chain', m20261208AuditChain],
  ['2026-12-09-login-lockout', m20261209LoginLockout],
  ['2026-12-10-history-partitions', m20261210HistoryPartitions],
  ['2026-12-11-field-encryption', m20261211FieldEncryption],
  ['2026-12-12-report-keywords', m20261212ReportKeywords],
  ['2026-12-13-audit-archives', m20261213AuditArchives],
  ['2026-12-14-totp', m20261214Totp],
  ['2026-12-15-call-numbers-sealed', m20261215CallNumbersSealed],
  ['2026-12-16-audit-chain-append', m20261216AuditChainAppend],
  ['2026-12-17-ticket-keys-per-statement', m20261217TicketKeysPerStatement],
  ['2026-12-18-audit-chain-at-commit', m20261218AuditChainAtCommit],
  ['2026-12-19-callbacks-covering-index', m20261219CallbacksCoveringIndex],
  ['2026-12-20-unit-list-indexes', m20261220UnitListIndexes],
  ['2026-12-21-portal-credential', m20261221PortalCredential],
  ['2026-12-22-evaluation-exclusions', m20261222EvaluationExclusions],
  ['2026-12-25-account-security', m20261225AccountSecurity],
  ['2026-12-26-contact-reveals', m20261226ContactReveals],
  ['2026-12-27-audit-chain-keyed', m20261227AuditChainKeyed],
  ['2026-12-28-open311-contacts-updates', m20261228Open311ContactsUpdates],
  ['2026-12-29-webhook-unit-scope', m20261229WebhookUnitScope],
  ['2026-12-30-kb-regions', m20261230KbRegions],
  ['2027-01-05-assignees-notes', m20270105AssigneesNotes],
  ['2027-01-06-reply-attachments', m20270106ReplyAttachments],
  ['2027-01-11-portal-photos-in-store', m20270111PortalPhotosInStore],
];
