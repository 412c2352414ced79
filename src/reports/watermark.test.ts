// Report files carry their viewer: the same 月报 downloaded by two users as PDF and xlsx has each
// user's name, username, unit and the time of export (Shanghai time) on every PDF page (diagonal
// pattern and footer) and in every sheet (the line under the title, the printed header and footer),
// and never the other user's. Every download is audited, a failed one with outcome `failure`.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { describeEachEngine, intakeBody, startTestApp, type TestApp } from '../../test/support/app.ts';
import { pdfPageTexts } from '../../test/support/pdf-text.ts';
import { viewerMark } from '../server/watermark.ts';

const VIEWERS = [
  { username: 'centre1', displayName: '王晓明', unit: 'MDJ12345' },
  { username: 'zjj.staff', displayName: '李建国', unit: 'ZJJ' },
] as const;

describeEachEngine('report exports carry the viewer’s watermark', (engine) => {
  let t: TestApp;
  const marks: Record<string, string> = {};

  before(async () => {
    // Tuesday 2026-03-31 10:05 in Shanghai (02:05 UTC): the mark shows Shanghai time.
    t = await startTestApp(engine, { now: '2026-03-31T02:05:00.000Z' });
    for (const v of VIEWERS) {
      await t.ctx.store.db.updateTable('users').set({ display_name: v.displayName }).where('username', '=', v.username).execute();
      marks[v.username] = `${v.displayName}（${v.username}） · ${t.ctx.org.byCodeOrUndefined(v.unit)!.name} · 2026-03-31 10:05 北京时间`;
    }
    // A few tickets in categories of their own, so the report runs to more than one PDF page.
    const agent = await t.as('agent1');
    for (const [i, code] of ['ZFWY-WY', 'SDRQ-TS', 'SCJG-XFTS', 'ZFWY-WY'].entries()) {
      const res = await agent.post('/api/v1/tickets', intakeBody({ categoryCode: code, requester: { kind: 'person', name: '张三丰', phone: `1390000000${i}` }, address: `地址${i}` }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });
  after(() => t?.close());

  const download = async (username: string, url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await bearer(username)}` } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    return res.rawPayload;
  };
  const bearer = async (username: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'test-password' } });
    return JSON.parse(res.body).token as string;
  };

  it('the mark is the viewer’s name, username, unit and the Shanghai time', () => {
    assert.equal(viewerMark({ displayName: '王晓明', username: 'centre1', unitName: '市12345热线' }, '2026-03-31T16:30:00.000Z'), '王晓明（centre1） · 市12345热线 · 2026-04-01 00:30 北京时间');
    assert.equal(viewerMark({ displayName: '管理员', username: 'admin', unitName: null }, '2026-03-31T02:05:59.000Z'), '管理员（admin） · 2026-03-31 10:05 北京时间');
  });

  for (const viewer of VIEWERS) {
    const other = VIEWERS.find((v) => v !== viewer)!;

    it(`xlsx downloaded by ${viewer.username}: its mark under every title and in every printed header and footer`, async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await download(viewer.username, '/api/v1/reports/monthly.xlsx?month=2026-03')) as unknown as ArrayBuffer);
      assert.ok(wb.worksheets.length >= 10);
      const mark = marks[viewer.username]!;
      for (const ws of wb.worksheets) {
        assert.equal(ws.getCell('A2').value, `导出人：${mark}　仅限工作使用，不得转发、外传`, ws.name);
        assert.ok(ws.headerFooter.oddHeader?.includes(mark), `${ws.name} header: ${ws.headerFooter.oddHeader}`);
        assert.ok(ws.headerFooter.oddFooter?.includes(`导出人：${mark}`), `${ws.name} footer: ${ws.headerFooter.oddFooter}`);
        const everything = JSON.stringify([ws.getSheetValues(), ws.headerFooter]);
        assert.ok(!everything.includes(other.displayName) && !everything.includes(`（${other.username}）`), `${ws.name} has no other viewer`);
      }
    });

    it(`PDF downloaded by ${viewer.username}: its mark across every page and in every page’s footer`, async () => {
      const pdf = await download(viewer.username, '/api/v1/reports/monthly.pdf?month=2026-03');
      const pages = pdfPageTexts(pdf);
      assert.equal(pages.length, pdf.toString('latin1').match(/\/Type \/Page\b/g)!.length);
      assert.ok(pages.length >= 2, `pages: ${pages.length}`);
      const mark = marks[viewer.username]!;
      for (const [i, runs] of pages.entries()) {
        const diagonal = runs.filter((r) => r === mark).length;
        assert.ok(diagonal >= 10, `page ${i + 1}: the mark ${diagonal} times across the page`);
        assert.equal(runs.filter((r) => r === `导出人：${mark}　仅限工作使用，不得转发、外传`).length, 1, `page ${i + 1}: one footer`);
        assert.ok(!runs.some((r) => r.includes(other.displayName) || r.includes(other.username)), `page ${i + 1}: no other viewer`);
      }
      // The report itself is still there under the mark.
      assert.ok(pages[0]!.some((r) => r.includes('2026年3月月报')), 'the title on page 1');
    });
  }

  it('each download is audited with who took out what; a failed one with outcome failure', async () => {
    const before = await exportEvents();
    await download('zjj.staff', '/api/v1/reports/weekly.pdf?week=2026-W14');
    const saved = process.env.HOTLINE_REPORT_FONT;
    process.env.HOTLINE_REPORT_FONT = '/nonexistent/font.ttc';
    try {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/reports/daily.pdf?date=2026-03-31', headers: { authorization: `Bearer ${await bearer('centre1')}` } });
      assert.equal(res.statusCode, 503);
    } finally {
      if (saved === undefined) delete process.env.HOTLINE_REPORT_FONT;
      else process.env.HOTLINE_REPORT_FONT = saved;
    }
    const added = (await exportEvents()).slice(before.length);
    const users = await t.ctx.store.db.selectFrom('users').select(['id', 'username']).where('username', 'in', ['centre1', 'zjj.staff']).execute();
    const idOf = (u: string) => Number(users.find((r) => r.username === u)!.id);
    assert.deepEqual(
      added.map((e) => ({ user: Number(e.user_id), role: e.role, outcome: e.outcome, detail: JSON.parse(e.detail!) })),
      [
        { user: idOf('zjj.staff'), role: 'unit_staff', outcome: 'success', detail: { kind: 'weekly', period: '2026-W14', scope: 'ZJJ', format: 'pdf' } },
        { user: idOf('centre1'), role: 'centre', outcome: 'failure', detail: { kind: 'daily', period: '2026-03-31', scope: 'city', format: 'pdf', reason: 'font-missing' } },
      ],
    );
    // Earlier downloads in this suite were audited too: two users × two formats.
    assert.equal(before.filter((e) => e.outcome === 'success').length, 4);
  });

  const exportEvents = () =>
    t.ctx.store.db.selectFrom('events').select(['user_id', 'role', 'outcome', 'detail']).where('action', '=', 'report_exported').orderBy('id').execute();
});
