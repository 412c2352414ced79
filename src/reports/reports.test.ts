// Reports on a hand-made period: tickets created through the API at known instants (ManualClock),
// with a late signature, overdue duties and callbacks; every expected figure is worked out below.
//
// Calendar (Asia/Shanghai; 2026-02-28 is a 调休 working Saturday, March has no holidays):
//   F  2026-02-25 Wed 09:00  sms,    suggestion, no category, district 东安区 → lead 东安区 (fallback); never signed
//                            sign due 02-26 24:00; reply due 03-03 or later (before 03-09)
//   A  2026-03-02 Mon 09:00  phone,  complaint, 物业服务, 东安区 → 住建局; signed 03-04 (late), replied 03-05,
//                            review passed, callback 03-05 满意
//   B  2026-03-02 Mon 10:00  wechat, help, 停水, 东安区 → 供水公司; never signed: sign due 03-03 24:00, reply due 03-09 24:00
//   C  2026-03-03 Tue 11:00  web,    consultation, 停水, 阳明区, direct answer (no unit, no duties)
//   D  2026-03-04 Wed 09:00  phone,  complaint, 消费投诉, no district → 市场监管局; signed on time, replied 03-06,
//                            callback 03-06 not reached, then 不满意 (judged not reasonable: closed)
//   E  2026-03-10 Tue 09:00  phone,  complaint, 物业服务, 东安区 → 住建局; never signed: sign due 03-11 24:00,
//                            reply (15 working days) due 03-31 24:00
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { describeEachEngine, intakeBody, startTestApp, type Client, type TestApp } from '../../test/support/app.ts';
import { reportTableCounts } from './scheduler.ts';
import { REPORT_BAR_COLOR } from './report-charts.ts';
import { fillOperator, pageOperators } from '../../test/support/pdf.ts';

const at = (shanghai: string) => new Date(`${shanghai}+08:00`).toISOString();

describeEachEngine('reports: 日报、周报、月报、专报 and 社情民意', (engine) => {
  let t: TestApp;
  let agent: Client;
  let centre: Client;
  const no: Record<string, string> = {};
  let phone = 13900000000;

  const intake = async (key: string, when: string, overrides: Record<string, unknown>) => {
    t.clock.set(at(when));
    phone += 1;
    const res = await (await t.as('agent1')).post(
      '/api/v1/tickets',
      intakeBody({ requester: { kind: 'person', name: '张三丰', phone: String(phone) }, address: `地址${key}`, ...overrides }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    no[key] = res.body.no;
  };
  const act = async (user: string, key: string, action: string, when: string, body: Record<string, unknown> = {}) => {
    t.clock.set(at(when));
    const res = await (await t.as(user)).act(no[key], action, body);
    assert.equal(res.status, 200, `${action} ${key}: ${JSON.stringify(res.body)}`);
  };

  before(async () => {
    t = await startTestApp(engine, { now: at('2026-02-25T09:00:00') });
    await intake('F', '2026-02-25T09:00:00', { channel: 'sms', type: 'suggestion', categoryCode: undefined, districtCode: 'DAQ', facts: '建议增设公交站点方便出行' });
    await intake('A', '2026-03-02T09:00:00', { channel: 'phone', type: 'complaint', categoryCode: 'ZFWY-WY', districtCode: 'DAQ', facts: '光华小区停水三天了，物业不管，电话13900001111' });
    await intake('B', '2026-03-02T10:00:00', { channel: 'wechat', type: 'help', categoryCode: 'SDRQ-TS', districtCode: 'DAQ', facts: '新安街道停水，没有通知' });
    await intake('C', '2026-03-03T11:00:00', { channel: 'web', type: 'consultation', categoryCode: 'SDRQ-TS', districtCode: 'YMQ', facts: '阳明区停水什么时候恢复', disposition: 'direct_answer', answer: { content: '管网抢修，预计今晚恢复供水' } });
    await intake('D', '2026-03-04T09:00:00', { channel: 'phone', type: 'complaint', categoryCode: 'SCJG-XFTS', facts: '商家拒绝退款，预付卡无法使用' });
    await act('zjj.staff', 'A', 'sign', '2026-03-04T10:00:00');
    await act('scjgj.staff', 'D', 'sign', '2026-03-04T10:30:00');
    await act('zjj.staff', 'A', 'reply', '2026-03-05T10:00:00', { content: '已督促供水恢复，物业整改' });
    await act('centre1', 'A', 'review', '2026-03-05T11:00:00', { pass: true });
    await act('centre1', 'A', 'callback', '2026-03-05T14:00:00', { reached: true, satisfaction: 'satisfied' });
    await act('scjgj.staff', 'D', 'reply', '2026-03-06T10:00:00', { content: '已约谈商家，退款中' });
    await act('centre1', 'D', 'review', '2026-03-06T11:00:00', { pass: true });
    await act('centre1', 'D', 'callback', '2026-03-06T15:00:00', { reached: false });
    await act('centre1', 'D', 'callback', '2026-03-06T16:00:00', { reached: true, satisfaction: 'unsatisfied', reasonable: false });
    await intake('E', '2026-03-10T09:00:00', { channel: 'phone', type: 'complaint', categoryCode: 'ZFWY-WY', districtCode: 'DAQ', facts: '物业乱收费' });
    t.clock.set(at('2026-04-02T09:00:00'));
    agent = await t.as('agent1');
    centre = await t.as('centre1');
  });
  after(() => t.close());

  const counts = (rows: Array<{ name: string; count: number }>) => Object.fromEntries(rows.filter((r) => r.count).map((r) => [r.name, r.count]));

  it('月报 2026-03: volume by channel, type, category, district and lead unit', async () => {
    const res = await centre.get('/api/v1/reports/monthly?month=2026-03');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body;
    assert.equal(r.kind, 'monthly');
    assert.equal(r.period, '2026-03');
    assert.equal(r.firstDate, '2026-03-01');
    assert.equal(r.lastDate, '2026-03-31');
    assert.equal(r.from, '2026-02-28T16:00:00.000Z');
    assert.equal(r.to, '2026-03-31T16:00:00.000Z');
    assert.match(r.title, /2026年3月月报（全市）/);
    assert.equal(r.totals.tickets, 5); // A B C D E (F is February's)
    assert.deepEqual(counts(r.byChannel), { 电话: 3, 微信: 1, 网站: 1 });
    assert.equal(r.byChannel.length, 7, 'every channel listed, zeros included');
    assert.equal(r.byChannel.find((x: { key: string }) => x.key === 'phone').share, 0.6);
    assert.deepEqual(counts(r.byType), { 投诉: 3, 求助: 1, 咨询: 1 });
    assert.deepEqual(counts(r.byCategory), { 物业服务: 2, 停水: 2, 消费投诉: 1 });
    assert.deepEqual(counts(r.byTopCategory), { 住房和物业: 2, 供水供热供气供电: 2, 市场监管与消费: 1 });
    assert.deepEqual(counts(r.byDistrict), { 东安区人民政府: 3, 阳明区人民政府: 1, '未标明县（市）区': 1 });
    assert.deepEqual(counts(r.byLeadUnit), { 市住房和城乡建设局: 2, 牡丹江市供水有限责任公司: 1, 市市场监督管理局: 1, 未派单: 1 });
    assert.deepEqual(r.topIssues.categories.slice(0, 2).map((x: { name: string }) => x.name).sort(), ['停水', '物业服务']);
    assert.deepEqual(r.topIssues.keywords[0], { word: '停水', count: 3 }); // A, B, C
    assert.equal(r.topIssues.keywords.find((k: { word: string }) => k.word === '物业').count, 2); // A, E
  });

  it('月报 2026-03: overdue duties and satisfaction', async () => {
    const r = (await centre.get('/api/v1/reports/monthly?month=2026-03')).body;
    // Late: A's signature on 03-04 (due 03-03 24:00). Open and overdue at 04-01 00:00: B sign + reply,
    // E sign + reply (reply due 03-31 24:00), F sign + reply.
    assert.equal(r.overdue.lateDone, 1);
    assert.equal(r.overdue.openOverdue, 6);
    const byUnit = Object.fromEntries(r.overdue.byUnit.map((u: { name: string; lateDone: number; openOverdue: number }) => [u.name, [u.lateDone, u.openOverdue]]));
    assert.deepEqual(byUnit, { 市住房和城乡建设局: [1, 2], 牡丹江市供水有限责任公司: [0, 2], 东安区人民政府: [0, 2] });
    const byKind = Object.fromEntries(r.overdue.byKind.map((u: { key: string; lateDone: number; openOverdue: number }) => [u.key, [u.lateDone, u.openOverdue]]));
    assert.deepEqual(byKind, { sign: [1, 3], reply: [0, 3] });
    // Callbacks in March: A 满意, D not reached, D 不满意. D is a 投诉 of 消费投诉 (行政调解类): 第二十五条
    // leaves it out of 满意率, as the evaluation does → 满意率 = 1 / 1; every rating: 1 / 2.
    assert.deepEqual(counts(r.satisfaction.levels), { 满意: 1, 不满意: 1 });
    assert.equal(r.satisfaction.rated, 1);
    assert.equal(r.satisfaction.satisfied, 1);
    assert.equal(r.satisfaction.exempt, 1);
    assert.equal(r.satisfaction.excluded, 0);
    assert.equal(r.satisfaction.unreached, 1);
    assert.equal(r.satisfaction.rate, 1);
    assert.deepEqual([r.satisfaction.allRated, r.satisfaction.allSatisfied, r.satisfaction.allRate], [2, 1, 0.5]);
    assert.equal(r.satisfaction.basis, 'evaluation');
    assert.deepEqual(r.totals, { tickets: 5, lateDone: 1, openOverdue: 6, rated: 1, satisfied: 1, satisfactionRate: 1 });
  });

  it('trends: the same figures for the previous periods', async () => {
    const r = (await centre.get('/api/v1/reports/monthly?month=2026-03')).body;
    assert.deepEqual(r.trend.map((p: { period: string }) => p.period), ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    // February: F only; at 03-01 00:00 its signature is overdue, its reply not yet.
    assert.deepEqual(r.trend[4], { period: '2026-02', label: '2026年2月', tickets: 1, lateDone: 0, openOverdue: 1, rated: 0, satisfied: 0, satisfactionRate: null });
    assert.deepEqual(r.trend[5], { period: '2026-03', label: '2026年3月', ...r.totals });
  });

  it('周报 2026-W10 (03-02 … 03-08) and 日报 2026-03-02', async () => {
    const w = (await centre.get('/api/v1/reports/weekly?week=2026-W10')).body;
    assert.equal(w.firstDate, '2026-03-02');
    assert.equal(w.lastDate, '2026-03-08');
    // A B C D; late: A's signature; open overdue at 03-09 00:00: B sign, F sign, F reply (B's reply is due 03-09 24:00).
    assert.deepEqual(w.totals, { tickets: 4, lateDone: 1, openOverdue: 3, rated: 1, satisfied: 1, satisfactionRate: 1 });
    assert.equal(w.trend.length, 6);
    assert.deepEqual(w.trend[4], { period: '2026-W09', label: '2026年第9周', tickets: 1, lateDone: 0, openOverdue: 1, rated: 0, satisfied: 0, satisfactionRate: null });

    const d = (await centre.get('/api/v1/reports/daily?date=2026-03-02')).body;
    assert.equal(d.title.includes('2026年3月2日日报'), true);
    // A and B; at 03-03 00:00 only F's signature is overdue.
    assert.deepEqual(d.totals, { tickets: 2, lateDone: 0, openOverdue: 1, rated: 0, satisfied: 0, satisfactionRate: null });
    assert.deepEqual(counts(d.byChannel), { 电话: 1, 微信: 1 });
    assert.equal(d.trend[4].period, '2026-03-01');
  });

  it('a unit user’s report covers only its subtree', async () => {
    const zjj = (await (await t.as('zjj.staff')).get('/api/v1/reports/monthly?month=2026-03')).body;
    assert.equal(zjj.scope.unit.code, 'ZJJ');
    assert.match(zjj.title, /市住房和城乡建设局及下级单位/);
    // A and E; late: A's signature; open overdue: E's sign and reply; A's callback 满意.
    assert.deepEqual(zjj.totals, { tickets: 2, lateDone: 1, openOverdue: 2, rated: 1, satisfied: 1, satisfactionRate: 1 });
    assert.deepEqual(counts(zjj.byLeadUnit), { 市住房和城乡建设局: 2 });
    const scjgj = (await (await t.as('scjgj.head')).get('/api/v1/reports/monthly?month=2026-03')).body;
    // D's rating is exempt (第二十五条): no 满意率 for the month, the rating is shown among every rating.
    assert.deepEqual(scjgj.totals, { tickets: 1, lateDone: 0, openOverdue: 0, rated: 0, satisfied: 0, satisfactionRate: null });
    assert.deepEqual([scjgj.satisfaction.exempt, scjgj.satisfaction.allRated, scjgj.satisfaction.allRate], [1, 1, 0]);
    assert.equal(scjgj.satisfaction.unreached, 1);
    // 东安区 and its sub-unit 新安街道: F only (its lead by fallback), created in February.
    const daq = (await (await t.as('xajd.staff')).get('/api/v1/reports/monthly?month=2026-02')).body;
    assert.equal(daq.totals.tickets, 0, 'a sub-unit does not see its parent’s tickets');
    const daqHead = (await (await t.as('daq.head')).get('/api/v1/reports/monthly?month=2026-02')).body;
    assert.equal(daqHead.totals.tickets, 1);
    // Topic reports and hot topics are limited the same way.
    const topic = (await (await t.as('zjj.staff')).get('/api/v1/reports/topic?q=停水&from=2026-03-01&to=2026-03-31')).body;
    assert.equal(topic.totals.tickets, 1); // A only
    // The archive and the agent are not for them.
    assert.equal((await (await t.as('zjj.staff')).get('/api/v1/reports/archive')).status, 403);
    assert.equal((await agent.get('/api/v1/reports/monthly?month=2026-03')).status, 403);
  });

  it('专报: tickets whose facts or category match, with breakdowns and masked samples', async () => {
    const res = await centre.get(`/api/v1/reports/topic?q=${encodeURIComponent('停水')}&from=2026-03-01&to=2026-03-31`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body;
    assert.equal(r.kind, 'topic');
    assert.equal(r.totals.tickets, 3); // A (facts), B and C (facts and category)
    assert.deepEqual(counts(r.byDistrict), { 东安区人民政府: 2, 阳明区人民政府: 1 });
    assert.equal(r.samples.length, 3);
    assert.deepEqual(r.samples.map((s: { no: string }) => s.no), [no.C, no.B, no.A]);
    const a = r.samples.find((s: { no: string }) => s.no === no.A);
    assert.equal(a.requester, '张**');
    assert.equal(a.facts, '光华小区停水三天了，物业不管，电话139****1111');
    assert.ok(!JSON.stringify(r).includes('13900001111'), 'no personal number anywhere');
    const daq = (await centre.get(`/api/v1/reports/topic?q=${encodeURIComponent('停水 乱收费')}&from=2026-03-01&to=2026-03-31&district=DAQ`)).body;
    assert.equal(daq.totals.tickets, 3); // A, B (停水) and E (乱收费), all in 东安区
    assert.deepEqual(daq.topic, { terms: ['停水', '乱收费'], district: { code: 'DAQ', name: '东安区人民政府' } });
  });

  it('exports: the xlsx read back, one sheet per breakdown with a title row and Chinese headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/reports/monthly.xlsx?month=2026-03', headers: { authorization: `Bearer ${await token('centre1')}` } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(String(res.headers['content-disposition']), /attachment;.*filename\*=UTF-8''12345/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const names = wb.worksheets.map((w) => w.name);
    assert.deepEqual(names, ['概况', '按渠道', '按诉求类型', '按一级分类', '按末级分类', '按县（市）区', '按主办单位', '热点诉求', '超期情况', '满意度', '趋势', '话务']);
    const channel = wb.getWorksheet('按渠道')!;
    assert.match(String(channel.getCell('A1').value), /2026年3月月报.*统计期间：2026-03-01 至 2026-03-31/);
    // Row 2 is the viewer's watermark line (./watermark.test.ts).
    assert.deepEqual(values(channel.getRow(3)), ['受理渠道', '件数', '占比']);
    assert.deepEqual(values(channel.getRow(4)), ['电话', 3, '60.00%']);
    const summary = wb.getWorksheet('概况')!;
    assert.deepEqual(values(summary.getRow(4)), ['受理总量（件）', 5]);
    assert.deepEqual(values(summary.getRow(9)), ['满意率', '100.00%']);
    assert.deepEqual(values(summary.getRow(10)), ['全部评价满意率（含不计入考核的评价）', '50.00%']);
    const overdue = wb.getWorksheet('超期情况')!;
    assert.deepEqual(values(overdue.getRow(overdue.rowCount)), ['合计', 1, 6]);
    // The same with ?format=
    const again = await t.app.inject({ method: 'GET', url: '/api/v1/reports/weekly?week=2026-W10&format=xlsx', headers: { authorization: `Bearer ${await token('centre1')}` } });
    assert.equal(again.statusCode, 200);
    assert.equal(again.rawPayload.subarray(0, 2).toString(), 'PK');
  });

  it('exports: the PDF is a valid document with the period in it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/reports/monthly.pdf?month=2026-03', headers: { authorization: `Bearer ${await token('centre1')}` } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    const pdf = res.rawPayload;
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.match(pdf.subarray(-8).toString(), /%%EOF/);
    const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;
    assert.ok(pages >= 1 && pages <= 10, `pages: ${pages}`);
    // The document information names the period (a UTF-16 text string).
    assert.ok(pdf.includes(utf16be('统计期间：2026-03-01 至 2026-03-31')), 'subject with the period');
    assert.ok(pdf.includes(Buffer.from('/FontFile3')) || pdf.includes(Buffer.from('/FontFile2')), 'the CJK font is embedded');
    // The console's charts are drawn in it: a bar for each category and district shown (top 12 each).
    const json = JSON.parse((await t.app.inject({ method: 'GET', url: '/api/v1/reports/monthly?month=2026-03', headers: { authorization: `Bearer ${await token('centre1')}` } })).body);
    const shown = (rows: Array<{ count: number }>) => Math.min(12, rows.filter((r) => r.count > 0).length);
    const expected = shown(json.byCategory) + shown(json.byDistrict);
    assert.ok(expected > 0, 'the month has tickets to chart');
    const bars = pageOperators(pdf).match(fillOperator(REPORT_BAR_COLOR))?.length ?? 0;
    assert.ok(bars >= expected, `bars in the chart colour: ${bars}, categories and districts: ${expected}`);
  });

  it('bad parameters → 400 with a Chinese message naming the field', async () => {
    const bad: Array<[string, string, RegExp]> = [
      ['/api/v1/reports/daily?date=2026-02-30', 'date', /日期/],
      ['/api/v1/reports/daily?date=20260302', 'date', /YYYY-MM-DD/],
      ['/api/v1/reports/weekly?week=2026-W54', 'week', /周/],
      ['/api/v1/reports/weekly?week=2025-W53', 'week', /周/],
      ['/api/v1/reports/monthly?month=2026-13', 'month', /月份/],
      ['/api/v1/reports/topic?from=2026-03-01', 'q', /关键词/],
      ['/api/v1/reports/topic?q=停水&district=ZJJ', 'district', /县（市）区/],
      ['/api/v1/reports/topic?q=停水&from=2026-03-05&to=2026-03-01', 'from', /开始日期/],
      ['/api/v1/reports/hot-topics?to=2026-3-1', 'to', /结束日期/],
      ['/api/v1/reports/alerts?from=yesterday', 'from', /开始日期/],
    ];
    for (const [url, field, message] of bad) {
      const res = await centre.get(encodeURI(url));
      assert.equal(res.status, 400, url);
      assert.equal(res.body.errors[0].field, field, url);
      assert.match(res.body.title, message, url);
    }
    assert.equal((await centre.get('/api/v1/reports/monthly?month=2026-03&x=1')).status, 400);
    assert.equal((await centre.get('/api/v1/reports/monthly?month=2026-03&format=doc')).status, 400);
    assert.equal((await centre.get('/api/v1/reports/weekly?week=2027-W53')).status, 400, '2027 has 52 ISO weeks');
    assert.equal((await centre.get('/api/v1/reports/weekly?week=2026-W53')).status, 200, '2026 has 53');
    assert.equal((await centre.get('/api/v1/reports/weekly?week=2020-W53')).status, 200, '2020 has 53 ISO weeks');
  });

  it('scheduled generation: due reports stored once; a re-run changes nothing', async () => {
    t.clock.set(at('2026-03-09T00:05:00'));
    const early = await centre.post('/api/v1/reports/generate');
    assert.equal(early.status, 200, JSON.stringify(early.body));
    // Before 00:10 the week of 03-02 is not due yet: the day 03-07, week W09 and February are.
    assert.deepEqual(early.body.generated, [
      { kind: 'daily', period: '2026-03-07' },
      { kind: 'weekly', period: '2026-W09' },
      { kind: 'monthly', period: '2026-02' },
    ]);
    t.clock.set(at('2026-03-09T00:10:00'));
    const due = await centre.post('/api/v1/reports/generate');
    assert.deepEqual(due.body.generated, [
      { kind: 'daily', period: '2026-03-08' },
      { kind: 'weekly', period: '2026-W10' },
    ]);
    const before = await reportTableCounts(t.ctx);
    const again = await centre.post('/api/v1/reports/generate');
    assert.deepEqual(again.body.generated, []);
    assert.deepEqual(await reportTableCounts(t.ctx), before);
    const list = (await centre.get('/api/v1/reports/archive')).body.items;
    assert.equal(list.length, 5);
    const w10 = list.find((x: { kind: string; period: string }) => x.kind === 'weekly' && x.period === '2026-W10');
    const stored = (await centre.get(`/api/v1/reports/archive/${w10.id}`)).body;
    const live = (await centre.get('/api/v1/reports/weekly?week=2026-W10')).body;
    assert.deepEqual(stored.report.totals, live.totals);
    assert.equal(stored.generatedAt, at('2026-03-09T00:10:00'));
    // One specific period on demand; the unit user may not.
    const one = await centre.post('/api/v1/reports/generate', { kind: 'monthly', period: '2026-01' });
    assert.deepEqual(one.body.generated, [{ kind: 'monthly', period: '2026-01' }]);
    assert.equal((await centre.post('/api/v1/reports/generate', { kind: 'monthly', period: '2026-1' })).body.errors[0].field, 'period');
    assert.equal((await (await t.as('zjj.head')).post('/api/v1/reports/generate')).status, 403);
    assert.equal((await (await t.as('authority1')).get(`/api/v1/reports/archive/${w10.id}?format=xlsx`)).status, 200);
  });

  it('a running month counts overdue as of now and says 截至, in JSON, xlsx, PDF and the archive', async () => {
    // 03-12 09:00: March is running. Overdue now: B sign + reply, F sign + reply, E sign (due 03-11 24:00);
    // E's reply is due 03-31 24:00 — counted at the month's end it would already be the sixth.
    t.clock.set(at('2026-03-12T09:00:00'));
    for (const url of ['/api/v1/reports/monthly?month=2026-03', '/api/v1/reports/monthly']) {
      const r = (await centre.get(url)).body;
      assert.equal(r.period, '2026-03', url);
      assert.equal(r.running, true);
      assert.equal(r.asOf, at('2026-03-12T09:00:00'));
      assert.equal(r.asOfLabel, '截至 2026-03-12 09:00');
      assert.equal(r.totals.openOverdue, 5, url);
      assert.equal(r.overdue.openOverdue, 5);
      assert.equal(r.totals.lateDone, 1);
      const byKind = Object.fromEntries(r.overdue.byKind.map((u: { key: string; lateDone: number; openOverdue: number }) => [u.key, [u.lateDone, u.openOverdue]]));
      assert.deepEqual(byKind, { sign: [1, 3], reply: [0, 2] });
      assert.deepEqual(r.trend[5], { period: '2026-03', label: '2026年3月', ...r.totals });
      // February is over: its figure is as of its end, and it says no 截至.
      assert.equal(r.trend[4].openOverdue, 1);
    }
    // The same figure as the live board's red lights at this instant.
    const board = (await centre.get('/api/v1/supervision/board')).body;
    assert.equal(board.totals.red, 5);
    const feb = (await centre.get('/api/v1/reports/monthly?month=2026-02')).body;
    assert.equal(feb.running, false);
    assert.equal(feb.asOfLabel, null);
    assert.equal(feb.asOf, feb.to);
    // The week and the day running now, and a topic up to today.
    const week = (await centre.get('/api/v1/reports/weekly?week=2026-W11')).body;
    assert.equal(week.asOfLabel, '截至 2026-03-12 09:00');
    assert.equal(week.totals.openOverdue, 5);
    const topic = (await centre.get(`/api/v1/reports/topic?q=${encodeURIComponent('物业')}&from=2026-03-01&to=2026-03-12`)).body;
    assert.equal(topic.running, true);
    assert.equal(topic.asOfLabel, '截至 2026-03-12 09:00');
    assert.equal(topic.totals.openOverdue, 1); // E's signature; its reply is not due yet

    const auth = { authorization: `Bearer ${await token('centre1')}` };
    const xlsx = await t.app.inject({ method: 'GET', url: '/api/v1/reports/monthly.xlsx?month=2026-03', headers: auth });
    assert.equal(xlsx.statusCode, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const summary = wb.getWorksheet('概况')!;
    assert.match(String(summary.getCell('A1').value), /统计期间：2026-03-01 至 2026-03-31（2026年3月，截至 2026-03-12 09:00）/);
    assert.deepEqual(values(summary.getRow(6)), ['期末超期未办结（项）', 5]);
    assert.deepEqual(values(summary.getRow(7)), ['统计截至', '2026-03-12 09:00']);
    const pdf = await t.app.inject({ method: 'GET', url: '/api/v1/reports/monthly.pdf?month=2026-03', headers: auth });
    assert.equal(pdf.statusCode, 200);
    assert.ok(pdf.rawPayload.includes(utf16be('截至 2026-03-12 09:00')), 'the PDF subject says 截至');

    // Stored while running, it states its as-of time; once March is over the job replaces it.
    const made = await centre.post('/api/v1/reports/generate', { kind: 'monthly', period: '2026-03' });
    assert.deepEqual(made.body.generated, [{ kind: 'monthly', period: '2026-03' }]);
    const march = async () => {
      const item = (await centre.get('/api/v1/reports/archive?kind=monthly')).body.items.find((x: { period: string }) => x.period === '2026-03');
      return (await centre.get(`/api/v1/reports/archive/${item.id}`)).body;
    };
    const running = await march();
    assert.equal(running.report.running, true);
    assert.equal(running.report.asOfLabel, '截至 2026-03-12 09:00');
    assert.equal(running.report.totals.openOverdue, 5);
    t.clock.set(at('2026-04-01T00:20:00'));
    const job = await centre.post('/api/v1/reports/generate');
    assert.ok(job.body.generated.some((g: { kind: string; period: string }) => g.kind === 'monthly' && g.period === '2026-03'), JSON.stringify(job.body));
    const final = await march();
    assert.equal(final.report.running, false);
    assert.equal(final.report.asOfLabel, null);
    assert.equal(final.report.totals.openOverdue, 6);
    assert.equal(final.generatedAt, at('2026-04-01T00:20:00'));
    const before = await reportTableCounts(t.ctx);
    assert.deepEqual((await centre.post('/api/v1/reports/generate', { kind: 'monthly', period: '2026-03' })).body.generated, []);
    assert.deepEqual(await reportTableCounts(t.ctx), before);
  });

  it('社情民意: a burst of 停水 in 东安区 is a spike there only, flagged once with an SMS to the centre', async () => {
    // Baseline: one 停水 call every other day in 阳明区 and in 东安区 for two weeks; then six in 东安区 on 04-14.
    for (let d = 0; d < 14; d += 2) {
      const day = new Date(Date.UTC(2026, 3, 1 + d)).toISOString().slice(0, 10);
      await intake(`Y${d}`, `${day}T10:00:00`, { channel: 'phone', type: 'help', categoryCode: 'SDRQ-TS', districtCode: 'YMQ', facts: `第${d}号楼停水` });
      await intake(`Z${d}`, `${day}T11:00:00`, { channel: 'phone', type: 'help', categoryCode: 'SDRQ-TS', districtCode: 'DAQ', facts: `第${d}号院停水` });
    }
    const streets = ['兴隆路', '太平路', '东一条路', '西三条路', '光华街', '七星街'];
    for (const [i, street] of streets.entries()) {
      await intake(`S${i}`, `2026-04-14T0${8 + Math.floor(i / 3)}:${String(10 * (i % 3) + 5).padStart(2, '0')}:00`, { channel: 'phone', type: 'help', categoryCode: 'SDRQ-TS', districtCode: 'DAQ', facts: `${street}停水` });
    }
    // Live, the last 24 hours: the console's 社情民意 tab.
    t.clock.set(at('2026-04-14T20:00:00'));
    const hot = await centre.get('/api/v1/reports/hot-topics?from=2026-04-08&to=2026-04-14');
    assert.equal(hot.status, 200, JSON.stringify(hot.body));
    const daq = hot.body.districts.find((d: { district: { code: string } }) => d.district.code === 'DAQ');
    assert.deepEqual(daq.keywords[0], { word: '停水', count: 9 }); // 04-09, 04-11, 04-13 and the six of 04-14
    assert.deepEqual(daq.categories[0], { name: '停水', count: 9 });
    assert.deepEqual(hot.body.districts.find((d: { district: { code: string } }) => d.district.code === 'YMQ').keywords, [{ word: '停水', count: 3 }]);
    assert.deepEqual(hot.body.spikes.map((s: { district: string; topic: string; count: number }) => [s.district, s.topic, s.count]), [['DAQ', '停水', 6]]);

    // The nightly job: flags the day once, with one SMS to the centre in the same transaction.
    t.clock.set(at('2026-04-15T00:20:00'));
    const outboxBefore = (await reportTableCounts(t.ctx)).outbox;
    const run = await centre.post('/api/v1/reports/generate');
    assert.deepEqual(run.body.spikes.map((s: { district: string; topic: string; day: string }) => [s.district, s.topic, s.day]), [['DAQ', '停水', '2026-04-14']]);
    const alerts = (await centre.get('/api/v1/reports/alerts')).body.items;
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].district.name, '东安区人民政府');
    assert.equal(alerts[0].count, 6);
    const sms = await t.ctx.store.db.selectFrom('outbox').selectAll().where('id', '>', 0).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    const payload = JSON.parse(sms.payload);
    assert.equal(payload.template, 'spike_alert');
    assert.equal(payload.to, t.ctx.org.firstOfKind('centre')!.smsPhone);
    assert.equal((await reportTableCounts(t.ctx)).outbox, outboxBefore + 1);
    // Again (another process, or the next minute): nothing new.
    const { flagSpikes } = await import('./hot-topics.ts');
    assert.deepEqual(await flagSpikes(t.ctx, at('2026-04-15T00:00:00')), []);
    assert.equal((await centre.post('/api/v1/reports/generate')).body.spikes.length, 0);
    assert.equal((await centre.get('/api/v1/reports/alerts')).body.items.length, 1);
    assert.equal((await reportTableCounts(t.ctx)).outbox, outboxBefore + 1);
    // 东安区's head sees the alert of its district; 住建局 none.
    assert.equal((await (await t.as('daq.head')).get('/api/v1/reports/alerts')).body.items.length, 1);
    assert.equal((await (await t.as('zjj.head')).get('/api/v1/reports/alerts')).body.items.length, 0);
  });

  const token = async (username: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'test-password' } });
    return JSON.parse(res.body).token as string;
  };
});

/** A row's cells (exceljs numbers them from 1). */
function values(row: ExcelJS.Row): unknown[] {
  return (row.values as unknown[]).slice(1);
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}
