// The console's only way to the server: same-origin fetch with the session cookie, errors as
// problem+json whose Chinese title is shown to the user as it is.
export interface Problem {
  type?: string;
  title: string;
  status: number;
  errors?: Array<{ field: string; message: string }>;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.title);
  }
}

/** Called when the session is gone, so the shell can show the login page. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T = any>(path: string, options: { method?: 'GET' | 'POST' | 'PUT'; body?: unknown } = {}): Promise<T> {
  const sentAt = Date.now();
  const res = await fetch(`/api/v1${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    // The server refuses a cookie-authenticated change without this header (CSRF protection).
    // A form with files goes as multipart/form-data: the browser writes its content type and boundary.
    headers: { 'x-hotline-csrf': '1', ...(options.body === undefined || options.body instanceof FormData ? {} : { 'content-type': 'application/json' }) },
    body: options.body === undefined ? undefined : options.body instanceof FormData ? options.body : JSON.stringify(options.body),
    credentials: 'same-origin',
  });
  noteServerTime(res.headers.get('x-server-time'), sentAt, Date.now());
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthorized();
    throw new ApiError(res.status, data ?? { title: `请求失败（${res.status}）`, status: res.status });
  }
  return data as T;
}

let clockOffset = 0;

/** The server's clock against this PC's, from the latest answer (the request's midpoint). */
function noteServerTime(header: string | null, sentAt: number, receivedAt: number): void {
  const server = header ? Date.parse(header) : NaN;
  if (Number.isFinite(server)) clockOffset = server - (sentAt + receivedAt) / 2;
}

/** Now by the server's clock: deadlines are counted against it, whatever the PC's clock says. */
export function serverNow(): number {
  return Date.now() + clockOffset;
}

/** Query string from an object, leaving out empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}
