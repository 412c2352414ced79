// `hotline report …` as a user runs it: a separate process on a fresh data directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'hotline.js');
let dataDir: string;

function hotline(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_DATABASE_URL: '' }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('hotline report', () => {
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-report-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('monthly --month prints the report object as JSON', () => {
    const r = hotline('report', 'monthly', '--month', '2026-03');
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.kind, 'monthly');
    assert.equal(report.period, '2026-03');
    assert.equal(report.title, '牡丹江市12345热线2026年3月月报（全市）');
    assert.deepEqual(report.totals, { tickets: 0, lateDone: 0, openOverdue: 0, rated: 0, satisfied: 0, satisfactionRate: null });
    assert.equal(report.trend.length, 6);
  });

  it('weekly --format xlsx --out writes the workbook', async () => {
    const file = join(dataDir, 'w10.xlsx');
    const r = hotline('report', 'weekly', '--week', '2026-W10', '--format', 'xlsx', '--out', file);
    assert.equal(r.code, 0, r.err);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    assert.match(String(wb.getWorksheet('概况')!.getCell('A1').value), /2026年第10周周报.*2026-03-02 至 2026-03-08/);
    assert.match(String(wb.getWorksheet('概况')!.getCell('A2').value), /^导出人：命令行导出（.+） · \d{4}-\d{2}-\d{2} \d{2}:\d{2} 北京时间/);
  });

  it('a bad period or option is refused with the usage', () => {
    const bad = hotline('report', 'monthly', '--month', '2026-13');
    assert.equal(bad.code, 2, bad.err);
    assert.match(bad.err, /--month 无效/);
    assert.equal(hotline('report', 'daily', '--month', '2026-03').code, 2);
    assert.equal(hotline('report', 'daily', '--format', 'xlsx').code, 2, 'a file format needs --out');
  });
});
