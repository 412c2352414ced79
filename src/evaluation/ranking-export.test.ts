// The month's ranking as files through the HTTP API, on both engines: the .xlsx holds the ranked
// rows in the ranking's order with their figures; the PDF is a PDF with the score chart drawn in it
// (one bar per scored unit, in the chart's colour); who may take which month out; each export audited.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { describeEachEngine, PASSWORD, startTestApp, type TestApp } from '../../test/support/app.ts';
import { newTicket, ok, setClock } from '../../test/support/handling.ts';
import { CJK_FONTS } from '../server/pdf.ts';
import { existsSync } from 'node:fs';
import { SCORE_BAR_COLOR } from './ranking-export.ts';
import { fillOperator, pageOperators } from '../../test/support/pdf.ts';

const REPLY = { content: '已联系物业公司，楼道垃圾已于当日清运完毕，并约定每日清理。' };
const hasFont = CJK_FONTS.some((f) => existsSync(f.file)) || !!process.env.HOTLINE_REPORT_FONT;

describeEachEngine('the monthly ranking as .xlsx and PDF (全市通报)', (engine) => {
  let t: TestApp;
  let march: any;
  const get = async (who: string | null, url: string) => {
    const headers: Record<string, string> = {};
    if (who) {
      const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: who, password: PASSWORD } });
      headers.authorization = `Bearer ${JSON.parse(login.body).token}`;
    }
    return t.app.inject({ method: 'GET', url, headers });
  };
  const audited = async () =>
    (await t.ctx.store.db.selectFrom('events').select(['action', 'outcome', 'detail']).where('action', '=', 'evaluation_exported').execute()).map((e) => ({ ...e, detail: typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail }));

  before(async () => {
    t = await startTestApp(engine);
    const city = t.ctx.city;
    // Two tickets make a ranked unit here, so a small month ranks several units.
    t.ctx.city = { ...city, evaluation: { ...city.evaluation, ranking: { ...city.evaluation.ranking, minTickets: 2 } } };
    setClock(t, '2026-03-02T09:00');
    const zjj = [await newTicket(t), await newTicket(t), await newTicket(t)];
    const scjgj = [await newTicket(t, { dispatch: { leadUnitCode: 'SCJGJ' } }), await newTicket(t, { dispatch: { leadUnitCode: 'SCJGJ' } })];
    setClock(t, '2026-03-02T10:00');
    for (const x of zjj) await ok(t, 'zjj.staff', x.no, 'sign');
    await ok(t, 'scjgj.staff', scjgj[0].no, 'sign');
    // 市场监管局 signs one late and replies to neither: it scores below 住建局.
    setClock(t, '2026-03-05T10:00');
    await ok(t, 'scjgj.staff', scjgj[1].no, 'sign');
    for (const x of zjj) await ok(t, 'zjj.staff', x.no, 'reply', REPLY);
    setClock(t, '2026-04-02T12:00');
    march = (await (await t.as('centre1')).get('/api/v1/evaluation/months/2026-03')).body;
  });
  after(() => t.close());

  it('exports the ranking as .xlsx: the ranked rows in the ranking’s order, with their figures', async () => {
    const ranked = march.rows.filter((r: any) => r.rank !== null);
    assert.ok(ranked.length >= 2 && ranked[0].unit.code === 'ZJJ', JSON.stringify(march.rows.filter((r: any) => r.score !== null).map((r: any) => [r.unit.code, r.rank, r.score])));
    const res = await get('centre1', '/api/v1/evaluation/months/2026-03/ranking.xlsx');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /spreadsheetml/);
    assert.match(String(res.headers['content-disposition']), /filename\*=UTF-8''.*2026-03\.xlsx/);
    assert.equal(Number(res.headers['content-length']), res.rawPayload.length, 'the length a download shows progress against');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('月度考核排名')!;
    assert.match(String(ws.getCell(1, 1).value), /2026-03 月度考核全市通报/);
    assert.match(String(ws.getCell(3, 1).value), /导出人：centre1（centre1）/);
    const headers = (ws.getRow(4).values as unknown[]).slice(1);
    assert.deepEqual(headers.slice(0, 5), ['档次', '排名', '单位代码', '单位', '得分']);
    assert.deepEqual(headers.slice(5, 5 + march.indicators.length), march.indicators.map((i: any) => i.label));
    const rows: unknown[][] = [];
    ws.eachRow((row, n) => n > 4 && rows.push(Array.from({ length: headers.length }, (_, i) => (row.values as unknown[])[i + 1] ?? null)));
    // Every unit, in the page's order (tier by tier, by rank), the figures as numbers.
    assert.deepEqual(rows.map((r) => r[2]), march.rows.map((r: any) => r.unit.code));
    for (const [i, r] of march.rows.entries()) {
      assert.equal(rows[i][1] ?? null, r.rank, `${r.unit.code} rank`);
      assert.equal(rows[i][4] ?? null, r.score, `${r.unit.code} score`);
      assert.deepEqual(rows[i].slice(5, 5 + march.indicators.length).map((v) => v ?? null), march.indicators.map((x: any) => r.indicators[x.key]), `${r.unit.code} indicators`);
    }
    const zjj = rows.find((r) => r[2] === 'ZJJ')!;
    assert.equal(zjj[1], 1);
    assert.equal(ws.getColumn(6).numFmt, '0.0%');
    assert.deepEqual((await audited()).at(-1), { action: 'evaluation_exported', outcome: 'success', detail: { month: '2026-03', format: 'xlsx', published: false } });
  });

  it('exports the ranking as PDF with the score chart drawn in it', { skip: !hasFont && 'no CJK font installed (fonts-noto-cjk)' }, async () => {
    const res = await get('authority1', '/api/v1/evaluation/months/2026-03/ranking.pdf');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    const pdf = res.rawPayload;
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.match(pdf.subarray(-8).toString(), /%%EOF/);
    const drawn = pageOperators(pdf);
    // One bar per scored unit of the ranked tiers, filled in the chart's colour: the chart is there,
    // drawn from the month's figures (a chart of other data would have another count).
    const scored = march.rows.filter((r: any) => r.score !== null && r.tier).length;
    const bars = drawn.match(fillOperator(SCORE_BAR_COLOR))?.length ?? 0;
    assert.equal(bars, scored, `bars ${bars}, scored units ${scored}`);
    assert.ok(pdf.includes(Buffer.from('/FontFile3')) || pdf.includes(Buffer.from('/FontFile2')), 'the CJK font is embedded');
    assert.deepEqual((await audited()).at(-1)?.detail, { month: '2026-03', format: 'pdf', published: false });
  });

  it('gives a unit the published ranking only, and refuses what no one may have', async () => {
    const before = await get('zjj.staff', '/api/v1/evaluation/months/2026-03/ranking.xlsx');
    assert.equal(before.statusCode, 404);
    assert.match(JSON.parse(before.body).title, /尚未发布/);
    assert.equal((await get(null, '/api/v1/evaluation/months/2026-03/ranking.xlsx')).statusCode, 401);
    const bad = await get('centre1', '/api/v1/evaluation/months/2026-13/ranking.pdf');
    assert.equal(bad.statusCode, 400);
    assert.match(JSON.parse(bad.body).title, /month|月份/);
    const publish = await (await t.as('authority1')).post('/api/v1/evaluation/months/2026-03/publish');
    assert.equal(publish.status, 200, JSON.stringify(publish.body));
    const after = await get('zjj.staff', '/api/v1/evaluation/months/2026-03/ranking.xlsx');
    assert.equal(after.statusCode, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(after.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('月度考核排名')!;
    assert.match(String(ws.getCell(2, 1).value), /^已发布/);
    assert.match(String(ws.getCell(3, 1).value), /导出人：zjj\.staff（zjj\.staff） · 住房和城乡建设局|导出人：zjj\.staff/);
    assert.equal(ws.getCell(5, 3).value, march.rows[0].unit.code);
    assert.deepEqual((await audited()).at(-1)?.detail, { month: '2026-03', format: 'xlsx', published: true });
  });
});
