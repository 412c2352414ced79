// Security headers on every response (GB/T 22239-2019 8.1.4.4 application hardening), set here
// rather than by a package:
// - Content-Security-Policy: scripts, styles, images, fonts and connections only from this origin.
//   The console is a Vite build (module scripts from /assets, no inline script); Ant Design writes
//   its styles at run time, hence style-src 'unsafe-inline' (styles cannot run code). The portal's
//   server-rendered pages carry one fixed inline script each: it is allowed by its SHA-256 hash,
//   computed from the page sent, never by 'unsafe-inline'. No framing (frame-ancestors 'none').
// - X-Content-Type-Options: nosniff; X-Frame-Options: DENY (older browsers); Referrer-Policy:
//   no-referrer (ticket numbers sit in console URLs); Cross-Origin-Opener-Policy: same-origin.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const BASE_CSP = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data: blob:",
  'font-src': "'self' data:",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'self'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
};

export function contentSecurityPolicy(scriptHashes: string[] = []): string {
  const csp: Record<string, string> = { ...BASE_CSP };
  if (scriptHashes.length) csp['script-src'] += ` ${scriptHashes.map((h) => `'sha256-${h}'`).join(' ')}`;
  return Object.entries(csp)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

/** Hashes of the inline scripts (`<script>` without attributes) of a page this server rendered. */
export function inlineScriptHashes(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) out.push(createHash('sha256').update(m[1]!, 'utf8').digest('base64'));
  return out;
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    const hashes = typeof payload === 'string' && type.startsWith('text/html') ? inlineScriptHashes(payload) : [];
    reply.header('content-security-policy', contentSecurityPolicy(hashes));
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    return payload;
  });
}
