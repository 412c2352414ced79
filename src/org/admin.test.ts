// The admin's API through HTTP on both engines: units (tree, add, edit, deactivate), users and roles
// (change, deactivate, reset password, whether two-step login is on), categories and their
// law-given limits, the city's default limits. Every write is the admin's alone, bad input changes nothing, and each change leaves an
// audit event without personal data or passwords.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, describeEachEngine, startTestApp, type Client, type Response, type TestApp } from '../../test/support/app.ts';
import { newTicket, ok, view } from '../../test/support/handling.ts';
import { applyCityConfig } from './seed.ts';
import { LIMIT_KEYS } from '../domain/time-limits.ts';
import { totpCode } from '../auth/totp.ts';

function assertProblem(res: Response, status: number, names?: string): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.match(res.body.title, /[\u4e00-\u9fff]/, `title «${res.body.title}» is Chinese`);
  if (names) assert.ok(res.body.title.includes(names), `title «${res.body.title}» names «${names}»`);
}

/** Everything an admin request may change: a refused one must leave all of it as it was. */
async function snapshot(t: TestApp): Promise<unknown> {
  const db = t.ctx.store.db;
  return {
    units: await db.selectFrom('units').selectAll().orderBy('id').execute(),
    users: await db.selectFrom('users').selectAll().orderBy('id').execute(),
    categories: await db.selectFrom('categories').selectAll().orderBy('id').execute(),
    sessions: await db.selectFrom('sessions').select(['token_hash', 'revoked_at']).orderBy('token_hash').execute(),
    events: (await db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    directory: t.ctx.org.all().length,
  };
}

/** Runs a request that must be refused and checks that nothing changed. */
async function refused(t: TestApp, request: () => Promise<Response>, status: number, names?: string): Promise<Response> {
  const before = await snapshot(t);
  const res = await request();
  assertProblem(res, status, names);
  assert.deepEqual(await snapshot(t), before, 'a refused request changed something');
  return res;
}

async function adminEvents(t: TestApp, action: string): Promise<Array<{ role: string | null; detail: any; raw: string }>> {
  const rows = await t.ctx.store.db.selectFrom('events').select(['role', 'detail']).where('action', '=', action).orderBy('id').execute();
  return rows.map((r) => ({ role: r.role, detail: r.detail ? JSON.parse(r.detail) : null, raw: r.detail ?? '' }));
}

async function login(t: TestApp, username: string, password: string): Promise<{ status: number; token?: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  return { status: res.statusCode, token: res.statusCode === 200 ? JSON.parse(res.body).token : undefined };
}

async function me(t: TestApp, token: string): Promise<number> {
  return (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
}

async function listed(client: Client): Promise<string[]> {
  const res = await client.get('/api/v1/tickets?pageSize=100');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items.map((i: any) => i.no);
}

let addressSeq = 0;
const address = () => `爱民区测试路${++addressSeq}号`;

// Personal data the tests put through the API; none of it may reach an audit event.
const NEW_PASSWORD = 'N3w-secret-pass';
const DISPLAY_NAME = '王小明';
const UNIT_PHONE = '13948699001';

describeEachEngine('admin: units, users, categories and limits', (engine) => {
  let t: TestApp;
  let admin: Client;
  let agent: Client;
  let others: Client[];

  before(async () => {
    t = await startTestApp(engine);
    admin = await t.as('admin');
    agent = await t.as('agent1');
    others = [agent, await t.as('centre1'), await t.as('zjj.head'), await t.as('authority1')];
  });
  after(() => t.close());

  // ------------------------------------------------------------------ units

  it('lists the units as a tree with kind, duty phone and active flag; inactive ones only for the admin', async () => {
    const res = await agent.get('/api/v1/units');
    assert.equal(res.status, 200);
    const xajd = res.body.items.find((u: any) => u.code === 'DAQ-XAJD');
    assert.deepEqual(xajd, { code: 'DAQ-XAJD', name: '东安区新安街道办事处', kind: 'subunit', parent: 'DAQ', depth: 1, smsPhone: '13948651001', active: true });
    const all = await admin.get('/api/v1/units?includeInactive=true');
    assert.equal(all.status, 200);
    assert.equal(all.body.items.length, res.body.items.length);
    assert.equal(all.body.items.find((u: any) => u.code === 'DAQ').kindLabel, '县（市）区');
    assertProblem(await agent.get('/api/v1/units?includeInactive=true'), 403);
  });

  it('an admin adds a sub-unit: it appears in the tree at once, under its parent', async () => {
    const res = await admin.post('/api/v1/units', { code: 'ZJJ-WYK', name: '市住房和城乡建设局物业管理科', kind: 'subunit', parentCode: 'ZJJ', smsPhone: UNIT_PHONE });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.parent, 'ZJJ');
    assert.equal(res.body.depth, 1);
    assert.equal(res.body.kindLabel, '下级承办单位');

    const listedUnit = (await agent.get('/api/v1/units')).body.items.find((u: any) => u.code === 'ZJJ-WYK');
    assert.deepEqual(listedUnit, { code: 'ZJJ-WYK', name: '市住房和城乡建设局物业管理科', kind: 'subunit', parent: 'ZJJ', depth: 1, smsPhone: UNIT_PHONE, active: true });
    const rows = await t.ctx.store.db.selectFrom('units').select(['id', 'code', 'path']).where('code', 'in', ['ZJJ', 'ZJJ-WYK']).execute();
    const zjj = rows.find((r) => r.code === 'ZJJ')!;
    const sub = rows.find((r) => r.code === 'ZJJ-WYK')!;
    assert.equal(sub.path, `${zjj.path}${sub.id}/`);

    // A top-level unit needs no parent.
    const top = await admin.post('/api/v1/units', { code: 'BJJ', name: '市机关事务管理局', kind: 'department' });
    assert.equal(top.status, 201, JSON.stringify(top.body));
    assert.equal(top.body.parent, null);
    assert.equal(top.body.depth, 0);
    assert.equal(top.body.smsPhone, null);

    const events = await adminEvents(t, 'unit_create');
    assert.deepEqual(
      events.map((e) => e.detail),
      [
        { unit: 'ZJJ-WYK', kind: 'subunit', parent: 'ZJJ' },
        { unit: 'BJJ', kind: 'department', parent: null },
      ],
    );
    assert.ok(events.every((e) => e.role === 'admin' && !e.raw.includes(UNIT_PHONE)));
  });

  it('a unit user of the parent sees tickets dispatched or delegated to the new sub-unit, and its own user sees them too', async () => {
    const zjjStaff = await t.as('zjj.staff');
    const daqStaff = await t.as('daq.staff');
    // Straight to the sub-unit: it is part of 住建局's subtree.
    const direct = await newTicket(t, { address: address(), dispatch: { leadUnitCode: 'ZJJ-WYK' } });
    assert.equal(direct.leadUnit.code, 'ZJJ-WYK');
    assert.ok((await listed(zjjStaff)).includes(direct.no));
    assert.ok(!(await listed(daqStaff)).includes(direct.no));
    assertProblem(await daqStaff.get(`/api/v1/tickets/${direct.no}`), 404);

    // Dispatched to 住建局, then delegated down (第九条).
    const parentTicket = await newTicket(t, { address: address() });
    assert.equal(parentTicket.leadUnit.code, 'ZJJ');
    const delegated = await ok(t, 'zjj.staff', parentTicket.no, 'delegate', { unitCode: 'ZJJ-WYK', note: '请物业科核实' });
    assert.ok(delegated.duties.filter((d: any) => d.party === 'lead').every((d: any) => d.handlerUnit?.code === 'ZJJ-WYK'));

    const created = await admin.post('/api/v1/users', { username: 'zjj.wyk', password: PASSWORD, role: 'unit_staff', unitCode: 'ZJJ-WYK', displayName: DISPLAY_NAME });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const wyk = await t.as('zjj.wyk');
    const seen = await listed(wyk);
    assert.ok(seen.includes(direct.no) && seen.includes(parentTicket.no), JSON.stringify(seen));
    assert.ok((await listed(zjjStaff)).includes(parentTicket.no));
    assert.equal((await wyk.get(`/api/v1/tickets/${parentTicket.no}`)).status, 200);
  });

  it('only an admin adds or edits a unit', async () => {
    for (const client of others) {
      await refused(t, () => client.post('/api/v1/units', { code: 'X-1', name: '某单位', kind: 'department' }), 403);
      await refused(t, () => client.put('/api/v1/units/ZJJ', { name: '改名' }), 403);
    }
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/units', payload: { code: 'X-1', name: '某单位', kind: 'department' } });
    assert.equal(anonymous.statusCode, 401);
  });

  it('refuses a bad unit with a Chinese title naming the field, changing nothing', async () => {
    const base = { code: 'NEW-1', name: '新单位', kind: 'department' };
    await refused(t, () => admin.post('/api/v1/units', { ...base, code: 'new-1' }), 400, '单位编码');
    await refused(t, () => admin.post('/api/v1/units', { ...base, code: 'A' }), 400, '单位编码');
    await refused(t, () => admin.post('/api/v1/units', { ...base, code: 'ABCDEFGHIJKLMNOPQRSTU' }), 400, '单位编码');
    await refused(t, () => admin.post('/api/v1/units', { ...base, kind: 'bureau' }), 400, '单位类型');
    await refused(t, () => admin.post('/api/v1/units', { code: 'NEW-1', kind: 'department' }), 400, '单位名称');
    await refused(t, () => admin.post('/api/v1/units', { ...base, name: '   ' }), 400, '单位名称');
    await refused(t, () => admin.post('/api/v1/units', { ...base, parentCode: 'NOPE' }), 400, '上级单位');
    await refused(t, () => admin.post('/api/v1/units', { ...base, kind: 'subunit' }), 400, '上级单位');
    await refused(t, () => admin.post('/api/v1/units', { ...base, smsPhone: '值班电话' }), 400, '短信值班电话');
    await refused(t, () => admin.post('/api/v1/units', { ...base, code: 'ZJJ' }), 409, 'ZJJ');
    await refused(t, () => admin.put('/api/v1/units/ZJJ', { name: '' }), 400, '单位名称');
    await refused(t, () => admin.put('/api/v1/units/ZJJ', { active: 'maybe' }), 400, '启用状态');
    await refused(t, () => admin.put('/api/v1/units/ZJJ', { smsPhone: 'abc' }), 400, '短信值班电话');
    // A landline can be the office phone, but it cannot receive the SMS notices.
    for (const landline of ['0453-8621001', '04538621001', '8621001', '12345678901']) {
      const res = await refused(t, () => admin.put('/api/v1/units/ZJJ', { smsPhone: landline }), 400, '短信值班电话');
      assert.match(res.body.title, /手机号码/, landline);
    }
    await refused(t, () => admin.post('/api/v1/units', { ...base, smsPhone: '0453-8699009' }), 400, '手机号码');
    await refused(t, () => admin.put('/api/v1/units/ZJJ', { parentCode: 'DAQ' }), 400, 'parentCode');
    await refused(t, () => admin.put('/api/v1/units/NOPE', { name: '某单位' }), 404, 'NOPE');
  });

  it('an admin renames a unit and changes its duty phone; the event names the fields, not the values', async () => {
    const res = await admin.put('/api/v1/units/BJJ', { name: '市机关事务服务中心', smsPhone: '13948699002' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.name, '市机关事务服务中心');
    assert.equal(res.body.smsPhone, '13948699002');
    assert.equal(t.ctx.org.byCodeOrUndefined('BJJ')?.name, '市机关事务服务中心');
    const listedUnit = (await agent.get('/api/v1/units')).body.items.find((u: any) => u.code === 'BJJ');
    assert.equal(listedUnit.name, '市机关事务服务中心');
    const cleared = await admin.put('/api/v1/units/BJJ', { smsPhone: null });
    assert.equal(cleared.body.smsPhone, null);
    const events = await adminEvents(t, 'unit_update');
    assert.deepEqual(
      events.map((e) => e.detail),
      [
        { unit: 'BJJ', changed: ['name', 'smsPhone'], active: true },
        { unit: 'BJJ', changed: ['smsPhone'], active: true },
      ],
    );
    assert.ok(events.every((e) => !e.raw.includes('0453')));
    // Nothing to change: no event.
    assert.equal((await admin.put('/api/v1/units/BJJ', { name: '市机关事务服务中心' })).status, 200);
    assert.equal((await adminEvents(t, 'unit_update')).length, 2);
  });

  it('a unit with open duties, active sub-units, users or categories cannot be deactivated (409)', async () => {
    const withDuties = await refused(t, () => admin.put('/api/v1/units/ZJJ-WYK', { active: false }), 409, '办理职责');
    assert.ok(withDuties.body.openDuties >= 2);
    await refused(t, () => admin.put('/api/v1/units/DAQ', { active: false }), 409);
    // SCJGJ-XAS: no duties, no users, but nothing below it either; SCJGJ has a sub-unit.
    await refused(t, () => admin.put('/api/v1/units/SCJGJ', { active: false }), 409);
    // 市城市管理综合执法局 has a sub-unit; its sub-unit 市环境卫生中心 has nothing: it may go.
    const hw = await admin.put('/api/v1/units/CGJ-HWZX', { active: false });
    assert.equal(hw.status, 200, JSON.stringify(hw.body));
    // CGJ is still the default unit of several categories.
    await refused(t, () => admin.put('/api/v1/units/CGJ', { active: false }), 409, '默认承办单位');
    // A unit with an active user.
    assert.equal((await admin.post('/api/v1/units', { code: 'TMP-U', name: '临时单位', kind: 'department' })).status, 201);
    assert.equal((await admin.post('/api/v1/users', { username: 'tmp.user', password: PASSWORD, role: 'unit_staff', unitCode: 'TMP-U' })).status, 201);
    await refused(t, () => admin.put('/api/v1/units/TMP-U', { active: false }), 409, '用户');
    // The only 热线管理机构 stays (it also has users).
    await refused(t, () => admin.put('/api/v1/units/MDJ12345', { active: false }), 409);
    const reactivated = await admin.put('/api/v1/units/CGJ-HWZX', { active: true });
    assert.equal(reactivated.status, 200);
  });

  it('a deactivated unit leaves the tree and takes no new work; reactivated, it is back', async () => {
    const res = await admin.put('/api/v1/units/BJJ', { active: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.active, false);
    assert.ok(!(await agent.get('/api/v1/units')).body.items.some((u: any) => u.code === 'BJJ'));
    const all = (await admin.get('/api/v1/units?includeInactive=true')).body.items;
    assert.equal(all.find((u: any) => u.code === 'BJJ').active, false);
    const tk = await agent.post('/api/v1/tickets', {
      channel: 'phone',
      type: 'help',
      requester: { kind: 'person', name: '赵一', phone: '13900009999' },
      facts: '机关食堂对外开放时间咨询与求助',
      address: address(),
      disposition: 'dispatch',
      dispatch: { leadUnitCode: 'BJJ' },
    });
    assertProblem(tk, 400, 'BJJ');
    await refused(t, () => admin.post('/api/v1/units', { code: 'BJJ-1', name: '下属单位', kind: 'subunit', parentCode: 'BJJ' }), 400, '上级单位');
    await refused(t, () => admin.post('/api/v1/users', { username: 'bjj.staff', password: PASSWORD, role: 'unit_staff', unitCode: 'BJJ' }), 400);

    const back = await admin.put('/api/v1/units/BJJ', { active: true });
    assert.equal(back.status, 200);
    assert.ok((await agent.get('/api/v1/units')).body.items.some((u: any) => u.code === 'BJJ'));
    assert.deepEqual(
      (await adminEvents(t, 'unit_update')).slice(-2).map((e) => e.detail),
      [
        { unit: 'BJJ', changed: ['active'], active: false },
        { unit: 'BJJ', changed: ['active'], active: true },
      ],
    );
  });

  // ------------------------------------------------------------------ users

  it('only an admin lists, changes or resets users', async () => {
    assertProblem(await agent.get('/api/v1/users'), 403);
    for (const client of others) {
      await refused(t, () => client.put('/api/v1/users/agent1', { role: 'admin' }), 403);
      await refused(t, () => client.post('/api/v1/users/agent1/password', { password: NEW_PASSWORD }), 403);
    }
    const list = await admin.get('/api/v1/users');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.find((u: any) => u.username === 'zjj.wyk'),
      { username: 'zjj.wyk', displayName: DISPLAY_NAME, role: 'unit_staff', unit: 'ZJJ-WYK', active: true, totpEnabled: false },
    );
  });

  it('lists whether each user has two-step login: not while enrolling, once confirmed, and no longer after the admin resets it', async () => {
    const totpEnabled = async (username: string) => {
      const res = await admin.get('/api/v1/users');
      assert.equal(res.status, 200);
      return res.body.items.find((u: any) => u.username === username)?.totpEnabled;
    };
    assert.equal((await admin.post('/api/v1/users', { username: 'totp.user', password: PASSWORD, role: 'agent' })).status, 201);
    const user = await t.as('totp.user');
    assert.equal(await totpEnabled('totp.user'), false);
    const secret = (await user.post('/api/v1/auth/totp/enrol')).body.secret as string;
    assert.equal(await totpEnabled('totp.user'), false, 'a pending enrolment is not two-step login yet');
    const confirmed = await user.post('/api/v1/auth/totp/confirm', { code: totpCode(secret, Date.parse(t.clock.now())) });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(await totpEnabled('totp.user'), true);
    assert.equal(await totpEnabled('admin'), false);
    assert.equal((await admin.post('/api/v1/auth/admin/reset-totp', { username: 'totp.user' })).body.reset, true);
    assert.equal(await totpEnabled('totp.user'), false);
  });

  it('changes a user’s role, unit and name; the change applies to their open session', async () => {
    const wyk = await t.as('zjj.wyk');
    const res = await admin.put('/api/v1/users/zjj.wyk', { role: 'unit_head', unitCode: 'ZJJ', displayName: '王小明（科长）' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { username: 'zjj.wyk', displayName: '王小明（科长）', role: 'unit_head', unit: 'ZJJ', active: true });
    const whoami = await wyk.get('/api/v1/auth/me');
    assert.equal(whoami.body.role, 'unit_head');
    assert.equal(whoami.body.unit.code, 'ZJJ');
    // A non-unit role may drop its unit.
    const agentNow = await admin.put('/api/v1/users/zjj.wyk', { role: 'agent', unitCode: null });
    assert.equal(agentNow.status, 200, JSON.stringify(agentNow.body));
    assert.equal(agentNow.body.unit, null);
    const back = await admin.put('/api/v1/users/zjj.wyk', { role: 'unit_staff', unitCode: 'ZJJ-WYK', displayName: DISPLAY_NAME });
    assert.equal(back.status, 200, JSON.stringify(back.body));

    const events = await adminEvents(t, 'user_update');
    assert.deepEqual(events[0].detail, { username: 'zjj.wyk', changed: ['role', 'unit', 'displayName'], fromRole: 'unit_staff', role: 'unit_head', unit: 'ZJJ' });
    assert.deepEqual(events[1].detail, { username: 'zjj.wyk', changed: ['role', 'unit'], fromRole: 'unit_head', role: 'agent', unit: null });
    assert.ok(events.every((e) => e.role === 'admin' && !e.raw.includes('王小明')));
  });

  it('refuses a bad user change with a Chinese title naming the field, changing nothing', async () => {
    await refused(t, () => admin.put('/api/v1/users/zjj.wyk', { unitCode: null }), 400, '所属单位');
    await refused(t, () => admin.put('/api/v1/users/agent1', { role: 'unit_staff', unitCode: null }), 400, '所属单位');
    await refused(t, () => admin.put('/api/v1/users/zjj.wyk', { unitCode: 'NOPE' }), 400, '所属单位');
    await refused(t, () => admin.put('/api/v1/users/zjj.wyk', { role: 'boss' }), 400, '角色');
    await refused(t, () => admin.put('/api/v1/users/zjj.wyk', { displayName: '' }), 400, '姓名');
    await refused(t, () => admin.put('/api/v1/users/zjj.wyk', { displayName: '  ' }), 400, '姓名');
    await refused(t, () => admin.put('/api/v1/users/zjj.wyk', { active: 'no' }), 400, '启用状态');
    await refused(t, () => admin.put('/api/v1/users/zjj.wyk', { password: 'x' }), 400, 'password');
    await refused(t, () => admin.put('/api/v1/users/nobody', { active: false }), 404, 'nobody');
    await refused(t, () => admin.post('/api/v1/users/zjj.wyk/password', { password: 'short' }), 400, '密码');
    await refused(t, () => admin.post('/api/v1/users/zjj.wyk/password', {}), 400, '密码');
    await refused(t, () => admin.post('/api/v1/users/nobody/password', { password: NEW_PASSWORD }), 404, 'nobody');
  });

  it('an admin cannot demote or deactivate themself, but may another admin', async () => {
    await refused(t, () => admin.put('/api/v1/users/admin', { role: 'agent' }), 409, '角色');
    await refused(t, () => admin.put('/api/v1/users/admin', { active: false }), 409, '停用');
    assert.equal((await admin.get('/api/v1/auth/me')).body.role, 'admin');
    // Saying what is already true is fine.
    assert.equal((await admin.put('/api/v1/users/admin', { role: 'admin', active: true })).status, 200);

    assert.equal((await admin.post('/api/v1/users', { username: 'admin2', password: PASSWORD, role: 'admin' })).status, 201);
    const admin2 = await t.as('admin2');
    const demoted = await admin2.put('/api/v1/users/admin', { role: 'team_lead', unitCode: 'MDJ12345' });
    assert.equal(demoted.status, 200, JSON.stringify(demoted.body));
    assertProblem(await admin.get('/api/v1/users'), 403);
    assert.equal((await admin2.put('/api/v1/users/admin', { role: 'admin', unitCode: null })).status, 200);
    assert.equal((await admin.get('/api/v1/users')).status, 200);
  });

  it('a deactivated user’s sessions stop working (401) and they cannot log in; reactivated, they can', async () => {
    const first = await login(t, 'zjj.wyk', PASSWORD);
    const second = await login(t, 'zjj.wyk', PASSWORD);
    assert.equal(first.status, 200);
    assert.equal(await me(t, first.token!), 200);

    const res = await admin.put('/api/v1/users/zjj.wyk', { active: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.active, false);
    assert.ok(res.body.revokedSessions >= 3, JSON.stringify(res.body));
    assert.equal(await me(t, first.token!), 401);
    assert.equal(await me(t, second.token!), 401);
    assert.equal((await login(t, 'zjj.wyk', PASSWORD)).status, 401);
    const sessions = await t.ctx.store.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select('s.revoked_at')
      .where('u.username', '=', 'zjj.wyk')
      .execute();
    assert.ok(sessions.length >= 3 && sessions.every((s) => s.revoked_at !== null), JSON.stringify(sessions));
    const event = (await adminEvents(t, 'user_update')).at(-1)!;
    assert.equal(event.detail.active, false);
    assert.ok(event.detail.revokedSessions >= 3);

    assert.equal((await admin.put('/api/v1/users/zjj.wyk', { active: true })).status, 200);
    // Reactivating does not bring old sessions back; a new login works.
    assert.equal(await me(t, first.token!), 401);
    const again = await login(t, 'zjj.wyk', PASSWORD);
    assert.equal(again.status, 200);
    assert.equal(await me(t, again.token!), 200);
  });

  it('resets a password: the old one and the user’s sessions stop working; the log never sees it', async () => {
    const session = await login(t, 'zjj.wyk', PASSWORD);
    const res = await admin.post('/api/v1/users/zjj.wyk/password', { password: NEW_PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.username, 'zjj.wyk');
    assert.ok(res.body.revokedSessions >= 1);
    assert.equal(await me(t, session.token!), 401);
    assert.equal((await login(t, 'zjj.wyk', PASSWORD)).status, 401);
    assert.equal((await login(t, 'zjj.wyk', NEW_PASSWORD)).status, 200);

    // An admin resetting their own password keeps the session they are using.
    const own = await admin.post('/api/v1/users/admin/password', { password: NEW_PASSWORD });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal((await admin.get('/api/v1/users')).status, 200);
    const events = await adminEvents(t, 'user_password_reset');
    assert.deepEqual(events[0].detail, { username: 'zjj.wyk', revokedSessions: res.body.revokedSessions, mustChangePassword: true });
  });

  // ------------------------------------------------------------------ categories and limits

  it('lists categories with default unit, law-given limit and its basis', async () => {
    const res = await agent.get('/api/v1/categories');
    assert.equal(res.status, 200);
    const xfts = res.body.items.find((c: any) => c.code === 'SCJG-XFTS');
    assert.equal(xfts.replyLimit, '7个工作日');
    assert.deepEqual(xfts.limit, { unit: 'working_days', amount: 7 });
    assert.match(xfts.legalBasis, /七个工作日/);
    assert.deepEqual(xfts.defaultUnit, { code: 'SCJGJ', name: '市市场监督管理局' });
    assert.equal(xfts.parent, 'SCJG');
    const group = res.body.items.find((c: any) => c.code === 'SCJG');
    assert.equal(group.parent, null);
    assert.equal(group.limit, null);
  });

  it('an admin sets a leaf’s default unit and law-given limit; new tickets use them', async () => {
    const basis = '《中华人民共和国食品安全法》及本市食品安全投诉处理规定：十个工作日内处理并答复';
    const res = await admin.put('/api/v1/categories/SCJG-SPAQ', { defaultUnitCode: 'SCJGJ-XAS', replyLimit: { unit: 'working_days', amount: 10 }, legalBasis: basis });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.replyLimit, '10个工作日');
    assert.deepEqual(res.body.defaultUnit, { code: 'SCJGJ-XAS', name: '市市场监督管理局新安市场监督管理所' });
    assert.equal(res.body.legalBasis, basis);

    const tk = await newTicket(t, { type: 'complaint', categoryCode: 'SCJG-SPAQ', facts: '某餐馆后厨卫生状况差，有过期食材', address: address() });
    assert.equal(tk.leadUnit.code, 'SCJGJ-XAS');
    const reply = (await view(t, tk.no)).duties.find((d: any) => d.kind === 'reply');
    assert.equal(reply.limit, '10个工作日');
    assert.ok((await listed(await t.as('scjgj.staff'))).includes(tk.no));

    // An hours limit reads as such.
    const hours = await admin.put('/api/v1/categories/SCJG-SPAQ', { replyLimit: { unit: 'hours', amount: 48 } });
    assert.equal(hours.status, 200, JSON.stringify(hours.body));
    assert.equal(hours.body.replyLimit, '48小时');
    assert.equal(hours.body.legalBasis, basis);

    // No limit: the type's limit applies again, and the basis goes with the limit.
    const cleared = await admin.put('/api/v1/categories/SCJG-SPAQ', { replyLimit: null, defaultUnitCode: 'SCJGJ' });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(cleared.body.replyLimit, null);
    assert.equal(cleared.body.legalBasis, null);
    const plain = await newTicket(t, { type: 'complaint', categoryCode: 'SCJG-SPAQ', facts: '超市出售过期牛奶，店员拒绝退换', address: address() });
    assert.equal((await view(t, plain.no)).duties.find((d: any) => d.kind === 'reply').limit, '15个工作日');

    const events = await adminEvents(t, 'category_update');
    assert.deepEqual(
      events.map((e) => e.detail),
      [
        { category: 'SCJG-SPAQ', changed: ['defaultUnit', 'replyLimit', 'legalBasis'], defaultUnit: 'SCJGJ-XAS', replyLimit: '10个工作日' },
        { category: 'SCJG-SPAQ', changed: ['replyLimit'], defaultUnit: 'SCJGJ-XAS', replyLimit: '48小时' },
        { category: 'SCJG-SPAQ', changed: ['defaultUnit', 'replyLimit', 'legalBasis'], defaultUnit: 'SCJGJ', replyLimit: null },
      ],
    );
  });

  it('a limit needs its legal basis (400 naming 依据); bad categories and units are refused; only an admin edits', async () => {
    await refused(t, () => admin.put('/api/v1/categories/SCJG-JG', { replyLimit: { unit: 'working_days', amount: 10 } }), 400, '依据');
    await refused(t, () => admin.put('/api/v1/categories/SCJG-JG', { replyLimit: { unit: 'working_days', amount: 10 }, legalBasis: '  ' }), 400, '依据');
    await refused(t, () => admin.put('/api/v1/categories/SCJG-XFTS', { legalBasis: null }), 400, '依据');
    await refused(t, () => admin.put('/api/v1/categories/SCJG-JG', { replyLimit: { unit: 'weeks', amount: 2 }, legalBasis: '某规定' }), 400, '时限单位');
    await refused(t, () => admin.put('/api/v1/categories/SCJG-JG', { replyLimit: { unit: 'working_days', amount: 0 }, legalBasis: '某规定' }), 400, '时限数量');
    await refused(t, () => admin.put('/api/v1/categories/SCJG-JG', { replyLimit: { unit: 'working_days' }, legalBasis: '某规定' }), 400, '时限数量');
    await refused(t, () => admin.put('/api/v1/categories/SCJG-JG', { defaultUnitCode: 'NOPE' }), 400, '默认承办单位');
    await refused(t, () => admin.put('/api/v1/categories/SCJG-JG', { defaultUnitCode: 'MDJ12345' }), 400, '默认承办单位');
    await refused(t, () => admin.put('/api/v1/categories/SCJG', { defaultUnitCode: 'SCJGJ' }), 409, '分组');
    await refused(t, () => admin.put('/api/v1/categories/NOPE', { defaultUnitCode: 'SCJGJ' }), 404, 'NOPE');
    for (const client of others) {
      await refused(t, () => client.put('/api/v1/categories/SCJG-JG', { defaultUnitCode: 'ZJJ' }), 403);
    }
  });

  it('shows the city’s default limits in Chinese to anyone logged in', async () => {
    const res = await agent.get('/api/v1/limits');
    assert.equal(res.status, 200);
    assert.equal(res.body.city, '牡丹江市');
    const text = (key: string) => res.body.items.find((i: any) => i.key === key)?.text;
    assert.equal(res.body.items.length, LIMIT_KEYS.length);
    assert.equal(text('sign'), '1个工作日');
    assert.equal(text('reply.consultation'), '2个工作日');
    assert.equal(text('reply.help'), '5个工作日');
    assert.equal(text('reply.complaint'), '15个工作日');
    assert.equal(text('return'), '2个工作日');
    assert.equal(text('dispute.raise'), '3日');
    assert.equal(text('dispute.settle'), '5日');
    assert.equal(text('special.first_response'), '4小时');
    assert.equal(text('special.progress'), '3个工作日');
    assert.equal(text('special_emergency.first_response'), '2小时');
    assert.equal(text('special_emergency.progress'), '2个工作日');
    assert.equal(text('supervision.special'), '2个工作日');
    assert.equal(text('supervision.common'), '5个工作日');
    assert.ok(res.body.items.every((i: any) => /[\u4e00-\u9fff]/.test(i.label) && /[\u4e00-\u9fff]/.test(i.group)));
    assert.deepEqual(res.body.items.find((i: any) => i.key === 'sign').limit, { unit: 'working_days', amount: 1 });
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/limits' })).statusCode, 401);
  });

  it('a restart (the city configuration applied again) keeps what the admin changed, and only that', async () => {
    assert.equal((await admin.put('/api/v1/units/YZJ', { name: '市邮政管理局（快递监管）', smsPhone: '13948699003' })).status, 200);
    assert.equal((await admin.put('/api/v1/units/KJJ', { active: false })).status, 200);
    const limit = await admin.put('/api/v1/categories/SCJG-XFTS', { replyLimit: { unit: 'working_days', amount: 10 }, legalBasis: '本市消费维权规定' });
    assert.equal(limit.status, 200, JSON.stringify(limit.body));
    // Drift the admin did not cause: the configuration puts it right.
    await t.ctx.store.db.updateTable('units').set({ name: '改错的名称' }).where('code', '=', 'FGW').execute();
    await t.ctx.store.db.updateTable('categories').set({ keywords: '改错' }).where('code', '=', 'SCJG-XFTS').execute();

    await applyCityConfig(t.ctx.store.db, t.ctx.city);
    await t.ctx.org.reload();

    const units = (await admin.get('/api/v1/units?includeInactive=true')).body.items;
    const unit = (code: string) => units.find((u: any) => u.code === code);
    assert.equal(unit('YZJ').name, '市邮政管理局（快递监管）');
    assert.equal(unit('YZJ').smsPhone, '13948699003');
    assert.equal(unit('KJJ').active, false);
    assert.equal(unit('FGW').name, '市发展和改革委员会');
    assert.equal(unit('ZJJ-WYK').parent, 'ZJJ');
    assert.equal(unit('BJJ').name, '市机关事务服务中心');
    const xfts = (await agent.get('/api/v1/categories')).body.items.find((c: any) => c.code === 'SCJG-XFTS');
    assert.equal(xfts.replyLimit, '10个工作日');
    assert.equal(xfts.legalBasis, '本市消费维权规定');
    assert.ok(xfts.keywords.includes('预付卡'));
    // A new sub-unit keeps its place in the tree: the parent still sees its tickets.
    assert.ok((await listed(await t.as('zjj.staff'))).length > 0);
    assert.ok(t.ctx.org.subtreeIds(t.ctx.org.byCodeOrUndefined('ZJJ')!.id).includes(t.ctx.org.byCodeOrUndefined('ZJJ-WYK')!.id));
  });

  // ------------------------------------------------------------------ audit

  it('every admin change is in the audit log as the admin’s, without passwords or personal data', async () => {
    const rows = await t.ctx.store.db
      .selectFrom('events')
      .select(['action', 'role', 'user_id', 'detail', 'ticket_id'])
      .where('action', 'in', ['unit_create', 'unit_update', 'user_create', 'user_update', 'user_password_reset', 'category_update'])
      .execute();
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['unit_create', 'unit_update', 'user_create', 'user_update', 'user_password_reset', 'category_update']) assert.ok(actions.has(a), `no ${a} event`);
    const hashes = (await t.ctx.store.db.selectFrom('users').select('password_hash').execute()).map((u) => u.password_hash);
    for (const r of rows) {
      assert.equal(r.role, 'admin');
      assert.ok(r.user_id);
      assert.equal(r.ticket_id, null);
      const detail = r.detail ?? '';
      for (const secret of [PASSWORD, NEW_PASSWORD, DISPLAY_NAME, UNIT_PHONE, 'password', ...hashes]) {
        assert.ok(!detail.includes(secret), `${r.action} event ${detail} contains «${secret}»`);
      }
    }
  });
});
