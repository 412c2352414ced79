import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskIdNumber, maskName, maskPhone, maskText, textMaskerFor } from './masking.ts';
import { factsSimilarity } from './similarity.ts';

describe('masking of requester data', () => {
  const cases: Array<[string, (v: string) => string | null, string, string]> = [
    ['mobile', maskPhone, '13812345678', '138****5678'],
    ['mobile with spaces', maskPhone, '138 1234 5678', '138****5678'],
    ['landline as stored', maskPhone, '04536200004', '045****0004'],
    ['seven-digit number', maskPhone, '6200004', '620****04'],
    ['short number', maskPhone, '12345', '****'],
    ['ID number', maskIdNumber, '231002199001011234', '2310**********1234'],
    ['short ID', maskIdNumber, '12345678', '********'],
    ['two-character name', maskName, '张三', '张*'],
    ['three-character name', maskName, '欧阳修', '欧**'],
  ];
  for (const [why, fn, input, expected] of cases) {
    it(`${why}: ${input} → ${expected}`, () => assert.equal(fn(input), expected));
  }
  it('keeps nothing of the middle digits', () => {
    const masked = maskPhone('13812345678')!;
    assert.ok(!masked.includes('1234'));
  });
  it('passes empty values through as null', () => {
    assert.equal(maskPhone(null), null);
    assert.equal(maskName(''), null);
  });
});

describe('masking of phone and ID numbers inside free text', () => {
  // [why, text, masked]: every format a caller's number is typed in, and what must stay as it is.
  const cases: Array<[string, string, string]> = [
    ['mobile', '请回电13912345678谢谢', '请回电139****5678谢谢'],
    ['mobile with hyphens', '电话139-1234-5678', '电话139****5678'],
    ['mobile with spaces', '手机 139 1234 5678。', '手机 139****5678。'],
    ['mobile after +86', '联系+86 13912345678', '联系+86 139****5678'],
    ['mobile after +86-', '联系+86-139-1234-5678', '联系+86-139****5678'],
    ['mobile after 0086', '0086 13912345678', '0086 139****5678'],
    ['mobile after 86 without space', '8613912345678', '86139****5678'],
    ['two mobiles', '13912345678或13800001111', '139****5678或138****1111'],
    ['mobile at the end, full stop', '号码是13912345678.', '号码是139****5678.'],
    ['landline with hyphen', '座机0453-6123456', '座机0453-*****56'],
    ['landline with space', '0453 6123456', '0453 *****56'],
    ['landline in brackets', '(0453)6123456', '(0453)*****56'],
    ['landline of eight digits', '010-61234567', '010-******67'],
    ['landline as stored', '04536123456', '0453*****56'],
    ['landline with extension', '0453-6123456-801', '0453-*****56-801'],
    ['local number after 电话', '电话：6123456', '电话：*****56'],
    ['ID number', '身份证231002199001011234', '身份证2310**********1234'],
    ['ID number ending in X', '身份证号23010219900101123X，', '身份证号2301**********123X，'],
    ['ID number ending in x', '23010219900101123x', '2301**********123x'],
    ['old 15-digit ID number', '老身份证230102900101123', '老身份证2301*******1123'],
    ['ID number in its three parts', '身份证 230102 19900101 123X', '身份证 2301**********123X'],
    ['ID number with hyphens', '230102-19900101-1234', '2301**********1234'],
    ['bank card', '卡号6222021234567894', '卡号6222********7894'],
    ['bank card in groups of four', '退款到 6222 0212 3456 7894 账户', '退款到 6222********7894 账户'],
    ['19-digit bank card', '6217000010001234569', '6217***********4569'],
    ['full-width mobile', '电话１３９１２３４５６７８', '电话139****5678'],
    ['mobile and ID together', '张先生13912345678，身份证23010219900101123X', '张先生139****5678，身份证2301**********123X'],
    // Left as they are.
    ['ticket number', '与MDJ20261122000123为同一诉求', '与MDJ20261122000123为同一诉求'],
    ['ticket number in lower case context', '工单mdj20261122000123', '工单mdj20261122000123'],
    ['a date', '2026-11-22 14:30来电', '2026-11-22 14:30来电'],
    ['a compact date', '20261122反映', '20261122反映'],
    ['a Chinese date', '2026年11月22日', '2026年11月22日'],
    ['an amount', '欠薪13900元', '欠薪13900元'],
    ['a large amount', '损失1391234.56元', '损失1391234.56元'],
    ['an amount with decimals after eleven digits', '13912345678.50元', '13912345678.50元'],
    ['a mobile inside a longer run of digits', '流水号2026112213912345678', '流水号2026112213912345678'],
    ['a run of 14 digits starting like a mobile', '单号13912345678901', '单号13912345678901'],
    ['digits glued to letters', 'SN13912345678', 'SN13912345678'],
    ['an 18-digit run that is no ID (no birth date)', '订单123456789012345678', '订单123456789012345678'],
    ['a bare seven-digit number without a word', '编号6123456', '编号6123456'],
    ['a hotline number', '拨打12345反映', '拨打12345反映'],
    ['a 16-digit run failing the Luhn check', '订单号6222021234567890', '订单号6222021234567890'],
    ['groups of four failing the Luhn check', '6222 0212 3456 7890', '6222 0212 3456 7890'],
    ['empty text', '', ''],
  ];
  for (const [why, input, expected] of cases) {
    it(`${why}: ${input} → ${expected}`, () => assert.equal(maskText(input), expected));
  }

  const requesterCases: Array<[string, Parameters<typeof maskText>[1], string, string]> = [
    ['the requester’s name reduced to the surname', { kind: 'person', name: '张三丰' }, '张三丰反映楼道堆物', '张**反映楼道堆物'],
    ['a confidential requester’s name hidden', { kind: 'person', name: '李秘密', confidential: true }, '我是李秘密，举报工地', '我是（保密），举报工地'],
    ['a company’s name kept', { kind: 'company', name: '某物业公司' }, '某物业公司反映', '某物业公司反映'],
    ['a one-character name left alone (it would hit every word)', { kind: 'person', name: '王' }, '王先生反映', '王先生反映'],
    ['the stored phone in an odd format', { kind: 'person', phone: '6123456' }, '回拨6123456', '回拨612****56'],
  ];
  for (const [why, requester, input, expected] of requesterCases) {
    it(`${why}: ${input} → ${expected}`, () => assert.equal(maskText(input, requester), expected));
  }

  it('a role that works with the requester reads the text in full', () => {
    const text = '李秘密 13912345678';
    assert.equal(textMaskerFor(true, { name: '李秘密', confidential: true })(text), text);
    assert.equal(textMaskerFor(false, { name: '李秘密', confidential: true })(text), '（保密） 139****5678');
    assert.equal(textMaskerFor(false, {})(null), null);
  });

  it('keeps none of the middle digits of any number it masks', () => {
    const out = maskText('13912345678 0453-6123456 23010219900101123X');
    for (const middle of ['1234', '6123', '19900101']) assert.ok(!out.includes(middle), `${out} holds ${middle}`);
  });
});

describe('similarity of two matters', () => {
  const cases: Array<[string, string, string, (s: number) => boolean]> = [
    ['the same text', '小区楼道垃圾无人清理', '小区楼道垃圾无人清理', (s) => s === 1],
    ['punctuation does not matter', '小区楼道垃圾，无人清理！', '小区楼道垃圾无人清理', (s) => s === 1],
    ['a reworded repeat', '光华小区暖气不热室温只有14度', '暖气还是不热，光华小区室温14度', (s) => s >= 0.5],
    ['a different matter', '光华小区暖气不热', '咨询公积金提取需要什么材料', (s) => s < 0.2],
    ['empty text', '', '小区楼道', (s) => s === 0],
  ];
  for (const [why, a, b, ok] of cases) {
    it(why, () => {
      const s = factsSimilarity(a, b);
      assert.ok(ok(s), `similarity ${s}`);
    });
  }
});
