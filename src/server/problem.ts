// Errors as application/problem+json (RFC 9457) with a Chinese title and a machine type.
export interface FieldError {
  field: string;
  message: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers the answer carries (e.g. Retry-After on a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(title);
  }

  toJSON() {
    return { type: `urn:hotline:problem:${this.type}`, title: this.title, status: this.status, ...this.extra };
  }
}

export const invalid = (field: string, message: string) =>
  new Problem(400, 'invalid-input', message, { errors: [{ field, message }] satisfies FieldError[] });
export const forbidden = (title: string) => new Problem(403, 'forbidden', title);
export const notFound = (title: string) => new Problem(404, 'not-found', title);
export const conflict = (title: string, extra: Record<string, unknown> = {}) => new Problem(409, 'conflict', title, extra);
export const unauthorized = (title = '请先登录') => new Problem(401, 'unauthorized', title);

/** When a refused client may try again, when no Retry-After was given: the body's seconds, else a minute. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/**
 * The Retry-After (seconds) of a 429: the problem's own header, else the seconds its body states
 * (retryAfterSeconds / a numeric retryAfter), else DEFAULT_RETRY_AFTER_SECONDS. Every 429 carries one.
 */
export function retryAfterOf(p: Problem): string | null {
  const given = p.headers['retry-after'];
  if (given || p.status !== 429) return given ?? null;
  const n = [p.extra.retryAfterSeconds, p.extra.retryAfter].find((v) => typeof v === 'number' && Number.isFinite(v)) as number | undefined;
  if (n !== undefined) return String(Math.max(1, Math.ceil(n)));
  return String(DEFAULT_RETRY_AFTER_SECONDS);
}

/** Seconds from `now` until `until` (ISO instants), at least 1: a Retry-After for a throttle that ends at an instant. */
export const secondsUntil = (until: string, now: string) => String(Math.max(1, Math.ceil((Date.parse(until) - Date.parse(now)) / 1000)));
