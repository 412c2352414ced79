// Schema of 质效审核 (第二十六条) and 智能质检 (第三十一条(一)): samples of closed tickets and one review
// per sampled ticket; call transcripts attached to tickets (call handling fills them later); the team
// lead's decisions on the 第三十一条(一) cases the rules find.
import type { Kysely, Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('quality_samples')
        .addColumn('id', ...h.id())
        .addColumn('period_from', 'text', (c) => c.notNull()) // YYYY-MM-DD, Shanghai
        .addColumn('period_to', 'text', (c) => c.notNull()) // YYYY-MM-DD, inclusive
        .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('requested_size', 'integer')
        .addColumn('rate', 'double precision')
        .addColumn('seed', 'text', (c) => c.notNull())
        .addColumn('population', 'integer', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('quality_reviews')
        .addColumn('id', ...h.id())
        .addColumn('sample_id', 'integer', (c) => c.notNull().references('quality_samples.id'))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('outcome', 'text', (c) => c.notNull()) // pending | pass | perfunctory | wrong_unit
        .addColumn('note', 'text')
        .addColumn('target_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('reviewed_by', 'integer', (c) => c.references('users.id'))
        .addColumn('reviewed_at', h.instant)
        .addUniqueConstraint('quality_reviews_sample_ticket', ['sample_id', 'ticket_id'])
        .execute();
      await db.schema.createIndex('quality_reviews_reviewed').on('quality_reviews').columns(['reviewed_at']).execute();
      await db.schema.createIndex('quality_reviews_ticket').on('quality_reviews').columns(['ticket_id']).execute();
      await db.schema
        .createTable('qc_transcripts')
        .addColumn('ticket_id', 'bigint', (c) => c.primaryKey().references('tickets.id'))
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('attached_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('attached_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('qc_case_decisions')
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'integer', (c) => c.references('users.id'))
        .addColumn('decision', 'text', (c) => c.notNull()) // confirmed | dismissed
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('decided_at', h.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('qc_case_decisions_pk', ['ticket_id', 'rule'])
        .execute();
      await db.schema.createIndex('tickets_created_by_at').on('tickets').columns(['created_by', 'created_at']).execute();
    },
  };
}
