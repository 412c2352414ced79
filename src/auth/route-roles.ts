// Which roles each staff route admits, read off the routes themselves as they are registered: the
// guard requireRole(...) carries its roles, and a route that decides inside its handler (ticket,
// article and 差评 actions, by the domain's rules) names them in its config. GET /api/v1/auth/access
// answers the caller's share, and the console builds its menu, page guards and buttons from it, so a
// page is never offered to a role its API refuses. The access matrix test holds this to what the
// server actually answers.
import type { RouteOptions } from 'fastify';
import { ROLES, type Role } from '../domain/roles.ts';

const GUARD_ROLES = new WeakMap<object, readonly Role[]>();

/** Marks a requireRole guard with the roles it admits (none named: every signed-in role). */
export function markGuard<T extends object>(guard: T, roles: readonly Role[]): T {
  GUARD_ROLES.set(guard, roles.length ? roles : ROLES);
  return guard;
}

/** Route config for a route whose handler applies the domain's roles itself. */
export interface RolesConfig {
  roles?: readonly Role[];
  /** A path parameter whose value picks the rule: `{ action: { verify: [...] } }`. */
  rolesByParam?: Record<string, Record<string, readonly Role[]>>;
}

export class RouteRoles {
  private readonly byKey = new Map<string, readonly Role[]>();

  /** The onRoute hook: records `METHOD url` for every route that names its roles. */
  readonly collect = (route: RouteOptions): void => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const config = (route.config ?? {}) as RolesConfig;
    const hooks = [route.onRequest, route.preHandler].flatMap((h) => (Array.isArray(h) ? h : h ? [h] : []));
    const guarded = hooks.map((h) => GUARD_ROLES.get(h as object)).find(Boolean);
    for (const method of methods) {
      if (config.rolesByParam) {
        for (const [param, table] of Object.entries(config.rolesByParam)) {
          for (const [value, roles] of Object.entries(table)) this.byKey.set(`${method} ${route.url.replace(`:${param}`, value)}`, roles);
        }
      } else if (config.roles) this.byKey.set(`${method} ${route.url}`, config.roles);
      else if (guarded) this.byKey.set(`${method} ${route.url}`, guarded);
    }
  };

  rolesOf(key: string): readonly Role[] | undefined {
    return this.byKey.get(key);
  }

  /** Every route key the role may call, sorted. */
  allowedFor(role: Role): string[] {
    return [...this.byKey].filter(([, roles]) => roles.includes(role)).map(([key]) => key).sort();
  }
}

declare module 'fastify' {
  interface FastifyContextConfig extends RolesConfig {}
}
