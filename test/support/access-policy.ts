// Who may call each route, written down once: the access matrix test (src/app/access-matrix.test.ts)
// calls every route as every role and compares. A route the application registers that this table
// does not list fails that test, so no route goes in unchecked. Ticket, knowledge-base and 差评 actions
// take their roles from the rules the domain declares; everything else is written out here by hand.
//
// Keys are `METHOD url` as Fastify registers them; a path parameter with an enum in its schema
// (`/ratings/reviews/:id/actions/:action`) is listed once per value. The console's files under
// /assets/ are one entry.
import { ROLES, type Role } from '../../src/domain/roles.ts';
import { ACTIONS, ACTION_RULES } from '../../src/domain/ticket-states.ts';
import { REVIEW_ACTIONS, REVIEW_ACTION_RULES } from '../../src/domain/ratings.ts';
import { ARTICLE_ACTION_RULES } from '../../src/knowledge/articles.ts';
import { DRILLABLE } from '../../src/evaluation/drilldown.ts';

/** Roles that may call the route; 'public' = anyone, logged in or not; 'api-key' = external systems only, no user. */
/** 'citizen': open to the anonymous public and refused to every staff session (好差评 is the requester's). */
export type Access = readonly Role[] | 'public' | 'api-key' | 'citizen';

const ALL: readonly Role[] = ROLES;
const not = (...roles: Role[]): Role[] => ROLES.filter((r) => !roles.includes(r));
const ADMIN: Role[] = ['admin'];
const INTAKE: Role[] = ['agent', 'team_lead', 'centre', 'admin'];
const LEADS: Role[] = ['team_lead', 'centre', 'admin'];
const CALL_FIGURES: Role[] = ['team_lead', 'centre', 'authority', 'admin'];
const CALL_RECORDS: Role[] = ['agent', 'team_lead', 'centre', 'authority', 'admin'];
const REPORTS: Role[] = ['centre', 'authority', 'unit_staff', 'unit_head', 'admin'];
const CITY_REPORTS: Role[] = ['centre', 'authority', 'admin'];
const NOT_AGENT = not('agent');
const KB_WRITERS: Role[] = ['centre', 'unit_staff', 'unit_head', 'admin'];
const SUPERVISORS: Role[] = ['team_lead', 'centre', 'authority', 'admin'];

const byHand: Record<string, Access> = {
  // The console, its files, the API documentation, health, the public portal and knowledge pages.
  'GET /': 'public',
  'GET /*': 'public',
  'GET /index.html': 'public',
  'GET /assets/*': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/json': 'public',
  'GET /api/docs/yaml': 'public',
  'GET /api/docs/static/*': 'public',
  'GET /api/docs/static/index.html': 'public',
  'GET /api/docs/static/swagger-initializer.js': 'public',
  'GET /healthz': 'public',
  'GET /portal': 'public',
  'GET /portal/track': 'public',
  'GET /public/kb': 'public',
  'GET /public/kb/articles/:id': 'public',
  'GET /api/v1/public/kb/answer': 'public',
  'GET /api/v1/public/kb/articles/:id': 'public',
  'GET /api/v1/public/kb/search': 'public',
  'GET /api/v1/public/portal/captcha': 'public',
  'GET /api/v1/public/portal/categories': 'public',
  'GET /api/v1/public/portal/photos/:id': 'public',
  // 好差评: the requester with the SMS code; a logged-in staff session is refused.
  'POST /api/v1/public/portal/rate': 'citizen',
  'POST /api/v1/public/portal/rating-code': 'citizen',
  'POST /api/v1/public/portal/requests': 'public',
  'POST /api/v1/public/portal/track': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'public',
  'POST /api/v1/auth/login/totp': 'public',
  // Open311: every read is open (GeoReport v2 asks a key only of POST; reads show public fields
  // only, see docs/interop.md); posting requests and updates needs a key.
  'GET /open311/v2/:file': 'public',
  'GET /open311/v2/services/:file': 'public',
  'GET /open311/v2/requests/:file': 'public',
  'GET /open311/v2/tokens/:file': 'public',
  'POST /open311/v2/:file': 'api-key',
  // Anything else under /open311/v2/ is an Open311-format 404 for everyone, not the console's page.
  'GET /open311/v2/*': 'public',
  'POST /open311/v2/*': 'public',
  'PUT /open311/v2/*': 'public',
  'DELETE /open311/v2/*': 'public',
  'PATCH /open311/v2/*': 'public',
  // Switches, provincial/national transfers and message gateways authenticate by key, never as a user.
  'GET /api/v1/cti/ws': 'api-key',
  'POST /api/v1/cti/events': 'api-key',
  'POST /api/v1/messages': 'api-key',
  'GET /api/v1/messages/replies': 'api-key',
  'POST /api/v1/transfer/tickets': 'api-key',
  'GET /api/v1/transfer/tickets/:externalId': 'api-key',

  // Session and reference data.
  'GET /api/v1/auth/access': ALL,
  'GET /api/v1/auth/me': ALL,
  'GET /api/v1/auth/totp': ALL,
  'POST /api/v1/auth/totp/enrol': ALL,
  'POST /api/v1/auth/totp/confirm': ALL,
  'POST /api/v1/auth/totp/disable': ALL,
  'POST /api/v1/auth/totp/recovery-codes': ALL,
  'POST /api/v1/auth/sessions/revoke-others': ALL,
  'POST /api/v1/auth/password': ALL,
  'POST /api/v1/auth/admin/revoke-sessions': ADMIN,
  'POST /api/v1/auth/admin/reset-totp': ADMIN,
  'GET /api/v1/units': ALL,
  'GET /api/v1/categories': ALL,
  'GET /api/v1/limits': ALL,
  'GET /api/v1/calendar/deadline': ALL,
  'GET /api/v1/calendar/warnings': ALL,
  'GET /api/v1/calendar/years/:year': ALL,

  // Tickets (units see their subtree only: checked object by object in the test).
  'POST /api/v1/tickets': INTAKE,
  'GET /api/v1/tickets': ALL,
  'GET /api/v1/tickets/counts': ALL,
  'GET /api/v1/tickets/:no': ALL,
  'GET /api/v1/tickets/:no/events': ALL,
  // A reply's file: whoever may read the ticket (a unit: its own tickets only).
  'GET /api/v1/tickets/:no/attachments/:id': ALL,
  'POST /api/v1/tickets/duplicate-check': INTAKE,
  // 批量操作: the roles of 归档、派单、签收、指定承办人; each ticket is then checked as its own action.
  'POST /api/v1/tickets/bulk': not('authority'),
  'POST /api/v1/tickets/export.xlsx': ALL,
  'GET /api/v1/tickets/duplicate-groups': LEADS,
  'POST /api/v1/tickets/merge-group': LEADS,
  'POST /api/v1/requesters/history': INTAKE,
  // 指定承办人: the choices are the caller's own unit's members.
  'GET /api/v1/units/mine/members': ['unit_staff', 'unit_head'],
  'GET /api/v1/workbench': ALL,
  'GET /api/v1/portal/tickets/:no/photos': ALL,
  'GET /api/v1/portal/photos/:id': ALL,

  // Knowledge base.
  'GET /api/v1/kb/meta': ALL,
  'GET /api/v1/kb/search': ALL,
  'GET /api/v1/kb/answer': ALL,
  'GET /api/v1/kb/articles': ALL,
  'GET /api/v1/kb/articles/:id': ALL,
  'GET /api/v1/kb/articles/:id/events': ALL,
  'POST /api/v1/kb/articles': KB_WRITERS,
  'PUT /api/v1/kb/articles/:id': KB_WRITERS,
  'POST /api/v1/kb/articles/:id/reports': INTAKE,
  'GET /api/v1/kb/reports': ALL,
  'POST /api/v1/kb/reports/:id/resolve': KB_WRITERS,
  'GET /api/v1/kb/todo': ALL,
  'GET /api/v1/kb/flags': [...KB_WRITERS, 'authority'],
  'GET /api/v1/kb/stats': NOT_AGENT,
  'GET /api/v1/kb/synonyms': ALL,
  'POST /api/v1/kb/synonyms': ADMIN,
  'PUT /api/v1/kb/synonyms/:id': ADMIN,
  'DELETE /api/v1/kb/synonyms/:id': ADMIN,
  'GET /api/v1/kb/settings': ALL,
  'PUT /api/v1/kb/settings': ADMIN,
  'POST /api/v1/kb/import': ['centre', 'admin'],

  // Reports: units get their subtree's figures; the archive and generation are the city's.
  'GET /api/v1/reports/alerts': REPORTS,
  'GET /api/v1/reports/daily': REPORTS,
  'GET /api/v1/reports/daily.pdf': REPORTS,
  'GET /api/v1/reports/daily.xlsx': REPORTS,
  'GET /api/v1/reports/weekly': REPORTS,
  'GET /api/v1/reports/weekly.pdf': REPORTS,
  'GET /api/v1/reports/weekly.xlsx': REPORTS,
  'GET /api/v1/reports/monthly': REPORTS,
  'GET /api/v1/reports/monthly.pdf': REPORTS,
  'GET /api/v1/reports/monthly.xlsx': REPORTS,
  'GET /api/v1/reports/topic': REPORTS,
  'GET /api/v1/reports/topic.pdf': REPORTS,
  'GET /api/v1/reports/topic.xlsx': REPORTS,
  'GET /api/v1/reports/hot-topics': REPORTS,
  'GET /api/v1/reports/archive': CITY_REPORTS,
  'GET /api/v1/reports/archive/:id': CITY_REPORTS,
  'POST /api/v1/reports/generate': ['centre', 'admin'],

  // Supervision.
  'GET /api/v1/supervision/board': NOT_AGENT,
  'GET /api/v1/supervision/board/items': NOT_AGENT,
  'GET /api/v1/supervision/items': NOT_AGENT,
  'GET /api/v1/supervision/items/:id': NOT_AGENT,
  'POST /api/v1/supervision/items': SUPERVISORS,
  'POST /api/v1/supervision/items/:id/close': SUPERVISORS,
  'POST /api/v1/supervision/items/:id/reply': ['unit_staff', 'unit_head'],
  'GET /api/v1/supervision/notifications': ALL,
  'GET /api/v1/notifications/ws': ALL,
  'POST /api/v1/supervision/notifications/:id/read': ALL,
  'POST /api/v1/supervision/notifications/read-all': ALL,

  // Monthly evaluation: everyone reads what is published; the authority decides and publishes.
  'GET /api/v1/evaluation/published': ALL,
  'GET /api/v1/evaluation/months/:month': ALL,
  'GET /api/v1/evaluation/months/:month/published': ALL,
  // The ranking's files: as the page, the month as it stands for the steering roles, published for the others.
  'GET /api/v1/evaluation/months/:month/ranking.xlsx': ALL,
  'GET /api/v1/evaluation/months/:month/ranking.pdf': ALL,
  'POST /api/v1/evaluation/months/:month/findings': ['authority', 'admin'],
  'POST /api/v1/evaluation/months/:month/publish': ['authority', 'admin'],
  // Only the authority leaves a rating out of 满意率 (or puts it back).
  'POST /api/v1/evaluation/months/:month/exclusions': ['authority'],

  // Quality.
  'GET /api/v1/quality/samples': LEADS,
  'GET /api/v1/quality/samples/:id': LEADS,
  'POST /api/v1/quality/samples': ['centre', 'admin'],
  'POST /api/v1/quality/reviews/:id': LEADS,
  'GET /api/v1/quality/improper-returns': CALL_FIGURES,
  'GET /api/v1/quality/units': CALL_FIGURES,
  'GET /api/v1/quality/rules': INTAKE,
  'GET /api/v1/quality/agents': INTAKE,
  'GET /api/v1/quality/cases': INTAKE,
  'POST /api/v1/quality/cases': ['team_lead', 'admin'],
  'GET /api/v1/quality/tickets/:no': INTAKE,
  'POST /api/v1/quality/transcripts': INTAKE,

  // 差评 reviews (their actions are added below from the domain's rules).
  'GET /api/v1/ratings/reviews': NOT_AGENT,
  'GET /api/v1/ratings/reviews/:id': NOT_AGENT,

  // Call handling: no unit role sees a call, a seat or a caller's number.
  'GET /api/v1/seats': LEADS,
  'GET /api/v1/seats/me': ['agent', 'team_lead'],
  'POST /api/v1/seats/me/state': ['agent', 'team_lead'],
  'PUT /api/v1/seats/:agent/skills': ['team_lead', 'admin'],
  'GET /api/v1/calls': CALL_RECORDS,
  'GET /api/v1/calls/:id': CALL_RECORDS,
  'GET /api/v1/call-stats': CALL_FIGURES,
  'GET /api/v1/call-stats/live': CALL_FIGURES,
  'GET /api/v1/missed-calls': INTAKE,
  'POST /api/v1/missed-calls/:id/claim': INTAKE,
  'POST /api/v1/missed-calls/:id/attempt': INTAKE,
  'GET /api/v1/messages': INTAKE,
  'POST /api/v1/messages/:id/claim': INTAKE,
  'POST /api/v1/messages/:id/reply': INTAKE,
  'GET /api/v1/restrictions': INTAKE,
  'POST /api/v1/restrictions': ['team_lead', 'admin'],
  'POST /api/v1/restrictions/:id/approve': ['centre', 'admin'],
  'POST /api/v1/restrictions/:id/revoke': LEADS,

  // SMS.
  'GET /api/v1/sms/deliveries': ['centre', 'admin'],
  'GET /api/v1/sms/opt-outs': LEADS,
  'GET /api/v1/sms/opt-outs/status': INTAKE,
  'PUT /api/v1/sms/opt-outs': INTAKE,
  'POST /api/v1/sms/opt-outs/:id/remove': LEADS,

  // Administration and interfaces.
  'POST /api/v1/units': ADMIN,
  'PUT /api/v1/units/:code': ADMIN,
  'PUT /api/v1/categories/:code': ADMIN,
  'GET /api/v1/users': ADMIN,
  'POST /api/v1/users': ADMIN,
  'PUT /api/v1/users/:username': ADMIN,
  'POST /api/v1/users/:username/password': ADMIN,
  'PUT /api/v1/calendar/days/:date': ADMIN,
  'POST /api/v1/calendar/years/:year/import': ADMIN,
  'GET /api/v1/apikeys': ADMIN,
  'POST /api/v1/apikeys': ADMIN,
  'POST /api/v1/apikeys/:id/revoke': ADMIN,
  'POST /api/v1/apikeys/:id/rotate': ADMIN,
  'GET /api/v1/webhooks': ADMIN,
  'POST /api/v1/webhooks': ADMIN,
  'PUT /api/v1/webhooks/:id': ADMIN,
  'GET /api/v1/webhooks/:id/deliveries': ADMIN,
  'GET /api/v1/webhooks/:id/dead-letters': ADMIN,
  'POST /api/v1/webhooks/:id/dead-letters/:letter/replay': ADMIN,
  'GET /api/v1/events': ADMIN,
};

const fromDomain: Record<string, Access> = {};
for (const action of ACTIONS) fromDomain[`POST /api/v1/tickets/:no/actions/${action}`] = ACTION_RULES[action].roles;
for (const [action, rule] of Object.entries(ARTICLE_ACTION_RULES)) fromDomain[`POST /api/v1/kb/articles/:id/actions/${action}`] = rule.roles;
// Drill-down: the steering roles on any unit, a unit user on its own unit's figures (once published).
for (const indicator of DRILLABLE) fromDomain[`GET /api/v1/evaluation/months/:month/units/:code/indicators/${indicator}`] = ['centre', 'authority', 'admin', 'unit_staff', 'unit_head'];
for (const action of REVIEW_ACTIONS) fromDomain[`POST /api/v1/ratings/reviews/:id/actions/${action}`] = REVIEW_ACTION_RULES[action].roles;

export const ACCESS_POLICY: Readonly<Record<string, Access>> = { ...byHand, ...fromDomain };

/** Routes that exist only while the console is built (web/dist): not missed when it is not. */
export const CONSOLE_BUILD_ROUTES: readonly string[] = ['GET /*', 'GET /index.html', 'GET /assets/*'];

/** The table's key for a registered route (every console file under /assets/ shares one). */
export function policyKey(method: string, url: string): string {
  return `${method} ${url.startsWith('/assets/') ? '/assets/*' : url}`;
}

/** Whether the role passes the route's policy (an API-key or citizen route admits no user; a public one everyone). */
export function allows(access: Access, role: Role): boolean {
  return access === 'public' || (access !== 'api-key' && access !== 'citizen' && access.includes(role));
}
