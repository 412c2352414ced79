// Table tests of the 智能质检 rules (each hit and not hit), the score, shifts across midnight, and the
// reproducible stratified sample of 质效审核.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTicket, DEFAULT_QUALITY, meanScore, personalDataIn, QC_RULES, shiftOf, shiftProblem, type QcTicket } from './agent-qc.ts';
import { allocate, drawSample, sizeForRate } from './quality-sample.ts';

const base: QcTicket = {
  type: 'complaint',
  categoryCode: 'ZFWY-WY',
  facts: '小区物业长期不清理楼道垃圾，多次联系物业无果',
  address: '东安区新安街道光华小区3号楼',
  requesterPhone: '13812345678',
  dispatched: true,
  pendingFirst: false,
  createdAt: '2026-03-02T01:00:00.000Z',
  dispatchedAt: '2026-03-02T01:00:00.000Z',
  stillPending: false,
  now: '2026-03-02T06:00:00.000Z',
  transcript: null,
};

const rule = (key: string) => QC_RULES.find((r) => r.key === key)!;

const CASES: Array<[string, string, Partial<QcTicket>, boolean]> = [
  ['phone_missing', 'dispatched without phone', { requesterPhone: null }, true],
  ['phone_missing', 'dispatched with phone', {}, false],
  ['phone_missing', 'answered directly without phone', { requesterPhone: null, dispatched: false }, false],
  ['facts_short', '4 characters', { facts: '暖气不热' }, true],
  ['facts_short', '10 characters (the limit)', { facts: '一二三四五六七八九十' }, false],
  ['address_missing', 'road damage without address', { categoryCode: 'JTCX-DL', address: null }, true],
  ['address_missing', 'road damage with address', { categoryCode: 'JTCX-DL' }, false],
  ['address_missing', 'property service without address', { address: '' }, false],
  ['type_mismatch', 'consultation under a complaint category', { type: 'consultation', categoryCode: 'SCJG-XFTS' }, true],
  ['type_mismatch', 'consultation whose facts say 投诉', { type: 'consultation', facts: '我要投诉楼下饭店油烟直排，请问找哪个部门' }, true],
  ['type_mismatch', 'plain consultation', { type: 'consultation', facts: '请问住房公积金提取需要哪些材料' }, false],
  ['type_mismatch', 'complaint saying 投诉', { facts: '我要投诉楼下饭店油烟直排，请尽快处理' }, false],
  ['dispatch_delayed', 'pending 31 minutes then dispatched', { pendingFirst: true, dispatchedAt: '2026-03-02T01:31:00.000Z' }, true],
  ['dispatch_delayed', 'pending 30 minutes then dispatched', { pendingFirst: true, dispatchedAt: '2026-03-02T01:30:00.000Z' }, false],
  ['dispatch_delayed', 'still pending after 5 hours', { pendingFirst: true, dispatchedAt: null, stillPending: true, dispatched: false }, true],
  ['dispatch_delayed', 'dispatched at intake', {}, false],
  ['banned_words', 'transcript with a banned word', { transcript: '您好，这事不归我们管，感谢您的来电' }, true],
  ['banned_words', 'polite transcript', { transcript: '您好，已为您记录，感谢您的来电' }, false],
  ['banned_words', 'no transcript', {}, false],
  ['civility_missing', 'no greeting', { transcript: '已为您记录，感谢您的来电' }, true],
  ['civility_missing', 'no closing', { transcript: '您好，已为您记录' }, true],
  ['civility_missing', 'greeting and closing', { transcript: '你好，已为您记录，再见' }, false],
  ['personal_data_leak', 'ID number in facts', { facts: '邻居王某身份证号230102199001011234，占用楼道' }, true],
  ['personal_data_leak', 'another mobile number in facts', { facts: '物业经理电话13900001111一直不接，楼道垃圾无人清理' }, true],
  ['personal_data_leak', 'a landline in facts', { facts: '物业办公室0453-6123456无人接听，楼道垃圾无人清理' }, true],
  ['personal_data_leak', "the requester's own number", { facts: '请回电13812345678，楼道垃圾无人清理已一周' }, false],
  ['personal_data_leak', 'numbers that are neither', { facts: '光华小区3号楼2单元502室，垃圾堆放已7天，约200袋' }, false],
];

describe('智能质检 rules (第二条, 第三十一条(一))', () => {
  for (const [key, name, patch, hit] of CASES) {
    it(`${key}: ${name} → ${hit ? 'hit' : 'not hit'}`, () => {
      const detail = rule(key).check({ ...base, ...patch }, DEFAULT_QUALITY);
      assert.equal(detail !== null, hit, String(detail));
    });
  }

  it('every rule has a table case that hits and one that does not', () => {
    for (const r of QC_RULES) {
      assert.ok(CASES.some(([k, , , h]) => k === r.key && h), `${r.key} never hits`);
      assert.ok(CASES.some(([k, , , h]) => k === r.key && !h), `${r.key} never passes`);
    }
  });

  it('a ticket scores 100 minus the weights of its hits, never below 0', () => {
    assert.deepEqual(checkTicket(base, DEFAULT_QUALITY), { score: 100, hits: [] });
    const r = checkTicket({ ...base, facts: '电话13900001111', transcript: '滚' }, DEFAULT_QUALITY);
    // banned_words 30 + civility_missing 10 + personal_data_leak 30 = 70
    assert.deepEqual(r.hits.map((h) => h.rule), ['banned_words', 'civility_missing', 'personal_data_leak']);
    assert.equal(r.score, 30);
    const worse = checkTicket({ ...base, requesterPhone: null, facts: '电话13900001111', categoryCode: 'CSGL-WJ', address: null, transcript: '滚', pendingFirst: true, dispatchedAt: '2026-03-02T03:00:00.000Z' }, DEFAULT_QUALITY);
    assert.equal(worse.score, 0);
    assert.equal(meanScore([100, 70, 75]), 81.7);
    assert.equal(meanScore([]), null);
  });

  it('finds ID numbers and other phones, not the requester’s', () => {
    assert.deepEqual(personalDataIn('身份证23010219900101123X，电话0453-6123456，本人13812345678', '138-1234-5678'), { idNumbers: 1, phones: 1 });
  });
});

describe('shifts in Shanghai time', () => {
  const S = DEFAULT_QUALITY.shifts;
  const CASES: Array<[string, string, string]> = [
    ['2026-03-02T00:00:00.000Z', 'day', '2026-03-02'], // 08:00
    ['2026-03-02T07:59:59.000Z', 'day', '2026-03-02'], // 15:59:59
    ['2026-03-02T08:00:00.000Z', 'evening', '2026-03-02'], // 16:00
    ['2026-03-02T15:30:00.000Z', 'evening', '2026-03-02'], // 23:30
    ['2026-03-02T16:00:00.000Z', 'night', '2026-03-03'], // 00:00 the next day
    ['2026-03-02T16:30:00.000Z', 'night', '2026-03-03'], // 00:30
    ['2026-03-02T23:59:00.000Z', 'night', '2026-03-03'], // 07:59
  ];
  for (const [iso, code, date] of CASES) {
    it(`${iso} → ${code} of ${date}`, () => assert.deepEqual(shiftOf(iso, S), { code, name: S.find((s) => s.code === code)!.name, date }));
  }
  it('a shift across midnight belongs to the day it started', () => {
    const wrap = [
      { code: 'a', name: '早班', start: '06:00', end: '14:00' },
      { code: 'b', name: '中班', start: '14:00', end: '22:00' },
      { code: 'c', name: '夜班', start: '22:00', end: '06:00' },
    ];
    assert.deepEqual(shiftOf('2026-03-02T15:00:00.000Z', wrap), { code: 'c', name: '夜班', date: '2026-03-02' }); // 23:00
    assert.deepEqual(shiftOf('2026-03-02T17:00:00.000Z', wrap), { code: 'c', name: '夜班', date: '2026-03-02' }); // 01:00 on 3 March
    assert.deepEqual(shiftOf('2026-03-02T22:00:00.000Z', wrap), { code: 'a', name: '早班', date: '2026-03-03' }); // 06:00 on 3 March
    assert.equal(shiftProblem(wrap), null);
    assert.match(shiftProblem([{ code: 'x', name: 'x', start: '8:00', end: '16:00' }])!, /HH:mm/);
  });
});

describe('质效审核 sampling', () => {
  const items = Array.from({ length: 70 }, (_, i) => ({ id: i + 1, stratum: i < 50 ? 7 : i < 65 ? 3 : 9 }));
  it('is the same for the same seed and differs for another', () => {
    const a = drawSample(items, 14, 'seed-1').map((x) => x.id);
    assert.deepEqual(drawSample([...items].reverse(), 14, 'seed-1').map((x) => x.id), a);
    assert.notDeepEqual(drawSample(items, 14, 'seed-2').map((x) => x.id), a);
    assert.equal(new Set(a).size, 14);
  });
  it('allocates proportionally by unit, remainders to the largest fractions', () => {
    // 14 of 50/15/5: 10, 3, 1 exactly.
    assert.deepEqual([...allocate([{ key: 7, count: 50 }, { key: 3, count: 15 }, { key: 9, count: 5 }], 14)].sort(), [[3, 3], [7, 10], [9, 1]]);
    // 4 of 5/2: 2.857 and 1.143 → 2 and 1, the last to the larger remainder.
    assert.deepEqual([...allocate([{ key: 1, count: 5 }, { key: 2, count: 2 }], 4)].sort(), [[1, 3], [2, 1]]);
    const s = drawSample(items, 14, 'x');
    assert.equal(s.filter((x) => x.stratum === 7).length, 10);
  });
  it('never asks for more than there is; a rate rounds up to at least one', () => {
    assert.equal(drawSample(items, 500, 's').length, 70);
    assert.equal(sizeForRate(7, 0.5), 4);
    assert.equal(sizeForRate(7, 0.01), 1);
    assert.equal(sizeForRate(0, 0.5), 0);
  });
});
