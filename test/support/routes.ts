// Every route the application registers, as an onRoute hook sees it: the fuzz run and the access
// matrix walk this list, so a route added anywhere is exercised (and must be listed) at once.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { buildApp } from '../../src/app/app.ts';
import type { AppContext } from '../../src/server/context.ts';

export interface RegisteredRoute {
  method: string;
  url: string;
  schema: any;
  websocket: boolean;
}

/** A second app on the same context, with the list of its routes (HEAD and OPTIONS left out). */
export async function appWithRoutes(ctx: AppContext): Promise<{ app: FastifyInstance; routes: RegisteredRoute[] }> {
  const routes: RegisteredRoute[] = [];
  const app = await buildApp(ctx, {
    onRoute: (r: RouteOptions) => {
      const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
      const websocket = Boolean((r as { websocket?: boolean }).websocket);
      for (const method of methods) routes.push({ method, url: r.url, schema: r.schema ?? {}, websocket });
    },
  });
  await app.ready();
  return { app, routes };
}
