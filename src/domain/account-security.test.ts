// The password policy, table-driven: length, character classes, the username, common passwords;
// and a city's settings taken over the defaults field by field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accountSecurity, DEFAULT_ACCOUNT_SECURITY, passwordProblem, type PasswordPolicy } from './account-security.ts';

const policy = DEFAULT_ACCOUNT_SECURITY.password;
const short: PasswordPolicy = { ...policy, minLength: 8 };

describe('password policy', () => {
  const cases: [string, PasswordPolicy, string, string, RegExp | null][] = [
    ['accepted: lower case and a symbol', policy, 'agent1', 'test-password', null],
    ['accepted: three classes', policy, 'agent1', 'N3w-secret-pass', null],
    ['accepted: Chinese characters count as symbols', policy, 'agent1', '牡丹江热线2026年', null],
    ['too short', policy, 'agent1', 'Ab1-xyz', /^密码至少 10 位$/],
    ['length counts characters, not bytes', policy, 'agent1', '牡丹江热线二〇二六', /至少 10 位/],
    ['one class only: digits', short, 'agent1', '11111111', /须包含小写字母、大写字母、数字、符号中的至少 2 类/],
    ['one class only: digits (default length)', policy, 'agent1', '1234567890', /至少 2 类/],
    ['one class only: letters', policy, 'agent1', 'abcdefghijk', /至少 2 类/],
    ['contains the username', policy, 'zjj.staff', 'zjj.staff-2026', /^密码不能包含用户名$/],
    ['contains the username, other case', policy, 'Lead1', 'my-LEAD1-pass', /不能包含用户名/],
    ['a username of two letters is not looked for', policy, 'li', 'li-mudanjiang', null],
    ['the demo password', short, 'agent1', 'demo12345', /过于常见/],
    ['a common password, other case', policy, 'agent1', 'PassWord123', /过于常见/],
    ['12345678 with the length lowered', { ...policy, minLength: 8, minClasses: 1 }, 'agent1', '12345678', /过于常见/],
    ['no class rule', { ...policy, minClasses: 1 }, 'agent1', '5719283746', null],
    ['username rule off', { ...policy, forbidUsername: false }, 'zjj.staff', 'zjj.staff-2026', null],
  ];
  for (const [name, p, username, password, expected] of cases) {
    it(name, () => {
      const problem = passwordProblem(p, username, password);
      if (expected === null) assert.equal(problem, null);
      else assert.match(problem ?? '', expected);
    });
  }

  it('names the field it is asked to', () => assert.equal(passwordProblem(policy, 'a', 'short', '新密码'), '新密码至少 10 位'));
});

describe('account security settings', () => {
  it('absent: the defaults', () => assert.deepEqual(accountSecurity(undefined), DEFAULT_ACCOUNT_SECURITY));
  it('a city overrides a field and keeps the rest', () => {
    const s = accountSecurity({ lockout: { attempts: 3, minutes: 30 }, password: { minLength: 12 } as PasswordPolicy });
    assert.deepEqual(s.lockout, { attempts: 3, minutes: 30 });
    assert.equal(s.password.minLength, 12);
    assert.equal(s.password.minClasses, DEFAULT_ACCOUNT_SECURITY.password.minClasses);
    assert.deepEqual(s.clientThrottle, DEFAULT_ACCOUNT_SECURITY.clientThrottle);
  });
});
