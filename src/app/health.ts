// GET /healthz: the store answers, and whether deadlines are provisional for lack of holiday data.
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../server/context.ts';
import { calendarWarnings } from '../calendar/warnings.ts';

export const healthRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: '健康检查' } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(ctx.store.db);
    } catch {
      return reply.code(503).send({ status: 'unavailable', store: ctx.store.engine });
    }
    const calendar = await calendarWarnings(ctx);
    return { status: calendar.warnings.length ? 'warning' : 'ok', store: ctx.store.engine, city: ctx.city.code, calendar };
  });
};
