// The Mudanjiang demo: users for every role and a few hundred tickets in every state. Tickets are
// not written as rows: each one is taken through the real use-cases on a simulated clock over the
// past weeks, so its deadlines, lights, events and outbox messages are what the platform produced.
import type { AppContext } from '../server/context.ts';
import { ManualClock } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { hashPassword } from '../auth/passwords.ts';
import { isUnitRole, type Role } from '../domain/roles.ts';
import type { TicketType, Channel, Satisfaction } from '../domain/ticket-types.ts';
import type { Action } from '../domain/ticket-states.ts';
import { Problem } from '../server/problem.ts';
import { createTicket, type IntakeRequest } from '../tickets/intake.ts';
import { runAction } from '../tickets/action-runner.ts';
import { ACTION_DEFINITIONS } from '../tickets/routes.ts';
import { HANDLING_UNIT_KINDS } from '../org/seed.ts';
import { Random } from '../domain/random.ts';
import { randomFacts, randomFirm, randomPerson, randomPlace } from './requests.ts';
import { loadKnowledgeDemo } from './knowledge.ts';
import { loadCallsDemo } from '../calls/demo.ts';

export const DEMO_PASSWORD = 'demo12345';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface DemoOptions {
  onlyIfEmpty: boolean;
  days?: number;
  ticketsPerDay?: number;
  seed?: number;
  /** Told of each step as it starts (npm start prints them: the whole load takes tens of seconds). */
  onStep?: (step: string) => void;
}

interface CategoryInfo {
  code: string;
  name: string;
  keywords: string[];
  defaultUnitId: number | null;
}

export async function loadDemo(base: AppContext, options: DemoOptions): Promise<{ tickets: number; users: number } | null> {
  const db = base.store.db;
  if (options.onlyIfEmpty) {
    const any = await db.selectFrom('tickets').select('id').limit(1).executeTakeFirst();
    if (any) return null;
  }
  const step = options.onStep ?? (() => {});
  step('演示用户');
  const users = await ensureDemoUsers(base);
  const realNow = Date.parse(base.clock.now());
  const days = options.days ?? 40;
  const perDay = options.ticketsPerDay ?? 9;
  const r = new Random(options.seed ?? 12345);
  const clock = new ManualClock(new Date(realNow - days * DAY).toISOString());
  const ctx: AppContext = { ...base, clock };

  const categories: CategoryInfo[] = (await db.selectFrom('categories').select(['code', 'name', 'keywords', 'default_unit_id']).where('parent_id', 'is not', null).execute()).map((c) => ({
    code: c.code,
    name: c.name,
    keywords: c.keywords?.split(',') ?? [],
    defaultUnitId: c.default_unit_id,
  }));
  const handlingUnits = base.org.all().filter((u) => HANDLING_UNIT_KINDS.has(u.kind) && u.kind !== 'subunit');

  // Each ticket is simulated from intake to where it stands today; a step planned after today is not taken.
  const created = 0;
  const starts: number[] = [];
  for (let d = 0; d < days; d++) {
    const n = Math.max(1, Math.round(perDay * r.between(0.6, 1.4)));
    for (let i = 0; i < n; i++) starts.push(realNow - (days - d) * DAY + r.between(0.33, 0.83) * DAY);
  }
  // A few requests in the last hours, still waiting to be dispatched or signed.
  for (let i = 0; i < 6; i++) starts.push(realNow - r.between(0.2, 3) * HOUR);
  starts.sort((a, b) => a - b);

  const recentPhones: string[] = [];
  step(`演示工单（${starts.length} 张，按各自的流程办理到今天）`);
  let done = 0;
  for (const start of starts) {
    if (++done % 100 === 0) step(`演示工单 ${done}/${starts.length}`);
    if (start > realNow) continue;
    clock.set(new Date(start).toISOString());
    const sim = new TicketSimulation(ctx, users, r, realNow);
    const no = await sim.intake(categories, handlingUnits, recentPhones);
    if (no) await sim.handle(no, handlingUnits);
  }
  step('各工作台的示例工单');
  await showcase(ctx, users, realNow);
  step('知识库');
  // The knowledge base: the example bulletins and a few articles in every state (demo/bulletins).
  await loadKnowledgeDemo(base);
  step('话务数据');
  // Call handling: the demo agents' skills and three mornings of calls (src/calls/demo.ts).
  await loadCallsDemo(base, realNow);
  // The weeks of simulated dispatches each told their unit; a unit has long read those, and the bell
  // shows only the last day's new work.
  await db
    .updateTable('notifications')
    .set({ read_at: new Date(realNow).toISOString() })
    .where('kind', '=', 'dispatch')
    .where('read_at', 'is', null)
    .where('created_at', '<', new Date(realNow - DAY).toISOString())
    .execute();
  const total = await db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  clock.set(new Date(realNow).toISOString());
  return { tickets: Number(total.n), users: users.byUsername.size };
}

/**
 * Tickets held in the states that pass quickly in the simulation (returned, disputed, waiting for the
 * head's approval or for an extension decision, co-handling, special matters, merged), so that every
 * workbench of the console has something on it.
 */
async function showcase(ctx: AppContext, users: DemoUsers, realNow: number): Promise<void> {
  const clock = ctx.clock as ManualClock;
  const at = (hoursAgo: number) => clock.set(new Date(realNow - hoursAgo * HOUR).toISOString());
  const agent = users.byUsername.get('agent1')!;
  const centre = users.byUsername.get('centre1')!;
  const unit = (code: string) => ctx.org.byCodeOrUndefined(code)!.id;
  const act = (actor: Actor, no: string, action: Action, body: Record<string, unknown> = {}) => runAction(ctx, ACTION_DEFINITIONS, actor, no, action, body);
  const base = (facts: string, phone: string, extra: Partial<IntakeRequest> = {}): IntakeRequest => ({
    channel: 'phone',
    type: 'complaint',
    requester: { kind: 'person', name: '李淑珍', phone },
    facts,
    address: '东安区新安街道光华小区5号楼2单元',
    districtCode: 'DAQ',
    disposition: 'dispatch',
    ...extra,
  });

  at(30);
  const heating = await createTicket(ctx, agent, base('家中暖气不热，室温只有14度，家里有八十岁老人，热电公司一直没人来看', '13904530001', { categoryCode: 'SDRQ-GRWD', dispatch: { leadUnitCode: 'RDGS', coUnitCodes: ['DAQ'] } }));
  at(29);
  await act(users.staffOf(unit('RDGS')), heating.no, 'sign');
  at(28);
  await act(users.staffOf(unit('DAQ')), heating.no, 'sign');
  at(20);
  await act(users.staffOf(unit('RDGS')), heating.no, 'request_extension', { amount: 5, reason: '需更换楼内主管线，待材料到货' });
  at(2);
  await createTicket(ctx, users.byUsername.get('agent2')!, base('暖气还是不热，之前反映过，室温14度', '13904530001', { categoryCode: 'SDRQ-GRWD', disposition: 'merge', mergeInto: heating.no }));

  at(26);
  const returned = await createTicket(ctx, agent, base('小区门口占道经营的摊贩早晚堵路，影响通行', '13904530002', { categoryCode: 'CSGL-ZD', dispatch: { leadUnitCode: 'ZJJ' } }));
  at(20);
  await act(users.staffOf(unit('ZJJ')), returned.no, 'return', { reason: '占道经营不属于住建部门职责', basis: '《牡丹江市城市管理综合执法局职能配置》', suggestedUnitCode: 'CGJ' });

  at(40);
  const disputed = await createTicket(ctx, agent, base('楼下新开的烧烤店油烟直排，晚上噪音大', '13904530003', { categoryCode: 'STHJ-YY', dispatch: { leadUnitCode: 'SCJGJ' } }));
  at(30);
  await act(users.headOf(unit('SCJGJ')), disputed.no, 'dispute', { reason: '餐饮油烟由城市管理部门负责查处，本局无相应执法权限' });

  at(50);
  const provincial = await createTicket(ctx, agent, base('省平台转办：反映企业申请的技改补贴半年未兑现', '0453-6200004', { channel: 'provincial', type: 'complaint', categoryCode: 'YSHJ-DX', requester: { kind: 'company', name: '牡丹江市恒达商贸有限公司', phone: '0453-6200004' } }));
  at(48);
  await act(users.staffOf(unit('GXJ')), provincial.no, 'sign');
  at(5);
  await act(users.staffOf(unit('GXJ')), provincial.no, 'reply', { content: '经核查，该企业补贴已于本月完成审核，资金将于下周拨付到账，已电话告知企业。' });

  at(3);
  const outage = await createTicket(ctx, agent, base('阳明区东新荣小区及周边大面积停水，已超过6小时', '13904530005', { type: 'help', categoryCode: 'SDRQ-TS', special: 'special', address: '阳明区阳明街道东新荣小区', districtCode: 'YMQ' }));
  at(2.5);
  await act(users.staffOf(unit('GSGS')), outage.no, 'sign');

  at(1);
  await createTicket(ctx, agent, base('单位至今未给职工缴纳住房公积金，想咨询如何维权', '13904530006', { type: 'consultation', categoryCode: 'ZFGJJ-JC', disposition: 'pending' }));
  void centre;
}

interface DemoUsers {
  byUsername: Map<string, Actor>;
  staffOf(unitId: number): Actor;
  headOf(unitId: number): Actor;
  pick(role: Role, r: Random): Actor;
}

/** The configured demo users plus a staff member and a head for every handling unit, all with DEMO_PASSWORD. */
async function ensureDemoUsers(ctx: AppContext): Promise<DemoUsers> {
  const db = ctx.store.db;
  const hash = await hashPassword(DEMO_PASSWORD);
  const wanted: Array<{ username: string; displayName: string; role: Role; unit?: string }> = [...ctx.city.demoUsers];
  for (const unit of ctx.org.all().filter((u) => HANDLING_UNIT_KINDS.has(u.kind))) {
    const short = unit.code.toLowerCase();
    if (!wanted.some((w) => w.unit === unit.code && w.role === 'unit_staff')) wanted.push({ username: `${short}.staff`, displayName: `${unit.name}承办员`, role: 'unit_staff', unit: unit.code });
    if (!wanted.some((w) => w.unit === unit.code && w.role === 'unit_head')) wanted.push({ username: `${short}.head`, displayName: `${unit.name}负责人`, role: 'unit_head', unit: unit.code });
  }
  const existing = new Set((await db.selectFrom('users').select('username').execute()).map((u) => u.username));
  const now = ctx.clock.now();
  const fresh = wanted.filter((w) => !existing.has(w.username));
  if (fresh.length) {
    await db
      .insertInto('users')
      .values(fresh.map((w) => ({ username: w.username, display_name: w.displayName, password_hash: hash, role: w.role, unit_id: w.unit ? ctx.org.byCodeOrUndefined(w.unit)!.id : null, active: 1, created_at: now })))
      .execute();
  }
  const rows = await db.selectFrom('users').selectAll().where('username', 'in', wanted.map((w) => w.username)).execute();
  const byUsername = new Map<string, Actor>();
  for (const u of rows) {
    const role = u.role as Role;
    byUsername.set(u.username, { userId: u.id, username: u.username, displayName: u.display_name, role, unitId: u.unit_id, unitScope: isUnitRole(role) && u.unit_id ? ctx.org.subtreeIds(u.unit_id) : null });
  }
  const ofUnit = (unitId: number, role: Role) => [...byUsername.values()].find((a) => a.unitId === unitId && a.role === role)!;
  return {
    byUsername,
    staffOf: (unitId) => ofUnit(unitId, 'unit_staff'),
    headOf: (unitId) => ofUnit(unitId, 'unit_head'),
    pick: (role, r) => r.pick([...byUsername.values()].filter((a) => a.role === role)),
  };
}

class TicketSimulation {
  private t: number;
  constructor(
    private readonly ctx: AppContext,
    private readonly users: DemoUsers,
    private readonly r: Random,
    private readonly realNow: number,
  ) {
    this.t = Date.parse(ctx.clock.now());
  }

  private get clock() {
    return this.ctx.clock as ManualClock;
  }

  /** Takes an action `afterMs` after the previous one; false when that moment is still in the future or the action is refused. */
  private async act(afterMs: number, actor: Actor, no: string, action: Action, body: Record<string, unknown> = {}): Promise<boolean> {
    const at = this.t + afterMs;
    if (at > this.realNow) return false;
    this.t = at;
    this.clock.set(new Date(at).toISOString());
    try {
      await runAction(this.ctx, ACTION_DEFINITIONS, actor, no, action, body);
      return true;
    } catch (err) {
      if (err instanceof Problem) return false;
      throw err;
    }
  }

  private async leadUnit(no: string): Promise<number> {
    const row = await this.ctx.store.db.selectFrom('tickets').select('lead_unit_id').where('no', '=', no).executeTakeFirstOrThrow();
    return row.lead_unit_id!;
  }

  async intake(categories: CategoryInfo[], units: Array<{ id: number; name: string; code: string }>, recentPhones: string[]): Promise<string | null> {
    const r = this.r;
    const type = r.weighted<TicketType>({ consultation: 30, help: 20, complaint: 32, report: 5, suggestion: 9, praise: 4 });
    const category = r.pick(categories);
    const place = randomPlace(r);
    const firm = category.code.startsWith('YSHJ') || r.chance(0.05);
    const requester = firm ? randomFirm(r) : randomPerson(r);
    // Some callers ring again about the same matter: the duplicate check merges them.
    const repeat = recentPhones.length > 5 && r.chance(0.03);
    const phone = repeat ? r.pick(recentPhones.slice(-20)) : requester.phone;
    const unitName = this.ctx.org.get(category.defaultUnitId)?.name ?? '相关单位';
    const channel = r.weighted<Channel>({ phone: 70, web: 8, app: 8, wechat: 8, sms: 2, provincial: 3, national: 1 });
    const agent = this.users.pick(r.chance(0.5) ? 'agent' : 'team_lead', r);
    const req: IntakeRequest = {
      channel,
      type,
      categoryCode: category.code,
      requester: { kind: firm ? 'company' : 'person', name: requester.name, phone, confidential: type === 'report' && r.chance(0.5) },
      facts: randomFacts(r, type, category.keywords, place.address, unitName),
      address: place.address,
      districtCode: place.districtCode,
      special: r.chance(0.015) ? 'special' : r.chance(0.005) ? 'special_emergency' : 'none',
      disposition: 'dispatch',
    };
    const roll = r.next();
    if (type === 'consultation' && roll < 0.55) {
      req.disposition = 'direct_answer';
      req.answer = { content: `已依据知识库答复：${category.name}事项可通过“全省事”APP或政务服务中心窗口办理，所需材料已告知。` };
    } else if (roll > 0.97) {
      req.disposition = 'reject';
      req.reject = { reasonCode: r.pick(['11.1', '11.3', '11.5'] as const), referral: '已告知诉求人通过相应法定途径解决' };
    } else if (roll > 0.96) {
      req.disposition = 'emergency_transfer';
      req.emergency = { line: r.pick(['110', '119', '120', '122'] as const) };
    } else if (this.realNow - this.t < 1.5 * HOUR && r.chance(0.5)) {
      req.disposition = 'pending';
    }
    if (!repeat) recentPhones.push(phone);
    try {
      const created = await createTicket(this.ctx, agent, req);
      return created.status === 'dispatched' ? created.no : null;
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      const candidates = (err.extra.candidates as Array<{ no: string }> | undefined) ?? [];
      if (!candidates.length) return null;
      await createTicket(this.ctx, agent, { ...req, disposition: 'merge', mergeInto: candidates[0].no });
      return null;
    }
  }

  async handle(no: string, units: Array<{ id: number; code: string }>): Promise<void> {
    const r = this.r;
    const centre = this.users.pick('centre', r);
    const row = await this.ctx.store.db.selectFrom('tickets').select(['type', 'origin', 'special']).where('no', '=', no).executeTakeFirstOrThrow();
    const type = row.type as TicketType;
    const typicalDays = { consultation: 1.2, help: 3, suggestion: 3.5, praise: 3, complaint: 9, report: 10 }[type];
    let lead = await this.leadUnit(no);

    // 签收: mostly within hours; some late.
    if (!(await this.act(r.chance(0.08) ? r.between(1.6, 3) * DAY : r.between(0.2, 6) * HOUR, this.users.staffOf(lead), no, 'sign'))) return;
    if (row.special !== 'none' && !(await this.act(r.between(0.3, 3) * HOUR, this.users.staffOf(lead), no, 'first_response', { content: '已安排抢修人员赶赴现场，初步判断为管网故障，正在处置。' }))) return;

    // 退单 or 异议: the centre re-dispatches or the authority settles.
    if (r.chance(0.05)) {
      const other = r.pick(units.filter((u) => u.id !== lead));
      if (!(await this.act(r.between(2, 20) * HOUR, this.users.staffOf(lead), no, 'return', { reason: '该事项不属于本单位职责范围', basis: '依据本单位“三定”方案', suggestedUnitCode: other.code }))) return;
      const improper = r.chance(0.3);
      if (!(await this.act(r.between(1, 6) * HOUR, centre, no, 'decide_return', improper ? { accept: false, improper: true, note: '经核查属于该单位职责，退单不成立' } : { accept: true, leadUnitCode: other.code }))) return;
      lead = await this.leadUnit(no);
      if (!improper && !(await this.act(r.between(0.5, 8) * HOUR, this.users.staffOf(lead), no, 'sign'))) return;
    } else if (r.chance(0.02)) {
      if (!(await this.act(r.between(3, 30) * HOUR, this.users.headOf(lead), no, 'dispute', { reason: '该事项涉及多个部门职责交叉，本单位无执法权限' }))) return;
      const other = r.pick(units.filter((u) => u.id !== lead));
      const upheld = r.chance(0.5);
      const authority = this.users.pick('authority', r);
      if (!(await this.act(r.between(1, 4) * DAY, authority, no, 'settle_dispute', { leadUnitCode: upheld ? other.code : this.ctx.org.get(lead)!.code, note: upheld ? '经协调编制部门，明确由该单位承办' : '经核定仍由原单位承办' }))) return;
      lead = await this.leadUnit(no);
      if (upheld && !(await this.act(r.between(0.5, 8) * HOUR, this.users.staffOf(lead), no, 'sign'))) return;
    }

    if (type !== 'consultation' && r.chance(0.08)) {
      if (!(await this.act(typicalDays * 0.5 * DAY, this.users.staffOf(lead), no, 'request_extension', { amount: type === 'complaint' || type === 'report' ? 10 : 3, reason: '涉及多部门联合处置，需协调时间' }))) return;
      if (!(await this.act(r.between(1, 8) * HOUR, centre, no, 'decide_extension', { approve: r.chance(0.85), note: '同意延期，请向诉求人说明情况' }))) return;
    }
    if (!(await this.replyAndClose(no, lead, typicalDays, centre))) return;
  }

  /** Reply, review, callback; an unsatisfied reasonable requester sends it round again. */
  private async replyAndClose(no: string, lead: number, typicalDays: number, centre: Actor, rounds = 0): Promise<boolean> {
    const r = this.r;
    const late = r.chance(0.1);
    const head = this.users.headOf(lead);
    const staff = this.users.staffOf(lead);
    const origin = (await this.ctx.store.db.selectFrom('tickets').select('origin').where('no', '=', no).executeTakeFirstOrThrow()).origin;
    const delay = (late ? r.between(1.6, 2.4) : r.between(0.3, 1.1)) * typicalDays * DAY;
    if (!(await this.act(delay, staff, no, 'reply', { content: '经现场核实，已协调相关责任主体处理完毕，并电话告知诉求人办理结果。' }))) return false;
    if (origin !== 'local' && !(await this.act(r.between(1, 10) * HOUR, head, no, 'approve_reply', { approve: true }))) return false;
    if (r.chance(0.06)) {
      if (!(await this.act(r.between(2, 12) * HOUR, centre, no, 'review', { pass: false, note: '答复未说明具体处理措施，请补充' }))) return false;
      if (!(await this.act(r.between(0.5, 2) * DAY, staff, no, 'reply', { content: '补充说明：已约谈责任单位并明确整改时限，整改完成后复查。' }))) return false;
    }
    if (!(await this.act(r.between(2, 20) * HOUR, centre, no, 'review', { pass: true }))) return false;
    if (r.chance(0.1) && !(await this.act(r.between(2, 8) * HOUR, centre, no, 'callback', { reached: false }))) return false;
    const level = r.weighted<Satisfaction>({ very_satisfied: 40, satisfied: 35, basically_satisfied: 10, unsatisfied: 10, very_unsatisfied: 5 });
    const unhappy = level === 'unsatisfied' || level === 'very_unsatisfied';
    const reasonable = unhappy && rounds === 0 && r.chance(0.6);
    const words = unhappy ? '问题没有真正解决，只是口头答复' : '处理及时，谢谢';
    if (!(await this.act(r.between(3, 30) * HOUR, centre, no, 'callback', { reached: true, satisfaction: level, words, ...(unhappy ? { reasonable } : {}) }))) return false;
    if (reasonable) return this.replyAndClose(no, lead, typicalDays, centre, rounds + 1);
    if (r.chance(0.03)) {
      if (!(await this.act(r.between(1, 5) * DAY, centre, no, 'quality_send_back', { note: '质效审核：答复敷衍，未提出有效解决措施' }))) return false;
      return this.replyAndClose(no, lead, typicalDays, centre, rounds + 1);
    }
    if (r.chance(0.7)) await this.act(r.between(2, 10) * DAY, centre, no, 'archive');
    return true;
  }
}
