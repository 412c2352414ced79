// The access matrix: every route the application registers, called as every role (and anonymously)
// with a request good enough to pass validation, against the table in test/support/access-policy.ts.
// A role the table refuses must get 401/403 (or 404 for an object it may not know of, such as another
// unit's draft); a role it admits must get past the check (any other answer, never a 5xx, and never
// 404 for an object of its own subtree); anonymous requests get 401 except on public routes. A route
// missing from the table fails the run. Object by object: a unit user naming another subtree's
// ticket, timeline, photo, 督办 item, 差评 review or 纠错 report gets 404. And no answer a unit user
// gets (lists, details, timelines, reports and their Excel exports, search, notifications) holds
// another subtree's ticket, a confidential requester's name, phone or ID number (not even masked), or
// any requester's full phone, ID number or name; nor does an answer to the authority.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import ExcelJS from 'exceljs';
import { describeEachEngine, intakeBody, PASSWORD, startTestApp, type TestApp } from '../../test/support/app.ts';
import { appWithRoutes, type RegisteredRoute } from '../../test/support/routes.ts';
import { ACCESS_POLICY, allows, CONSOLE_BUILD_ROUTES, policyKey, type Access } from '../../test/support/access-policy.ts';
import { ROLES, type Role } from '../domain/roles.ts';
import { ACTIONS, ACTION_RULES, type Action } from '../domain/ticket-states.ts';
import { SUPERVISION_RULES } from '../domain/supervision.ts';
import { SUPERVISION_KINDS } from '../domain/supervision-kinds.ts';
import { maskIdNumber, maskName, maskPhone } from '../domain/masking.ts';

/** The user who stands for each role; unit users belong to 住建局 (ZJJ). */
const AS: Record<Role, string> = {
  agent: 'agent1',
  team_lead: 'lead1',
  centre: 'centre1',
  authority: 'authority1',
  unit_staff: 'zjj.staff',
  unit_head: 'zjj.head',
  admin: 'admin',
};
/** Units of another subtree (市场监管局), who must see none of ZJJ's objects. */
const OTHER_UNIT_USERS = ['scjgj.staff', 'scjgj.head'];

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

interface Person {
  name: string;
  phone: string;
  idNumber: string;
}
let personSeq = 0;
/** A requester whose name, phone and ID number occur nowhere else. */
function person(surname: string): Person {
  personSeq += 1;
  const n = String(personSeq).padStart(4, '0');
  return { name: `${surname}矩${'甲乙丙丁戊己庚辛壬癸'[personSeq % 10]}${personSeq}`, phone: `1371234${n}`, idNumber: `23010319800101${n}` };
}

interface Fixture {
  /** ZJJ's tickets: confidential, plain, from the portal with a photo, with a 差评 review. */
  zjjConfidential: { no: string; who: Person };
  zjjPlain: { no: string; who: Person };
  zjjPortal: { no: string; who: Person; photoId: number };
  zjjReviewed: { no: string; who: Person; reviewId: number };
  /** A file on ZJJ's reply to zjjReviewed. */
  attachmentId: number;
  /** SCJGJ's tickets, which no ZJJ user may see. */
  scjgj: Array<{ no: string; who: Person }>;
  /** One ticket per action, dispatched so that ZJJ holds the duty the action needs. */
  forAction: Record<Action, string>;
  /** 督办 items on ZJJ tickets, by kind. */
  item: Record<'phone' | 'special', number>;
  notificationId: number;
  article: { published: number; draft: Record<string, number> };
  kbReportId: number;
  synonymsId: number;
  apiKeyId: number;
}

interface Req {
  url: string;
  body?: unknown;
  /** The URL names an object of ZJJ's subtree: ZJJ's users must find it, other units must get 404. */
  zjjObject?: boolean;
}

describeEachEngine('access matrix: every route × every role', (engine) => {
  let t: TestApp;
  let app: FastifyInstance;
  let routes: RegisteredRoute[] = [];
  let dataDir: string;
  const tokens: Record<string, string> = {};
  let fx: Fixture;

  const login = async (username: string): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: PASSWORD } });
    assert.equal(res.statusCode, 200, `login ${username}: ${res.body}`);
    return JSON.parse(res.body).token;
  };
  const send = async (username: string | null, method: string, url: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    const bearer = token ?? (username ? tokens[username] : undefined);
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const init: InjectOptions = { method: method as InjectOptions['method'], url, headers, remoteAddress: '10.9.0.1' };
    if (body !== undefined) init.payload = body as object;
    return app.inject(init);
  };
  const json = async (username: string, method: string, url: string, body?: unknown, expect = 200) => {
    const res = await send(username, method, url, body);
    assert.equal(res.statusCode, expect, `${username} ${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.body ? JSON.parse(res.body) : null;
  };
  const act = (username: string, no: string, action: string, body: unknown = {}) => json(username, 'POST', `/api/v1/tickets/${no}/actions/${action}`, body);

  const intake = async (unit: string, who: Person, extra: Record<string, unknown> = {}) => {
    const created = await json(
      'agent1',
      'POST',
      '/api/v1/tickets',
      intakeBody({ requester: { kind: 'person', name: who.name, phone: who.phone, idNumber: who.idNumber, ...(extra.confidential ? { confidential: true } : {}) }, facts: `${who.name.slice(-2)}反映小区楼道堆放杂物无人清理`, dispatch: { leadUnitCode: unit, ...(extra.co ? { coUnitCodes: [extra.co] } : {}) } }),
      201,
    );
    return created.no as string;
  };
  /** Portal submission with a photo, dispatched by the centre; returns the ticket and the photo id. */
  const portalTicket = async (unit: string, who: Person) => {
    const c = JSON.parse((await send(null, 'GET', '/api/v1/public/portal/captcha')).body);
    const m = /^(\d+) ([+−×]) (\d+) = \?$/.exec(c.question)!;
    const answer = m[2] === '+' ? Number(m[1]) + Number(m[3]) : m[2] === '−' ? Number(m[1]) - Number(m[3]) : Number(m[1]) * Number(m[3]);
    const made = await send(null, 'POST', '/api/v1/public/portal/requests', {
      type: 'complaint',
      categoryCode: 'ZFWY-WY',
      facts: '小区楼道堆放杂物长期无人清理，存在消防隐患',
      address: '东安区新安街道光华小区5号楼',
      name: who.name,
      phone: who.phone,
      photos: [{ name: 'a.png', data: PNG.toString('base64') }],
      captcha: { token: c.token, answer: String(answer) },
    });
    assert.equal(made.statusCode, 201, made.body);
    const no = JSON.parse(made.body).no as string;
    await act('centre1', no, 'dispatch', { leadUnitCode: unit });
    const photos = await json('centre1', 'GET', `/api/v1/portal/tickets/${no}/photos`);
    return { no, photoId: Number(String(photos.items[0].url).match(/(\d+)(?:\?|$)/)![1]) };
  };
  /** A ticket replied by the unit, passed, called back unsatisfied: a 差评 review opens. */
  const reviewedTicket = async (unit: string, staff: string, who: Person) => {
    const no = await intake(unit, who);
    await act(staff, no, 'sign');
    await act(staff, no, 'reply', { content: '已联系物业公司，楼道杂物已于当日清运完毕，并约定每日清理。' });
    await act('centre1', no, 'review', { pass: true });
    await act('centre1', no, 'callback', { reached: true, satisfaction: 'unsatisfied', words: '态度敷衍', reasonable: false });
    const reviews = await json('centre1', 'GET', `/api/v1/ratings/reviews?ticketNo=${no}`);
    return { no, reviewId: Number(reviews.items[0].id) };
  };

  before(async () => {
    t = await startTestApp(engine);
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-access-'));
    t.ctx.dataDir = dataDir;
    ({ app, routes } = await appWithRoutes(t.ctx));
    for (const username of [...Object.values(AS), ...OTHER_UNIT_USERS]) tokens[username] = await login(username);

    const zjjConfidential = { who: person('冷'), no: '' };
    zjjConfidential.no = await intake('ZJJ', zjjConfidential.who, { confidential: true });
    const zjjPlain = { who: person('宋'), no: '' };
    zjjPlain.no = await intake('ZJJ', zjjPlain.who);
    const portalWho = person('岳');
    const zjjPortal = { who: portalWho, ...(await portalTicket('ZJJ', portalWho)) };
    const reviewedWho = person('欧阳');
    const zjjReviewed = { who: reviewedWho, ...(await reviewedTicket('ZJJ', 'zjj.staff', reviewedWho)) };
    const scjgj: Array<{ no: string; who: Person }> = [];
    for (const surname of ['韩', '闻人']) {
      const who = person(surname);
      scjgj.push({ who, no: await intake('SCJGJ', who, surname === '韩' ? { confidential: true } : {}) });
    }
    const sPortal = person('司马');
    scjgj.push({ who: sPortal, no: (await portalTicket('SCJGJ', sPortal)).no });
    const sReviewed = person('上官');
    scjgj.push({ who: sReviewed, no: (await reviewedTicket('SCJGJ', 'scjgj.staff', sReviewed)).no });
    // 督办 and its notifications on the other unit too, so their lists have something to leak.
    await json('authority1', 'POST', '/api/v1/supervision/items', { kind: 'special', ticketNo: scjgj[1]!.no, matter: '请于期限内办结并书面回复' }, 201);

    const forAction = {} as Record<Action, string>;
    for (const action of ACTIONS) {
      // 协办意见 needs ZJJ as co-handler; every other action ZJJ as the lead unit.
      forAction[action] = ACTION_RULES[action].unitDuty === 'co' ? await intake('SCJGJ', person('贺'), { co: 'ZJJ' }) : await intake('ZJJ', person('贺'));
    }
    const special = (await json('authority1', 'POST', '/api/v1/supervision/items', { kind: 'special', ticketNo: zjjPlain.no, matter: '请于期限内办结并书面回复' }, 201)).id as number;
    // 电话督办 waits for a warning light, days away on the test clock: the row is copied instead.
    const { id: _id, ...row } = await t.ctx.store.db.selectFrom('supervision_items').selectAll().where('id', '=', special).executeTakeFirstOrThrow();
    const phone = await t.ctx.store.db.insertInto('supervision_items').values({ ...row, kind: 'phone' }).returning('id').executeTakeFirstOrThrow();
    const item = { phone: Number(phone.id), special };
    const notifications = await json('zjj.staff', 'GET', '/api/v1/supervision/notifications');
    const notificationId = Number((notifications.items ?? notifications)[0]?.id ?? 1);

    const article = async (title: string) => (await json('zjj.staff', 'POST', '/api/v1/kb/articles', { kind: 'faq', title, body: `${title}：请拨打物业服务电话或向街道反映。` }, 201)).id as number;
    const published = await article('楼道杂物清理怎么办');
    await json('zjj.staff', 'POST', `/api/v1/kb/articles/${published}/actions/submit`, {});
    await json('zjj.head', 'POST', `/api/v1/kb/articles/${published}/actions/approve`, { approve: true });
    await json('centre1', 'POST', `/api/v1/kb/articles/${published}/actions/review`, { pass: true });
    const draft: Record<string, number> = { edit: await article('矩阵草稿') };
    for (const action of ['submit', 'approve', 'review', 'withdraw', 'revise']) draft[action] = await article(`矩阵草稿${action}`);
    const kbReportId = (await json('agent1', 'POST', `/api/v1/kb/articles/${published}/reports`, { content: '电话号码有误' }, 201)).id as number;
    const synonymsId = (await json('admin', 'POST', '/api/v1/kb/synonyms', { terms: ['楼道', '走廊'] }, 201)).id as number;
    const apiKeyId = (await json('admin', 'POST', '/api/v1/apikeys', { name: '矩阵', scopes: ['events:read'] }, 201)).id as number;
    await json('admin', 'POST', '/api/v1/users', { username: 'matrix.target', password: PASSWORD, role: 'agent', unitCode: 'MDJ12345', displayName: '矩阵' }, 201);

    // A file on ZJJ's reply (the upload itself is src/tickets/reply-attachments.test.ts's).
    const replied = await t.ctx.store.db.selectFrom('submissions as s').innerJoin('tickets as tk', 'tk.id', 's.ticket_id').select(['s.id', 's.ticket_id', 's.created_by']).where('tk.no', '=', zjjReviewed.no).where('s.kind', '=', 'reply').executeTakeFirstOrThrow();
    const attachment = await t.ctx.store.db
      .insertInto('reply_attachments')
      .values({ ticket_id: replied.ticket_id, submission_id: replied.id, file_name: '现场照片.png', content_type: 'image/png', size: 8, sha256: '-', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), created_by: replied.created_by, created_at: t.clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const attachmentId = Number(attachment.id);

    fx = { attachmentId, zjjConfidential, zjjPlain, zjjPortal, zjjReviewed, scjgj, forAction, item, notificationId, article: { published, draft }, kbReportId, synonymsId, apiKeyId };
  });
  after(async () => {
    await app?.close();
    await t?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The request for one route (pattern, with enum path values filled in) as one role. */
  const requestFor = (key: string, url: string, role: Role): Req => {
    const [method] = key.split(' ');
    const action = /\/tickets\/:no\/actions\/(\w+)$/.exec(url)?.[1] as Action | undefined;
    if (action) {
      const no = fx.forAction[action];
      const bodies: Partial<Record<Action, unknown>> = {
        dispatch: { leadUnitCode: 'ZJJ' },
        delegate: { unitCode: 'ZJJ-WYK' },
        return: { reason: '不属本单位职责', basis: '三定方案' },
        decide_return: { accept: false, note: '属于职责' },
        dispute: { reason: '职责有争议' },
        settle_dispute: { leadUnitCode: 'ZJJ', note: '维持' },
        request_extension: { amount: 5, reason: '需现场核查' },
        decide_extension: { approve: false, note: '不予延期' },
        opinion: { content: '协办意见' },
        first_response: { content: '已响应' },
        progress: { content: '办理中' },
        reply: { content: '已办结' },
        decline: { content: '不再办理', reasonCode: '17.1' },
        approve_reply: { approve: true },
        review: { pass: true },
        callback: { reached: true, satisfaction: 'satisfied' },
        quality_send_back: { note: '敷衍' },
        quality_redispatch: { leadUnitCode: 'ZJJ', note: '改派' },
        flag_special: { level: 'special' },
        merge: { intoNo: fx.zjjPlain.no },
        reveal_contact: { reason: '需电话核实' },
        assign: { assignee: role === 'unit_head' ? 'zjj.head' : 'zjj.staff' },
        note: { remark: '内部备注：已电话联系' },
      };
      return { url: url.replace(':no', no), body: bodies[action] ?? {}, zjjObject: ACTION_RULES[action].unitDuty !== 'co' };
    }
    const kbAction = /\/kb\/articles\/:id\/actions\/(\w+)$/.exec(url)?.[1];
    if (kbAction) {
      const bodies: Record<string, unknown> = { submit: {}, approve: { approve: true }, review: { pass: true }, withdraw: { reason: '政策已调整' }, revise: {} };
      return { url: url.replace(':id', String(fx.article.draft[kbAction])), body: bodies[kbAction], zjjObject: true };
    }
    const reviewAction = /\/ratings\/reviews\/:id\/actions\/(\w+)$/.exec(url)?.[1];
    if (reviewAction) {
      const bodies: Record<string, unknown> = {
        verify: { classification: 'unit_fault' },
        rectify: { outcome: 'rectified', content: '已整改' },
        appeal: { reason: '已按政策答复' },
        decide_appeal: { upheld: true, note: '维持' },
        callback: { reached: true, accepted: true },
      };
      return { url: url.replace(':id', String(fx.zjjReviewed.reviewId)), body: bodies[reviewAction], zjjObject: true };
    }
    const indicator = /\/evaluation\/months\/:month\/units\/:code\/indicators\/(\w+)$/.exec(url)?.[1];
    if (indicator) return { url: `/api/v1/evaluation/months/2026-02/units/ZJJ/indicators/${indicator}` };
    const kindFor = (r: Role) => SUPERVISION_KINDS.find((k) => SUPERVISION_RULES[k].issuers.includes(r) && SUPERVISION_RULES[k].ticket === 'required') ?? 'special';
    const specific: Record<string, () => Req> = {
      'GET /*': () => ({ url: '/tickets' }),
      'GET /api/docs/static/*': () => ({ url: '/api/docs/static/index.css' }),
      'GET /open311/v2/:file': () => ({ url: '/open311/v2/discovery.json' }),
      'GET /open311/v2/services/:file': () => ({ url: '/open311/v2/services/ZFWY-WY.json' }),
      'GET /open311/v2/requests/:file': () => ({ url: `/open311/v2/requests/${fx.zjjPlain.no}.json` }),
      'GET /open311/v2/tokens/:file': () => ({ url: '/open311/v2/tokens/x.json' }),
      'POST /open311/v2/:file': () => ({ url: '/open311/v2/requests.json', body: { service_code: 'ZFWY-WY', description: '楼道堆物', phone: '13900000000' } }),
      'GET /open311/v2/*': () => ({ url: '/open311/v2/no/such/path.json' }),
      'POST /open311/v2/*': () => ({ url: '/open311/v2/no/such/path.json', body: {} }),
      'PUT /open311/v2/*': () => ({ url: '/open311/v2/no/such/path.json', body: {} }),
      'DELETE /open311/v2/*': () => ({ url: '/open311/v2/no/such/path.json' }),
      'PATCH /open311/v2/*': () => ({ url: '/open311/v2/no/such/path.json', body: {} }),
      'GET /public/kb/articles/:id': () => ({ url: `/public/kb/articles/${fx.article.published}` }),
      'GET /api/v1/public/kb/articles/:id': () => ({ url: `/api/v1/public/kb/articles/${fx.article.published}` }),
      'GET /api/v1/public/kb/search': () => ({ url: '/api/v1/public/kb/search?q=楼道' }),
      'GET /api/v1/public/kb/answer': () => ({ url: '/api/v1/public/kb/answer?q=楼道' }),
      'GET /api/v1/public/portal/photos/:id': () => ({ url: `/api/v1/public/portal/photos/${fx.zjjPortal.photoId}` }),
      'POST /api/v1/public/portal/rate': () => ({ url: '/api/v1/public/portal/rate', body: { no: fx.zjjPlain.no, code: '000000', level: 'satisfied' } }),
      'POST /api/v1/public/portal/rating-code': () => ({ url: '/api/v1/public/portal/rating-code', body: { no: fx.zjjPlain.no, phoneLast4: '0000' } }),
      'POST /api/v1/public/portal/track': () => ({ url: '/api/v1/public/portal/track', body: { no: fx.zjjPlain.no, phoneLast4: '0000' } }),
      'POST /api/v1/public/portal/requests': () => ({ url: '/api/v1/public/portal/requests', body: { type: 'complaint', facts: '楼道堆物无人管', phone: '13900000000', captcha: { token: 'x', answer: '1' } } }),
      'POST /api/v1/auth/login': () => ({ url: '/api/v1/auth/login', body: { username: AS[role], password: PASSWORD } }),
      'POST /api/v1/cti/events': () => ({ url: '/api/v1/cti/events', body: { events: [] } }),
      'POST /api/v1/messages': () => ({ url: '/api/v1/messages', body: { channel: 'sms', from: '13900000000', text: '你好' } }),
      'POST /api/v1/transfer/tickets': () => ({ url: '/api/v1/transfer/tickets', body: { externalId: 'X-1', origin: 'provincial', type: 'complaint', requester: { phone: '13900000000' }, facts: '楼道堆物' } }),
      'GET /api/v1/transfer/tickets/:externalId': () => ({ url: '/api/v1/transfer/tickets/X-1' }),
      'GET /api/v1/calendar/deadline': () => ({ url: '/api/v1/calendar/deadline?from=2026-03-02T09:00:00%2B08:00&unit=working_days&amount=5' }),
      'GET /api/v1/calendar/years/:year': () => ({ url: '/api/v1/calendar/years/2026' }),
      'POST /api/v1/tickets': () => ({ url: '/api/v1/tickets', body: intakeBody({ requester: { kind: 'person', name: '张三丰', phone: `1380000${String(ROLES.indexOf(role)).padStart(4, '0')}` } }) }),
      'GET /api/v1/tickets/:no': () => ({ url: `/api/v1/tickets/${fx.zjjConfidential.no}`, zjjObject: true }),
      'GET /api/v1/tickets/:no/events': () => ({ url: `/api/v1/tickets/${fx.zjjConfidential.no}/events`, zjjObject: true }),
      'GET /api/v1/tickets/:no/attachments/:id': () => ({ url: `/api/v1/tickets/${fx.zjjReviewed.no}/attachments/${fx.attachmentId}`, zjjObject: true }),
      'GET /api/v1/tickets': () => ({ url: '/api/v1/tickets?pageSize=100' }),
      'POST /api/v1/tickets/duplicate-check': () => ({ url: '/api/v1/tickets/duplicate-check', body: { phone: fx.zjjPlain.who.phone, facts: '楼道堆放杂物无人清理' } }),
      'POST /api/v1/tickets/bulk': () => ({ url: '/api/v1/tickets/bulk', body: { action: role === 'agent' ? 'dispatch' : role === 'unit_staff' || role === 'unit_head' ? 'sign' : 'archive', nos: ['MDJ20260101999999'] } }),
      'POST /api/v1/tickets/merge-group': () => ({ url: '/api/v1/tickets/merge-group', body: { mainNo: 'MDJ20260101999998', nos: ['MDJ20260101999999'] } }),
      'POST /api/v1/tickets/export.xlsx': () => ({ url: '/api/v1/tickets/export.xlsx', body: { nos: [fx.zjjPlain.no, fx.zjjConfidential.no, fx.scjgj[0]!.no] } }),
      'POST /api/v1/requesters/history': () => ({ url: '/api/v1/requesters/history', body: { phone: fx.zjjPlain.who.phone } }),
      'GET /api/v1/portal/tickets/:no/photos': () => ({ url: `/api/v1/portal/tickets/${fx.zjjPortal.no}/photos`, zjjObject: true }),
      'GET /api/v1/portal/photos/:id': () => ({ url: `/api/v1/portal/photos/${fx.zjjPortal.photoId}`, zjjObject: true }),
      'GET /api/v1/kb/search': () => ({ url: '/api/v1/kb/search?q=楼道' }),
      'GET /api/v1/kb/answer': () => ({ url: '/api/v1/kb/answer?q=楼道杂物' }),
      'GET /api/v1/kb/articles/:id': () => ({ url: `/api/v1/kb/articles/${fx.article.published}` }),
      'GET /api/v1/kb/articles/:id/events': () => ({ url: `/api/v1/kb/articles/${fx.article.published}/events` }),
      'POST /api/v1/kb/articles': () => ({ url: '/api/v1/kb/articles', body: { kind: 'faq', title: `矩阵新条目${role}`, body: '正文', ...(role === 'centre' || role === 'admin' ? { unitCode: 'ZJJ' } : {}) } }),
      'PUT /api/v1/kb/articles/:id': () => ({ url: `/api/v1/kb/articles/${fx.article.draft.edit}`, body: { title: '矩阵草稿（改）' }, zjjObject: true }),
      'POST /api/v1/kb/articles/:id/reports': () => ({ url: `/api/v1/kb/articles/${fx.article.published}/reports`, body: { content: '地址有误' } }),
      'POST /api/v1/kb/reports/:id/resolve': () => ({ url: `/api/v1/kb/reports/${fx.kbReportId}/resolve`, body: { accept: false, note: '核实无误' }, zjjObject: true }),
      'POST /api/v1/kb/synonyms': () => ({ url: '/api/v1/kb/synonyms', body: { terms: ['矩阵甲', '矩阵乙'] } }),
      'PUT /api/v1/kb/synonyms/:id': () => ({ url: `/api/v1/kb/synonyms/${fx.synonymsId}`, body: { terms: ['楼道', '走廊', '楼梯间'] } }),
      'DELETE /api/v1/kb/synonyms/:id': () => ({ url: `/api/v1/kb/synonyms/${fx.synonymsId}` }),
      'PUT /api/v1/kb/settings': () => ({ url: '/api/v1/kb/settings', body: {} }),
      'POST /api/v1/kb/import': () => ({ url: '/api/v1/kb/import', body: { text: '无公文' } }),
      'GET /api/v1/reports/archive/:id': () => ({ url: '/api/v1/reports/archive/1' }),
      'POST /api/v1/reports/generate': () => ({ url: '/api/v1/reports/generate', body: { kind: 'daily' } }),
      'GET /api/v1/supervision/items/:id': () => ({ url: `/api/v1/supervision/items/${fx.item.special}`, zjjObject: true }),
      'POST /api/v1/supervision/items': () => ({ url: '/api/v1/supervision/items', body: { kind: kindFor(role), ticketNo: fx.zjjPlain.no, matter: '请尽快办理' } }),
      'POST /api/v1/supervision/items/:id/close': () => ({ url: `/api/v1/supervision/items/${fx.item[kindFor(role) === 'phone' ? 'phone' : 'special']}/close`, body: { accept: false, note: '回复不充分' }, zjjObject: true }),
      'POST /api/v1/supervision/items/:id/reply': () => ({ url: `/api/v1/supervision/items/${fx.item.special}/reply`, body: { content: '已办结', outcome: 'done' }, zjjObject: true }),
      'POST /api/v1/supervision/notifications/:id/read': () => ({ url: `/api/v1/supervision/notifications/${fx.notificationId}/read` }),
      'POST /api/v1/supervision/notifications/read-all': () => ({ url: '/api/v1/supervision/notifications/read-all' }),
      'GET /api/v1/evaluation/months/:month': () => ({ url: '/api/v1/evaluation/months/2026-02' }),
      'GET /api/v1/evaluation/months/:month/published': () => ({ url: '/api/v1/evaluation/months/2026-02/published' }),
      'GET /api/v1/evaluation/months/:month/ranking.xlsx': () => ({ url: '/api/v1/evaluation/months/2026-02/ranking.xlsx' }),
      'GET /api/v1/evaluation/months/:month/ranking.pdf': () => ({ url: '/api/v1/evaluation/months/2026-02/ranking.pdf' }),
      'POST /api/v1/evaluation/months/:month/findings': () => ({ url: '/api/v1/evaluation/months/2026-02/findings', body: { unitCode: 'ZJJ', trigger: 'overdue_unexplained', decision: 'dismissed' } }),
      'POST /api/v1/evaluation/months/:month/publish': () => ({ url: '/api/v1/evaluation/months/2026-02/publish' }),
      'POST /api/v1/evaluation/months/:month/exclusions': () => ({ url: '/api/v1/evaluation/months/2026-02/exclusions', body: { callbackId: 1, exclude: true, reason: '矩阵' } }),
      'GET /api/v1/quality/samples/:id': () => ({ url: '/api/v1/quality/samples/1' }),
      'POST /api/v1/quality/samples': () => ({ url: '/api/v1/quality/samples', body: { from: '2026-03-01', to: '2026-03-02', size: 1 } }),
      'POST /api/v1/quality/reviews/:id': () => ({ url: '/api/v1/quality/reviews/1', body: {} }),
      'POST /api/v1/quality/cases': () => ({ url: '/api/v1/quality/cases', body: {} }),
      'POST /api/v1/quality/transcripts': () => ({ url: '/api/v1/quality/transcripts', body: {} }),
      'GET /api/v1/quality/tickets/:no': () => ({ url: `/api/v1/quality/tickets/${fx.zjjPlain.no}` }),
      'GET /api/v1/ratings/reviews': () => ({ url: '/api/v1/ratings/reviews' }),
      'GET /api/v1/ratings/reviews/:id': () => ({ url: `/api/v1/ratings/reviews/${fx.zjjReviewed.reviewId}`, zjjObject: true }),
      'POST /api/v1/seats/me/state': () => ({ url: '/api/v1/seats/me/state', body: { state: 'ready' } }),
      'PUT /api/v1/seats/:agent/skills': () => ({ url: '/api/v1/seats/agent1/skills', body: { skills: ['general'] } }),
      'GET /api/v1/calls/:id': () => ({ url: '/api/v1/calls/1' }),
      'POST /api/v1/missed-calls/:id/claim': () => ({ url: '/api/v1/missed-calls/1/claim' }),
      'POST /api/v1/missed-calls/:id/attempt': () => ({ url: '/api/v1/missed-calls/1/attempt', body: { outcome: 'no_answer' } }),
      'POST /api/v1/messages/:id/claim': () => ({ url: '/api/v1/messages/1/claim' }),
      'POST /api/v1/messages/:id/reply': () => ({ url: '/api/v1/messages/1/reply', body: { text: '您好' } }),
      'POST /api/v1/restrictions': () => ({ url: '/api/v1/restrictions', body: { phone: '13900000009', reason: 'harassment', days: 7 } }),
      'POST /api/v1/restrictions/:id/approve': () => ({ url: '/api/v1/restrictions/1/approve' }),
      'POST /api/v1/restrictions/:id/revoke': () => ({ url: '/api/v1/restrictions/1/revoke', body: { reason: '误设' } }),
      'GET /api/v1/sms/opt-outs/status': () => ({ url: '/api/v1/sms/opt-outs/status?phone=13900000000' }),
      'PUT /api/v1/sms/opt-outs': () => ({ url: '/api/v1/sms/opt-outs', body: { phone: '13900000000', optedOut: false } }),
      'POST /api/v1/units': () => ({ url: '/api/v1/units', body: { code: 'MATRIX', name: '矩阵单位', kind: 'department', parentCode: 'MDJ' } }),
      'PUT /api/v1/units/:code': () => ({ url: '/api/v1/units/ZJJ', body: {} }),
      'PUT /api/v1/categories/:code': () => ({ url: '/api/v1/categories/ZFWY-WY', body: {} }),
      'POST /api/v1/users': () => ({ url: '/api/v1/users', body: { username: 'matrix.new', password: PASSWORD, role: 'agent', unitCode: 'MDJ12345' } }),
      'PUT /api/v1/users/:username': () => ({ url: '/api/v1/users/matrix.target', body: { displayName: '矩阵（改）' } }),
      'POST /api/v1/users/:username/password': () => ({ url: '/api/v1/users/matrix.target/password', body: { password: `${PASSWORD}-2` } }),
      'PUT /api/v1/calendar/days/:date': () => ({ url: '/api/v1/calendar/days/2027-06-15', body: { kind: null } }),
      'POST /api/v1/calendar/years/:year/import': () => ({ url: '/api/v1/calendar/years/2099/import', body: { holidays: [], workdays: [] } }),
      'POST /api/v1/apikeys': () => ({ url: '/api/v1/apikeys', body: { name: '矩阵新', scopes: ['events:read'] } }),
      'POST /api/v1/apikeys/:id/revoke': () => ({ url: `/api/v1/apikeys/${fx.apiKeyId}/revoke` }),
      'POST /api/v1/apikeys/:id/rotate': () => ({ url: `/api/v1/apikeys/${fx.apiKeyId}/rotate` }),
      'POST /api/v1/webhooks': () => ({ url: '/api/v1/webhooks', body: { name: '矩阵', url: 'http://127.0.0.1:9/hook', events: ['ticket.created'] } }),
      'PUT /api/v1/webhooks/:id': () => ({ url: '/api/v1/webhooks/1', body: { active: false } }),
      'GET /api/v1/webhooks/:id/deliveries': () => ({ url: '/api/v1/webhooks/1/deliveries' }),
      'GET /api/v1/webhooks/:id/dead-letters': () => ({ url: '/api/v1/webhooks/1/dead-letters' }),
      'POST /api/v1/webhooks/:id/dead-letters/:letter/replay': () => ({ url: '/api/v1/webhooks/1/dead-letters/999999/replay' }),
      'POST /api/v1/sms/opt-outs/:id/remove': () => ({ url: '/api/v1/sms/opt-outs/999999/remove' }),
    };
    const made = specific[key]?.();
    if (made) return made;
    assert.ok(!url.includes(':'), `no request written for ${key}`);
    return method === 'GET' || method === 'DELETE' ? { url } : { url, body: {} };
  };

  /** One entry per route, and one per value of an enum path parameter. */
  const cases = (): Array<{ key: string; url: string; route: RegisteredRoute }> => {
    const out: Array<{ key: string; url: string; route: RegisteredRoute }> = [];
    for (const route of routes) {
      const enumParam = Object.entries((route.schema?.params?.properties ?? {}) as Record<string, any>).find(([, p]) => Array.isArray(p?.enum));
      const urls = enumParam ? (enumParam[1].enum as string[]).map((v) => route.url.replace(`:${enumParam[0]}`, v)) : [route.url];
      for (const url of urls) out.push({ key: policyKey(route.method, url), url, route });
    }
    return out;
  };

  it('lists every registered route, and nothing that is not one', () => {
    const keys = new Set(cases().map((c) => c.key));
    const unlisted = [...keys].filter((k) => !(k in ACCESS_POLICY));
    assert.deepEqual(unlisted, [], 'routes missing from test/support/access-policy.ts');
    const stale = Object.keys(ACCESS_POLICY).filter((k) => !keys.has(k) && !CONSOLE_BUILD_ROUTES.includes(k));
    assert.deepEqual(stale, [], 'entries in test/support/access-policy.ts that no route matches');
  });

  it('tells each role, at GET /auth/access, exactly the staff routes the table admits it to', async () => {
    // The console's menu, page guards and buttons are built from this answer (web/src/access.ts).
    for (const role of ROLES) {
      const res = await send(AS[role], 'GET', '/api/v1/auth/access');
      assert.equal(res.statusCode, 200);
      const told = JSON.parse(res.body) as { role: string; routes: string[] };
      assert.equal(told.role, role);
      const expected = Object.entries(ACCESS_POLICY)
        .filter(([key, access]) => Array.isArray(access) && key.includes(' /api/v1/') && allows(access, role))
        .map(([key]) => key)
        .sort();
      assert.deepEqual(told.routes, expected, `GET /auth/access for ${role}`);
    }
  });

  it('admits exactly the roles the table names, refuses the others, and keeps units inside their subtree', async () => {
    const started = Date.now();
    const wrong: string[] = [];
    const leaks: string[] = [];
    let checks = 0;
    let allowed = 0;
    let refused = 0;
    let anonymousRefused = 0;
    let isolation = 0;
    let scanned = 0;

    const who = (p: Person) => [p.name, p.phone, p.idNumber];
    const everyZjj = [fx.zjjConfidential, fx.zjjPlain, fx.zjjPortal, fx.zjjReviewed];
    const zjjNos = everyZjj.map((x) => x.no);
    const confidential = [fx.zjjConfidential, fx.scjgj[0]!].flatMap((x) => [...who(x.who), maskName(x.who.name)!, maskPhone(x.who.phone)!, maskIdNumber(x.who.idNumber)!]);
    // What a ZJJ user must never read: SCJGJ's tickets and requesters, anyone's confidential
    // identity even masked, and the full contact of its own requesters.
    const forZjj = [...fx.scjgj.flatMap((x) => [x.no, ...who(x.who)]), ...confidential, ...everyZjj.flatMap((x) => who(x.who))];
    const forOtherUnit = [...zjjNos, ...everyZjj.flatMap((x) => who(x.who)), ...confidential, ...fx.scjgj.flatMap((x) => who(x.who))];
    // 查看完整联系方式 shows the contact of the ticket it names (audited): those tickets' requesters are
    // in no list here.
    const forAuthority = [...everyZjj, ...fx.scjgj].flatMap((x) => who(x.who));

    // The strings looked for are really there for those who may see them, and the scan reads them.
    const visible = async (user: string, url: string, expected: string[]) => {
      const text = await textOf(await send(user, 'GET', url));
      for (const s of expected) assert.ok(text.includes(s), `${user} GET ${url} shows ${s}`);
    };
    const textOf = async (res: { headers: Record<string, unknown>; rawPayload: Buffer; body: string }): Promise<string> => {
      const type = String(res.headers['content-type'] ?? '');
      if (type.includes('spreadsheetml')) {
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
        const cells: string[] = [];
        book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text)))));
        return cells.join('\n');
      }
      return res.body;
    };
    const scan = async (label: string, res: Parameters<typeof textOf>[0], forbidden: string[]) => {
      scanned++;
      const text = await textOf(res);
      const found = forbidden.filter((s) => text.includes(s));
      if (found.length) leaks.push(`${label}: ${found.join(', ')}`);
    };

    for (const x of [...everyZjj, ...fx.scjgj]) await visible('centre1', `/api/v1/tickets/${x.no}`, [x.who.name, x.who.phone]);
    await visible('centre1', `/api/v1/tickets/${fx.zjjConfidential.no}`, [fx.zjjConfidential.who.idNumber]);
    await visible('zjj.staff', '/api/v1/tickets?pageSize=100', zjjNos);
    await visible('zjj.staff', `/api/v1/tickets/${fx.zjjPlain.no}`, [maskName(fx.zjjPlain.who.name)!, maskPhone(fx.zjjPlain.who.phone)!]);
    await visible('zjj.staff', `/api/v1/tickets/${fx.zjjConfidential.no}`, ['（保密）']);
    await visible('scjgj.staff', '/api/v1/tickets?pageSize=100', fx.scjgj.map((x) => x.no));
    await visible('zjj.staff', '/api/v1/reports/topic.xlsx?q=楼道', [fx.forAction.reveal_contact]); // the newest of the 20 samples

    for (const c of cases()) {
      const access: Access | undefined = ACCESS_POLICY[c.key];
      if (!access || c.route.websocket) continue;
      const method = c.key.split(' ')[0]!;
      const asRole = async (role: Role) => {
        const req = requestFor(c.key, c.url, role);
        const user = AS[role];
        const token = c.url.endsWith('/auth/logout') ? await login(user) : undefined;
        const res = await send(user, method, req.url, req.body, token);
        const label = `${method} ${req.url} as ${role} (${user}) → ${res.statusCode}`;
        const refusal = res.statusCode === 401 || res.statusCode === 403 || (req.zjjObject && res.statusCode === 404);
        checks++;
        if (res.statusCode >= 500) wrong.push(`${label}: server error ${res.body.slice(0, 200)}`);
        else if (allows(access, role)) {
          if (refusal) wrong.push(`${label}: refused, the table admits ${role} ${res.body.slice(0, 160)}`);
          else allowed++;
        } else if (refusal) refused++;
        else wrong.push(`${label}: admitted, the table refuses ${role} ${res.body.slice(0, 160)}`);
        // The console's code and the API documentation are the same files for everyone: no data to scan.
        if (res.statusCode < 400 && !req.url.startsWith('/assets/') && !req.url.startsWith('/api/docs')) {
          if (role === 'unit_staff' || role === 'unit_head') await scan(label, res, forZjj);
          if (role === 'authority') await scan(label, res, forAuthority);
        }
      };
      // Anonymous: only the public routes answer.
      const anonymously = async () => {
        const req = requestFor(c.key, c.url, 'agent');
        const res = await send(null, method, req.url, req.body);
        if (res.statusCode >= 500) wrong.push(`${method} ${c.url} anonymous → ${res.statusCode}`);
        else if (access !== 'public' && access !== 'citizen') {
          if (res.statusCode === 401 || res.statusCode === 403) anonymousRefused++;
          else wrong.push(`${method} ${c.url} anonymous → ${res.statusCode}: admitted, the route is not public`);
        }
      };
      // Another subtree's unit users: ZJJ's objects do not exist for them, and nothing of ZJJ shows.
      // (A PDF is not read here, and rendering one costs seconds: those exports are left to the Excel ones.)
      const otherUnit = access !== 'public' && access !== 'api-key' && access !== 'citizen' && access.some((r) => r === 'unit_staff' || r === 'unit_head') && !c.url.endsWith('.pdf');
      const asOtherUnit = async (user: string) => {
        const req = requestFor(c.key, c.url, user.endsWith('.head') ? 'unit_head' : 'unit_staff');
        const res = await send(user, method, req.url, req.body);
        const label = `${method} ${req.url} as ${user} → ${res.statusCode}`;
        if (res.statusCode >= 500) wrong.push(`${label}: server error`);
        if (req.zjjObject) {
          isolation++;
          if (res.statusCode !== 404) wrong.push(`${label}: another subtree's object must be 404 ${res.body.slice(0, 160)}`);
        }
        if (res.statusCode < 400) await scan(label, res, forOtherUnit);
      };
      const probes = [...ROLES.map((role) => () => asRole(role)), anonymously, ...(otherUnit ? OTHER_UNIT_USERS.map((user) => () => asOtherUnit(user)) : [])];
      // Reads go out together; changes one after another, in role order, so each meets a known state.
      if (method === 'GET') await Promise.all(probes.map((probe) => probe()));
      else for (const probe of probes) await probe();
    }

    // Search by a confidential requester's name or phone finds nothing for the unit.
    for (const q of [fx.zjjConfidential.who.name, fx.zjjConfidential.who.phone]) {
      for (const user of ['zjj.staff', 'zjj.head']) {
        const res = await send(user, 'GET', `/api/v1/tickets?q=${encodeURIComponent(q)}`);
        assert.equal(res.statusCode, 200);
        assert.deepEqual(JSON.parse(res.body).items, [], `search for a confidential requester as ${user}`);
      }
    }

    // 查看完整联系方式 never opens a confidential requester, to the unit or to the authority.
    for (const user of ['zjj.staff', 'zjj.head', 'authority1']) {
      const res = await send(user, 'POST', `/api/v1/tickets/${fx.zjjConfidential.no}/actions/reveal_contact`, { reason: '需电话核实' });
      assert.equal(res.statusCode, 403, `${user} reveals a confidential requester: ${res.body.slice(0, 200)}`);
      assert.ok(!who(fx.zjjConfidential.who).some((s) => res.body.includes(s)));
    }

    console.log(`access matrix [${engine}]: ${checks / ROLES.length} routes × ${ROLES.length} roles = ${checks} checks; allowed ${allowed}, refused ${refused}; anonymous refused ${anonymousRefused}; ${isolation} requests for another subtree's objects, ${scanned} answers scanned, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.deepEqual(wrong, []);
    assert.deepEqual(leaks, []);
    assert.ok(isolation >= 20, `requests for another subtree's objects: ${isolation}`);
    assert.ok(scanned > 100, `answers scanned: ${scanned}`);
  });
});
