// Masking of requester data for roles that do not need it (GB/T 33358; architecture: masking).
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\s+/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-2)}`;
  return '****';
}

export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return null;
  if (id.length <= 8) return '********';
  return `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

/** A name reduced to the surname: 张三丰 → 张**. Company names are kept (they are not personal data). */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null;
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

// ─── Free text ────────────────────────────────────────────────────────────────────────────────
// Facts, replies, callback words and reasons are typed by people and often carry a phone, ID or
// bank card number. The patterns match a whole number only: never a piece of a longer run of digits or
// letters (ticket numbers such as MDJ20261122000123, order numbers), never a date or an amount.

/** Neither a digit nor a Latin letter (nor a decimal point followed by a digit) touches the match. */
const B = '(?<![0-9A-Za-z]|\\d\\.)';
const E = '(?![0-9A-Za-z]|\\.\\d)';
/** 18-digit 身份证 (birth date checked, check character 0–9 or X) and the old 15-digit form. */
const ID_18 = `[1-9]\\d{5}(?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d{3}[\\dXx]`;
const ID_15 = `[1-9]\\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d{3}`;
/** Mobile: 1[3-9]x xxxx xxxx, with or without - or spaces, optionally after +86 / 0086 / 86. */
const MOBILE = `((?:(?:\\+|00)?86[\\s-]?)?)(1[3-9]\\d(?:[\\s-]?\\d{4}){2})`;
/** Landline with its area code: 0453-6123456, 0453 6123456, (0453)6123456, 04536123456, an extension. */
const LANDLINE = `(\\(?0\\d{2,3}\\)?[\\s-]?)([2-9]\\d{6,7})((?:-\\d{1,4})?)`;
/** A bare 7–8 digit local number counts only after a word that says it is one (a date has 8 digits too). */
const LOCAL_AFTER_WORD = `((?:电话|手机|座机|联系方式|号码|tel|Tel|TEL)[:：\\s]*)([2-9]\\d{6,7})`;

/** An 18-digit 身份证 typed in its three parts (region, birth date, sequence) with spaces or hyphens. */
const ID_18_PARTS = `[1-9]\\d{5}[\\s-](?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])[\\s-]\\d{3}[\\dXx]`;
/** A bank card: 16–19 digits, whole or in groups of four, as UnionPay, Visa, Mastercard, JCB and AmEx begin; kept only when the Luhn check holds. */
const CARD = `[3-6]\\d{3}(?:[\\s-]?\\d{4}){2,3}(?:[\\s-]?\\d{1,3})?`;

/** The Luhn check every bank card number passes (and most other runs of digits fail). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function maskCard(m: string): string {
  const digits = m.replace(/[\s-]/g, '');
  if (digits.length < 16 || digits.length > 19 || !luhnValid(digits)) return m;
  return `${digits.slice(0, 4)}${'*'.repeat(digits.length - 8)}${digits.slice(-4)}`;
}

const PATTERNS: Array<[RegExp, (m: string, ...groups: string[]) => string]> = [
  [new RegExp(`${B}(?:${ID_18}|${ID_15})${E}`, 'g'), (m) => maskIdNumber(m)!],
  [new RegExp(`${B}${ID_18_PARTS}${E}`, 'g'), (m) => maskIdNumber(m.replace(/[\s-]/g, ''))!],
  [new RegExp(`${B}${CARD}${E}`, 'g'), maskCard],
  [new RegExp(`${B}${MOBILE}${E}`, 'g'), (_m, prefix, number) => `${prefix}${maskPhone(number.replace(/[\s-]/g, ''))}`],
  [new RegExp(`${B}${LANDLINE}${E}`, 'g'), (_m, area, local, ext) => `${area}${maskLocal(local)}${ext}`],
  [new RegExp(`${LOCAL_AFTER_WORD}${E}`, 'g'), (_m, word, local) => `${word}${maskLocal(local)}`],
];

/** A local number keeps its last two digits: 6123456 → *****56. */
function maskLocal(local: string): string {
  return `${'*'.repeat(local.length - 2)}${local.slice(-2)}`;
}

/** The requester a text is about, as far as the masker needs to know them. */
export interface TextRequester {
  kind?: string | null;
  name?: string | null;
  phone?: string | null;
  idNumber?: string | null;
  confidential?: boolean;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Free text with every phone and ID number masked, and the requester's own name (a person's, of two
 * characters or more) reduced to the surname, or replaced by （保密） for a confidential requester.
 */
export function maskText(text: string, requester: TextRequester = {}): string {
  // Full-width digits (１３９…), as some input methods type them, are read as digits.
  let out = text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  // The requester's own numbers, however stored, go first (the patterns catch the usual formats).
  for (const own of [requester.idNumber, requester.phone]) {
    if (own && own.replace(/\D/g, '').length >= 7) {
      out = out.replace(new RegExp(`${B}${escapeRe(own)}${E}`, 'g'), (m) => (own === requester.idNumber ? maskIdNumber(m)! : maskPhone(m)!));
    }
  }
  for (const [re, fn] of PATTERNS) out = out.replace(re, fn as (m: string, ...g: any[]) => string);
  const name = requester.name?.trim();
  if (name && [...name].length >= 2 && (requester.kind !== 'company' || requester.confidential)) {
    out = out.split(name).join(requester.confidential ? '（保密）' : maskName(name)!);
  }
  return out;
}

/**
 * How a viewer reads the free text of a ticket: in full when the role works with the requester
 * (`needsContact`, see roles.ts seesRequesterContact), else masked.
 */
export function textMaskerFor(needsContact: boolean, requester: TextRequester): (text: string | null) => string | null {
  if (needsContact) return (text) => text;
  return (text) => (text == null ? text : maskText(text, requester));
}
