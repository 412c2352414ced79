// What a city sets for account security (CityConfig.security): the login throttles and the password
// policy. Pure: no store, no clock. The defaults below are Mudanjiang's; a city overrides any field.

/** At most `attempts` counted attempts in a window of `minutes` from the first of them. */
export interface AttemptLimit {
  attempts: number;
  minutes: number;
}

export interface PasswordPolicy {
  minLength: number;
  /** How many of the classes 小写字母 / 大写字母 / 数字 / 符号 the password must mix. */
  minClasses: number;
  /** Refuse a password that contains the username (case-insensitive). */
  forbidUsername: boolean;
  /** Refused outright, compared case-insensitively (demo and commonly guessed passwords). */
  forbidden: string[];
}

export interface AccountSecurity {
  /** Per username (GB/T 22239-2019 8.1.4.1 b 登录失败处理): attempts not yet proven right lock it. */
  lockout: AttemptLimit;
  /** Per client address (request.ip) across usernames: failed or pending attempts. */
  clientThrottle: AttemptLimit;
  /** All clients together: failed or pending attempts that reach password hashing. */
  globalThrottle: AttemptLimit;
  /** Wrong codes a two-step login challenge takes before it is void. */
  challengeCodes: number;
  /** Password checks waiting for the hashing thread beyond which a login is refused with 429. */
  hashQueue: number;
  /** Checks one client address may have under way at once; more are refused with 429 unchecked. */
  checksPerClient: number;
  password: PasswordPolicy;
}

/** Passwords nobody may set through the API or the CLI: the demo's own and the most guessed. */
export const COMMON_PASSWORDS = [
  'demo12345', '11111111', '12345678', '123456789', '1234567890', '00000000', '88888888', '66666666',
  'password', 'password1', 'password123', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwertyui', 'qwerty123',
  'abc12345', 'abcd1234', 'a1234567', 'aa123456', 'admin123', 'admin888', 'admin@123', 'admin12345',
  'iloveyou', '1qaz2wsx', '1q2w3e4r', 'zxcvbnm1', '5201314520', 'woaini1314', '12345qwert', 'test1234',
  'root1234', 'changeme', 'welcome1', '12345abc', 'qq123456', '147258369', '987654321', '11223344',
];

export const DEFAULT_ACCOUNT_SECURITY: AccountSecurity = {
  lockout: { attempts: 5, minutes: 15 },
  clientThrottle: { attempts: 20, minutes: 15 },
  globalThrottle: { attempts: 600, minutes: 1 },
  challengeCodes: 5,
  hashQueue: 16,
  checksPerClient: 4,
  password: { minLength: 10, minClasses: 2, forbidUsername: true, forbidden: COMMON_PASSWORDS },
};

/** The city's settings over the defaults, field by field. */
export function accountSecurity(config: Partial<AccountSecurity> | undefined): AccountSecurity {
  const c = config ?? {};
  return {
    lockout: c.lockout ?? DEFAULT_ACCOUNT_SECURITY.lockout,
    clientThrottle: c.clientThrottle ?? DEFAULT_ACCOUNT_SECURITY.clientThrottle,
    globalThrottle: c.globalThrottle ?? DEFAULT_ACCOUNT_SECURITY.globalThrottle,
    challengeCodes: c.challengeCodes ?? DEFAULT_ACCOUNT_SECURITY.challengeCodes,
    hashQueue: c.hashQueue ?? DEFAULT_ACCOUNT_SECURITY.hashQueue,
    checksPerClient: c.checksPerClient ?? DEFAULT_ACCOUNT_SECURITY.checksPerClient,
    password: { ...DEFAULT_ACCOUNT_SECURITY.password, ...c.password },
  };
}

const CLASSES: [RegExp, string][] = [
  [/[a-z]/, '小写字母'],
  [/[A-Z]/, '大写字母'],
  [/[0-9]/, '数字'],
  [/[^a-zA-Z0-9]/, '符号'],
];

/** Why the password breaks the policy (a Chinese sentence naming the field), or null when it holds. */
export function passwordProblem(policy: PasswordPolicy, username: string, password: string, label = '密码'): string | null {
  const p = password.normalize('NFKC');
  if ([...p].length < policy.minLength) return `${label}至少 ${policy.minLength} 位`;
  const classes = CLASSES.filter(([re]) => re.test(p)).length;
  if (classes < policy.minClasses) return `${label}须包含${CLASSES.map(([, name]) => name).join('、')}中的至少 ${policy.minClasses} 类`;
  const lower = p.toLowerCase();
  const name = username.normalize('NFKC').toLowerCase();
  if (policy.forbidUsername && name.length >= 3 && lower.includes(name)) return `${label}不能包含用户名`;
  if (policy.forbidden.some((f) => f.toLowerCase() === lower)) return `${label}过于常见，容易被猜中，请换一个`;
  return null;
}
