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
