// Which roles open each console page, in one table: the router's guard shows 无权限 to the others and
// the menu lists only what the role may open. The server has the last word: a page opens only when
// GET /api/v1/auth/access admits the role to every route in its `api`. `api` names the API routes the page cannot work without
// (as `METHOD path` keys of test/support/access-policy.ts): the access test checks that the API admits
// every role the page admits, and the browser test visits every page as every role.
import type { Role } from './types.ts';
import { KB_WRITERS } from '../../src/knowledge/contract.ts';

export interface PageAccess {
  path: string;
  /** The menu entry; pages without one are reached from other pages (a ticket, an article). */
  label?: string;
  /** The menu group of an entry with a label. */
  group?: Group;
  /** The tab title of a page without a menu entry. */
  title?: string;
  /** Roles the page is for; every logged-in role when absent. The server's answer narrows it further. */
  roles?: readonly Role[];
  api: readonly string[];
}

const INTAKE: Role[] = ['agent', 'team_lead', 'centre', 'admin'];
const LEADS: Role[] = ['centre', 'team_lead', 'admin'];
const NOT_AGENT: Role[] = ['centre', 'team_lead', 'authority', 'admin', 'unit_staff', 'unit_head'];
const ADMIN: Role[] = ['admin'];

/** The menu's groups, in order. */
export const GROUPS = ['受理', '工单', '话务', '知识库', '督办', '考评', '报表', '管理'] as const;
export type Group = (typeof GROUPS)[number];

/** In menu order, group by group. */
export const PAGES: readonly PageAccess[] = [
  { path: '/intake', label: '受理台', group: '受理', roles: INTAKE, api: ['POST /api/v1/tickets', 'POST /api/v1/requesters/history'] },
  { path: '/calls/missed', label: '漏接回拨', group: '受理', roles: INTAKE, api: ['GET /api/v1/missed-calls'] },
  { path: '/calls/messages', label: '短信/网络留言', group: '受理', roles: INTAKE, api: ['GET /api/v1/messages'] },
  { path: '/workbench', label: '工作台', group: '工单', api: ['GET /api/v1/workbench'] },
  { path: '/tickets', label: '工单列表', group: '工单', api: ['GET /api/v1/tickets'] },
  { path: '/tickets/:no', title: '工单详情', api: ['GET /api/v1/tickets/:no', 'GET /api/v1/tickets/:no/events'] },
  { path: '/callback', label: '回访台', group: '工单', roles: LEADS, api: ['GET /api/v1/tickets', 'POST /api/v1/tickets/:no/actions/callback'] },
  { path: '/duplicates', label: '并单台', group: '工单', roles: LEADS, api: ['GET /api/v1/tickets/duplicate-groups', 'POST /api/v1/tickets/merge-group'] },
  { path: '/calls/wall', label: '坐席监控', group: '话务', roles: ['team_lead', 'centre', 'admin'], api: ['GET /api/v1/seats', 'GET /api/v1/call-stats/live'] },
  { path: '/calls/stats', label: '话务统计', group: '话务', roles: ['team_lead', 'centre', 'authority', 'admin'], api: ['GET /api/v1/call-stats'] },
  { path: '/calls/restrictions', label: '限制呼入', group: '话务', roles: ['team_lead', 'centre', 'admin'], api: ['GET /api/v1/restrictions'] },
  { path: '/kb', label: '知识检索', group: '知识库', api: ['GET /api/v1/kb/search'] },
  { path: '/kb/todo', label: '知识库待办', group: '知识库', roles: KB_WRITERS, api: ['GET /api/v1/kb/todo'] },
  { path: '/kb/articles/new', title: '新建知识', roles: KB_WRITERS, api: ['POST /api/v1/kb/articles'] },
  { path: '/kb/articles/:id', title: '知识条目', api: ['GET /api/v1/kb/articles/:id'] },
  { path: '/supervision', label: '效能监察', group: '督办', roles: ['centre', 'team_lead', 'authority', 'admin'], api: ['GET /api/v1/supervision/board'] },
  { path: '/supervision/items', label: '督办', group: '督办', roles: NOT_AGENT, api: ['GET /api/v1/supervision/items'] },
  { path: '/ratings', label: '差评处理', group: '督办', roles: NOT_AGENT, api: ['GET /api/v1/ratings/reviews'] },
  { path: '/evaluation', label: '月度考核', group: '考评', roles: ['authority', 'centre', 'admin', 'unit_staff', 'unit_head'], api: ['GET /api/v1/evaluation/months/:month'] },
  { path: '/quality/review', label: '质效审核', group: '考评', roles: LEADS, api: ['GET /api/v1/quality/samples'] },
  { path: '/quality/agents', label: '智能质检', group: '考评', roles: INTAKE, api: ['GET /api/v1/quality/agents'] },
  { path: '/reports', label: '统计报表', group: '报表', roles: ['centre', 'authority', 'admin', 'unit_staff', 'unit_head'], api: ['GET /api/v1/reports/daily'] },
  { path: '/admin/units', label: '单位管理', group: '管理', roles: ADMIN, api: ['PUT /api/v1/units/:code'] },
  { path: '/admin/users', label: '用户与角色', group: '管理', roles: ADMIN, api: ['GET /api/v1/users'] },
  { path: '/admin/categories', label: '分类与时限', group: '管理', roles: ADMIN, api: ['PUT /api/v1/categories/:code'] },
  { path: '/admin/calendar', label: '工作日历', group: '管理', roles: ADMIN, api: ['PUT /api/v1/calendar/days/:date'] },
  { path: '/admin/apikeys', label: 'API 密钥', group: '管理', roles: ADMIN, api: ['GET /api/v1/apikeys', 'POST /api/v1/apikeys', 'POST /api/v1/apikeys/:id/revoke'] },
  {
    path: '/admin/webhooks',
    label: 'Webhook 订阅',
    group: '管理',
    roles: ADMIN,
    api: ['GET /api/v1/webhooks', 'POST /api/v1/webhooks', 'PUT /api/v1/webhooks/:id', 'GET /api/v1/webhooks/:id/dead-letters', 'POST /api/v1/webhooks/:id/dead-letters/:letter/replay', 'GET /api/v1/units'],
  },
  { path: '/admin/sms-opt-outs', label: '短信退订', group: '管理', roles: ADMIN, api: ['GET /api/v1/sms/opt-outs', 'PUT /api/v1/sms/opt-outs', 'POST /api/v1/sms/opt-outs/:id/remove'] },
  { path: '/account/security', title: '账户安全', api: ['GET /api/v1/auth/totp', 'POST /api/v1/auth/totp/enrol', 'POST /api/v1/auth/sessions/revoke-others', 'POST /api/v1/auth/password'] },
];

export function pageAccess(path: string): PageAccess {
  const found = PAGES.find((p) => p.path === path);
  if (!found) throw new Error(`page ${path} is not in the access table`);
  return found;
}

/**
 * Whether the role may open the page. `routes` is what the server says the role may call
 * (GET /api/v1/auth/access, read off the routes' own guards): with it, a page whose API would refuse
 * the role is never offered, whatever `roles` says. `roles` can only narrow a page's audience.
 */
export function mayOpen(page: PageAccess, role: Role, routes?: ReadonlySet<string>): boolean {
  if (page.roles && !page.roles.includes(role)) return false;
  return !routes || page.api.every((key) => routes.has(key));
}

/** The tab's title for a page: its menu label or its own title. */
export function pageTitle(page: PageAccess): string {
  return `${page.label ?? page.title ?? '控制台'} - 12345 热线平台`;
}
