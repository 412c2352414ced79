import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mobileNumber } from './mobile.ts';
import { mudanjiang } from '../config/cities/mudanjiang.ts';

describe('SMS targets are mobile numbers', () => {
  const cases: Array<[string | null, string | null]> = [
    ['13948621001', '13948621001'],
    ['139 4862 1001', '13948621001'],
    ['139-4862-1001', '13948621001'],
    ['+86 13948621001', '13948621001'],
    ['008613948621001', '13948621001'],
    ['19912345678', '19912345678'],
    ['0453-8621001', null], // a landline: an office phone, no SMS target
    ['04538621001', null],
    ['8621001', null],
    ['12345678901', null], // 12 is no mobile prefix
    ['1394862100', null], // 10 digits
    ['139486210011', null], // 12 digits
    ['1394862100a', null],
    ['', null],
    [null, null],
  ];
  for (const [given, expected] of cases) it(`${JSON.stringify(given)} → ${expected}`, () => assert.equal(mobileNumber(given), expected));

  it('every demo unit of the city config has a mobile SMS number', () => {
    const bad = mudanjiang.units.filter((u) => u.smsPhone && !mobileNumber(u.smsPhone)).map((u) => `${u.code} ${u.smsPhone}`);
    assert.deepEqual(bad, []);
    assert.ok(mudanjiang.units.filter((u) => u.smsPhone).length >= 60);
  });
});
