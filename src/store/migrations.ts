// Schema migrations, run on start. Each migration is written once for both engines; the few
// differences (identity columns, instant columns) come from the helpers below.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type ColumnDefinitionBuilder } from 'kysely';
import type { Engine } from './db.ts';
import { supervisionBoardIndex, supervisionMigration } from './migration-supervision.ts';
import { reportsMigration } from './migration-reports.ts';
import { unitListIndexesMigration } from './migration-unit-lists.ts';
import { callbackUnitMigration, callbacksCoveringIndex, evaluationCoveringIndexes, evaluationMigration } from './migration-evaluation.ts';
import { webhooksMigration } from './migration-webhooks.ts';
import { qualityMigration } from './migration-quality.ts';
import { portalMigration } from './migration-portal.ts';
import { interopKeysMigration } from './migration-interop.ts';
import { open311Migration } from './migration-open311.ts';
import { webhookUnitScopeMigration } from './migration-webhook-unit-scope.ts';
import { kbRegionsMigration } from './migration-kb-regions.ts';
import { auditChainMigration, loginLockoutMigration } from './migration-audit-chain.ts';
import { auditChainAppendMigration } from './migration-audit-chain-append.ts';
import { ticketKeysPerStatementMigration } from './migration-ticket-keys-per-statement.ts';
import { auditChainAtCommitMigration } from './migration-audit-chain-at-commit.ts';
import { totpMigration } from './migration-totp.ts';
import { callsMigration } from './migration-calls.ts';
import { historyPartitionsMigration } from './migration-history-partitions.ts';
import { fieldEncryptionMigration } from './migration-field-encryption.ts';
import { storeCrypto } from './db.ts';
import { auditArchivesMigration } from './migration-audit-archives.ts';
import { reportKeywordsMigration } from './migration-report-keywords.ts';
import { callNumbersSealedMigration } from './migration-call-numbers-sealed.ts';
import { portalCredentialMigration } from './migration-portal-credential.ts';
import { contactRevealsMigration } from './migration-contact-reveals.ts';
import { evaluationExclusionsMigration } from './migration-evaluation-exclusions.ts';
import { auditChainKeyedMigration } from './migration-audit-chain-keyed.ts';
import { accountSecurityMigration } from './migration-account-security.ts';
import { replyAttachmentsMigration } from './migration-reply-attachments.ts';

type AnyDb = Kysely<any>;

function dialectHelpers(engine: Engine) {
  return {
    /** An auto-numbered primary key. */
    id: (big = false) =>
      [engine === 'postgres' ? (big ? 'bigserial' : 'serial') : 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey()] as const,
    instant: engine === 'postgres' ? ('timestamptz' as const) : ('text' as const),
  };
}

function core(engine: Engine): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('units')
        .addColumn('id', ...h.id())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'integer', (c) => c.references('units.id'))
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('sms_phone', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('units_path').on('units').column('path').execute();

      await db.schema
        .createTable('users')
        .addColumn('id', ...h.id())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('expires_at', h.instant, (c) => c.notNull())
        .addColumn('revoked_at', h.instant)
        .execute();

      await db.schema
        .createTable('categories')
        .addColumn('id', ...h.id())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'integer', (c) => c.references('categories.id'))
        .addColumn('default_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('reply_limit_unit', 'text')
        .addColumn('reply_limit_amount', 'integer')
        .addColumn('legal_basis', 'text')
        .addColumn('keywords', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();

      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('tickets')
        .addColumn('id', ...h.id(true))
        .addColumn('no', 'text', (c) => c.notNull().unique())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('category_id', 'integer', (c) => c.references('categories.id'))
        .addColumn('requester_kind', 'text', (c) => c.notNull())
        .addColumn('requester_name', 'text')
        .addColumn('requester_phone', 'text')
        .addColumn('requester_id_no', 'text')
        .addColumn('confidential', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('facts', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('district_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('special', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('lead_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('round', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_due_at', h.instant)
        .addColumn('provisional', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('supervised', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('satisfaction', 'text')
        .addColumn('resolution', 'text')
        .addColumn('resolution_note', 'text')
        .addColumn('merged_into_id', 'bigint')
        .addColumn('repeat_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('call_id', 'text')
        .addColumn('created_by', 'integer', (c) => c.references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .addColumn('closed_at', h.instant)
        .execute();
      await db.schema.createIndex('tickets_status_due').on('tickets').columns(['status', 'next_due_at']).execute();
      await db.schema.createIndex('tickets_created').on('tickets').column('created_at').execute();
      await db.schema.createIndex('tickets_lead_unit').on('tickets').columns(['lead_unit_id', 'status']).execute();
      await db.schema.createIndex('tickets_requester').on('tickets').columns(['requester_phone', 'created_at']).execute();
      await db.schema.createIndex('tickets_external').on('tickets').columns(['origin', 'external_id']).execute();

      await db.schema
        .createTable('duties')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('handler_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('party', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('limit_key', 'text', (c) => c.notNull())
        .addColumn('limit_unit', 'text', (c) => c.notNull())
        .addColumn('limit_amount', 'integer', (c) => c.notNull())
        .addColumn('started_at', h.instant, (c) => c.notNull())
        .addColumn('due_at', h.instant, (c) => c.notNull())
        .addColumn('yellow_at', h.instant, (c) => c.notNull())
        .addColumn('provisional', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('completed_at', h.instant)
        .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('extensions', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('duties_ticket').on('duties').column('ticket_id').execute();
      await db.schema.createIndex('duties_unit_open').on('duties').columns(['unit_id', 'status', 'due_at']).execute();
      await db.schema.createIndex('duties_open_due').on('duties').columns(['status', 'due_at']).execute();

      await db.schema
        .createTable('unit_requests')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('duty_id', 'bigint')
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('basis', 'text')
        .addColumn('suggested_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('amount', 'integer')
        .addColumn('signed_by', 'text')
        .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('requested_at', h.instant, (c) => c.notNull())
        .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
        .addColumn('decided_at', h.instant)
        .addColumn('decision_note', 'text')
        .addColumn('designated_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('improper', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('unit_requests_ticket').on('unit_requests').column('ticket_id').execute();
      await db.schema.createIndex('unit_requests_pending').on('unit_requests').columns(['status', 'kind']).execute();

      await db.schema
        .createTable('submissions')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text')
        .addColumn('approval', 'text', (c) => c.notNull())
        .addColumn('approved_by', 'integer', (c) => c.references('users.id'))
        .addColumn('approved_at', h.instant)
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('submissions_ticket').on('submissions').column('ticket_id').execute();

      await db.schema
        .createTable('callbacks')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('reached', 'integer', (c) => c.notNull())
        .addColumn('satisfaction', 'text')
        .addColumn('requester_words', 'text')
        .addColumn('reasonable', 'integer')
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('callbacks_ticket').on('callbacks').column('ticket_id').execute();

      await db.schema
        .createTable('ticket_links')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('other_ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ticket_links_ticket').on('ticket_links').column('ticket_id').execute();
      await db.schema.createIndex('ticket_links_other').on('ticket_links').column('other_ticket_id').execute();

      await db.schema
        .createTable('events')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint')
        .addColumn('at', h.instant, (c) => c.notNull())
        .addColumn('user_id', 'integer')
        .addColumn('role', 'text')
        .addColumn('unit_id', 'integer')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('events_ticket').on('events').columns(['ticket_id', 'id']).execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', ...h.id(true))
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('available_at', h.instant, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('delivered_at', h.instant)
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createIndex('outbox_pending')
        .on('outbox')
        .column('available_at')
        .where(sql.ref('delivered_at'), 'is', null)
        .execute();

      await db.schema
        .createTable('calendar_days')
        .addColumn('date', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('calendar_years')
        .addColumn('year', 'integer', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('imported_at', h.instant, (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
    },
  };
}

/**
 * A date may hold both an imported row (the State Council notice) and an admin override: the
 * override wins, and clearing it brings the imported value back. The key is (date, source).
 */
function calendarDaySources(engine: Engine): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('calendar_days_new')
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('calendar_days_date_source', ['date', 'source'])
        .execute();
      await sql`insert into calendar_days_new (date, kind, name, source, updated_at) select date, kind, name, source, updated_at from calendar_days`.execute(db);
      await db.schema.dropTable('calendar_days').execute();
      await db.schema.alterTable('calendar_days_new').renameTo('calendar_days').execute();
    },
  };
}

/**
 * The knowledge base (第十八条–第二十一条): articles with their lifecycle, passages indexed for
 * Chinese full-text search (segmented text: SQLite FTS5 with bm25, PostgreSQL tsvector + GIN),
 * document frequencies of the indexed terms, synonyms, 纠错 reports and settings. Audit events may
 * name the article they concern.
 */
function knowledgeBase(engine: Engine): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('kb_articles')
        .addColumn('id', ...h.id())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('category_id', 'integer', (c) => c.references('categories.id'))
        .addColumn('source_title', 'text')
        .addColumn('source_doc_no', 'text')
        .addColumn('source_issuer', 'text')
        .addColumn('source_date', 'text')
        .addColumn('effective_from', 'text')
        .addColumn('expires_on', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('import_key', 'text', (c) => c.unique())
        .addColumn('bulletin', 'text')
        .addColumn('entry_required', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('review_note', 'text')
        .addColumn('view_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('use_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_used_at', h.instant)
        .addColumn('created_by', 'integer', (c) => c.references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .addColumn('submitted_at', h.instant)
        .addColumn('approved_by', 'integer', (c) => c.references('users.id'))
        .addColumn('approved_at', h.instant)
        .addColumn('reviewed_by', 'integer', (c) => c.references('users.id'))
        .addColumn('published_at', h.instant)
        .execute();
      await db.schema.createIndex('kb_articles_unit_status').on('kb_articles').columns(['unit_id', 'status']).execute();
      await db.schema.createIndex('kb_articles_status').on('kb_articles').columns(['status', 'updated_at']).execute();

      await db.schema
        .createTable('kb_passages')
        .addColumn('id', ...h.id(true))
        .addColumn('article_id', 'integer', (c) => c.notNull().references('kb_articles.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('heading', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('kb_passages_article').on('kb_passages').columns(['article_id', 'seq']).execute();
      if (engine === 'postgres') {
        await sql`alter table kb_passages add column tsv tsvector not null`.execute(db);
        // Ranking reads the vector once per query word and row: kept inline and uncompressed (a
        // passage's vector is a few KB at most), so no read pays for decompressing it.
        await sql`alter table kb_passages alter column tsv set storage plain`.execute(db);
        await sql`create index kb_passages_tsv on kb_passages using gin (tsv)`.execute(db);
      } else {
        // Contentless: the passage text lives in kb_passages; the index holds the segmented tokens.
        await sql`create virtual table kb_fts using fts5(title, heading, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(db);
        await sql`create virtual table kb_fts_vocab using fts5vocab(kb_fts, 'row')`.execute(db);
        // Ranking joins thousands of matches to their passage and article: covering indexes keep
        // those lookups off the wide rows (a passage's text, an article's body before its status).
        await db.schema.createIndex('kb_passages_article_of').on('kb_passages').columns(['id', 'article_id']).execute();
        await db.schema.createIndex('kb_articles_filter').on('kb_articles').columns(['id', 'status', 'unit_id', 'kind', 'effective_from', 'expires_on']).execute();
      }

      await db.schema
        .createTable('kb_terms')
        .addColumn('term', 'text', (c) => c.primaryKey())
        .addColumn('df', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('kb_synonyms')
        .addColumn('id', ...h.id())
        .addColumn('terms', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();
      // A first set of words citizens and documents say differently; admins edit it.
      const groups = [
        ['公积金', '住房公积金'],
        ['营业执照', '执照'],
        ['个体户', '个体工商户'],
        ['医保', '医疗保险', '基本医疗保险'],
        ['社保', '社会保险'],
        ['暖气', '供热', '供暖', '取暖'],
        ['身份证', '居民身份证'],
        ['驾照', '驾驶证', '机动车驾驶证'],
        ['非遗', '非物质文化遗产'],
        ['开公司', '开办企业', '企业开办'],
        ['打猎', '狩猎', '猎捕'],
        ['12345', '市长热线', '政务服务便民热线'],
      ];
      await db
        .insertInto('kb_synonyms')
        .values(groups.map((terms) => ({ terms: JSON.stringify(terms), updated_by: null, updated_at: '2026-11-23T00:00:00.000Z' })))
        .execute();

      await db.schema
        .createTable('kb_reports')
        .addColumn('id', ...h.id())
        .addColumn('article_id', 'integer', (c) => c.notNull().references('kb_articles.id'))
        .addColumn('passage_seq', 'integer')
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reported_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('reported_at', h.instant, (c) => c.notNull())
        .addColumn('resolved_by', 'integer', (c) => c.references('users.id'))
        .addColumn('resolved_at', h.instant)
        .addColumn('resolution_note', 'text')
        .execute();
      await db.schema.createIndex('kb_reports_unit_status').on('kb_reports').columns(['unit_id', 'status']).execute();
      await db.schema.createIndex('kb_reports_article').on('kb_reports').column('article_id').execute();

      await db.schema
        .createTable('kb_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();

      await db.schema.alterTable('events').addColumn('article_id', 'integer').execute();
      await db.schema.createIndex('events_article').on('events').columns(['article_id', 'id']).where(sql.ref('article_id'), 'is not', null).execute();
    },
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly engine: Engine, private readonly db: AnyDb) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '2026-11-01-core': core(this.engine),
      '2026-11-02-calendar-day-sources': calendarDaySources(this.engine),
      '2026-11-23-knowledge-base': knowledgeBase(this.engine),
      '2026-11-24-supervision': supervisionMigration(this.engine),
      '2026-11-25-reports': reportsMigration(this.engine),
      '2026-11-26-supervision-board-index': supervisionBoardIndex(),
      '2026-11-27-evaluation': evaluationMigration(this.engine),
      '2026-11-30-portal': portalMigration(this.engine),
      '2026-12-01-quality': qualityMigration(this.engine),
      '2026-12-02-webhooks': webhooksMigration(this.engine),
      '2026-12-03-interop-keys': interopKeysMigration(this.engine),
      '2026-12-04-callback-unit': callbackUnitMigration(),
      '2026-12-05-evaluation-covering-indexes': evaluationCoveringIndexes(this.engine),
      '2026-12-06-calls': callsMigration(this.engine),
      '2026-12-08-audit-chain': auditChainMigration(this.engine),
      '2026-12-09-login-lockout': loginLockoutMigration(this.engine),
      '2026-12-10-history-partitions': historyPartitionsMigration(this.engine),
      '2026-12-11-field-encryption': fieldEncryptionMigration(() => storeCrypto(this.db)),
      '2026-12-12-report-keywords': reportKeywordsMigration(this.engine),
      '2026-12-13-audit-archives': auditArchivesMigration(this.engine),
      '2026-12-14-totp': totpMigration(this.engine),
      '2026-12-15-call-numbers-sealed': callNumbersSealedMigration(this.engine, () => storeCrypto(this.db)),
      '2026-12-16-audit-chain-append': auditChainAppendMigration(this.engine),
      '2026-12-17-ticket-keys-per-statement': ticketKeysPerStatementMigration(this.engine),
      '2026-12-18-audit-chain-at-commit': auditChainAtCommitMigration(this.engine),
      '2026-12-19-callbacks-covering-index': callbacksCoveringIndex(this.engine),
      '2026-12-20-unit-list-indexes': unitListIndexesMigration(this.engine),
      '2026-12-21-portal-credential': portalCredentialMigration(this.engine),
      '2026-12-22-evaluation-exclusions': evaluationExclusionsMigration(this.engine),
      '2026-12-25-account-security': accountSecurityMigration(this.engine),
      '2026-12-26-contact-reveals': contactRevealsMigration(this.engine),
      '2026-12-27-audit-chain-keyed': auditChainKeyedMigration(this.engine),
      '2026-12-28-open311-contacts-updates': open311Migration(this.engine),
      '2026-12-29-webhook-unit-scope': webhookUnitScopeMigration(),
      '2026-12-30-kb-regions': kbRegionsMigration(this.engine),
      '2027-01-06-reply-attachments': replyAttachmentsMigration(this.engine),
    };
  }
}

export async function migrate(db: Kysely<any>, engine: Engine): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider(engine, db) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
