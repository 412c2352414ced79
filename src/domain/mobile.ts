// An SMS can only reach a mobile number: 11 digits starting 13–19 (the mainland numbering plan),
// written with spaces or hyphens and an optional +86 / 0086 country code. A landline (0453-8621001)
// is a valid office phone but no SMS target, so the gateway would take it and the message would
// never arrive (or the gateway refuses it on every retry).
export const MOBILE_RULE = '11 位手机号码，以 13–19 开头（如 13948621001）';

/** The 11-digit mobile number written in `phone`, or null when it is none (a landline, too short). */
export function mobileNumber(phone: string | null | undefined): string | null {
  if (!phone || !/^[0-9+\s-]+$/.test(phone.trim())) return null;
  let digits = phone.replace(/[^\d]/g, '');
  if (digits.length === 15 && digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}
