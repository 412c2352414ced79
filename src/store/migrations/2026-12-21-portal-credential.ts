// 好差评 that holds (docs/ratings-and-portal.md): the portal's SMS codes, the centre's review of each
// reply, and the reply a portal rating rates.
//
// - portal_codes: one row per code sent; the code itself is never stored, only an HMAC of it under
//   the portal's secret with a per-code salt; wrong tries are counted on the row (every process
//   agrees).
// - submissions.review: pending → accepted | rejected by the centre's 反馈审核 (review action). The
//   portal publishes a reply, and rating opens, only once it is accepted. Rows already there: a
//   direct answer is the centre's own (accepted); a ticket's latest reply or decline is accepted when
//   the ticket has gone past review (待回访, 已办结, 已归档); everything else stays pending, so an
//   earlier round's reply of a ticket reworked before this migration is not shown until its next
//   reply is accepted (hiding is the safe side).
// - portal_ratings.submission_id: the accepted reply a rating was given on.
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('portal_codes')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull())
        .addColumn('salt', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('sent_at', h.instant, (c) => c.notNull())
        .addColumn('expires_at', h.instant, (c) => c.notNull())
        .addColumn('used_at', h.instant)
        .execute();
      await db.schema.createIndex('portal_codes_ticket').on('portal_codes').columns(['ticket_id', 'id']).execute();

      await db.schema.alterTable('submissions').addColumn('review', 'text', (c) => c.notNull().defaultTo('pending')).execute();
      await db.schema.alterTable('submissions').addColumn('reviewed_by', 'integer').execute();
      await db.schema.alterTable('submissions').addColumn('reviewed_at', h.instant).execute();
      await sql`update submissions set review = 'accepted' where kind = 'direct_answer'`.execute(db);
      await sql`
        update submissions set review = 'accepted'
        where kind in ('reply', 'decline') and approval in ('none', 'approved')
          and id in (
            select max(s.id) from submissions s
            where s.kind in ('reply', 'decline') and s.approval in ('none', 'approved')
            group by s.ticket_id
          )
          and ticket_id in (select id from tickets where status in ('callback', 'closed', 'archived'))`.execute(db);

      await db.schema.alterTable('portal_ratings').addColumn('submission_id', 'bigint').execute();
      await sql`
        update portal_ratings set submission_id = (
          select max(s.id) from submissions s
          where s.ticket_id = portal_ratings.ticket_id and s.kind in ('reply', 'decline', 'direct_answer') and s.review = 'accepted'
        )`.execute(db);
    },
  };
}
