// Open311 GeoReport v2 wire formats: every resource as XML (a declaration, one root, repeated
// elements for lists) and as JSON (the same content as arrays, no root wrapper), and errors as
// `[{code, description}]` / `<errors><error>…</error></errors>`.
import { XMLBuilder } from 'fast-xml-parser';
import type { FastifyReply } from 'fastify';

export type Format = 'json' | 'xml';

export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 429 | 500,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: false });

type Scalar = string | number | boolean | null | undefined;
type Value = Scalar | Value[] | { [k: string]: Value };

/** null/undefined as empty elements, booleans and numbers as text. */
function forXml(v: Value): unknown {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(forXml);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, forXml(x)]));
  return String(v);
}

export function toXml(root: string, content: Record<string, Value>): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, [root]: forXml(content) });
}

/** Splits `requests.json` into its name and format; anything but .json/.xml is not a resource. */
export function splitFormat(file: string): { name: string; format: Format } {
  const dot = file.lastIndexOf('.');
  const format = dot > 0 ? file.slice(dot + 1).toLowerCase() : '';
  if (format !== 'json' && format !== 'xml') throw new Open311Error(404, `资源须以 .json 或 .xml 结尾：${file}`);
  return { name: file.slice(0, dot), format };
}

export function send(reply: FastifyReply, format: Format, status: number, json: unknown, xml: () => string): FastifyReply {
  reply.code(status);
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(xml());
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(json));
}

export function sendError(reply: FastifyReply, format: Format, err: Open311Error): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  const errors = [{ code: err.status, description: err.description }];
  return send(reply, format, err.status, errors, () => toXml('errors', { error: errors }));
}

/** A list resource: JSON array, XML `<root><item/>…</root>`. */
export function sendList(reply: FastifyReply, format: Format, status: number, root: string, item: string, items: Array<Record<string, Value>>): FastifyReply {
  return send(reply, format, status, items, () => toXml(root, { [item]: items }));
}

/**
 * A POST body as Open311 clients send it, form-encoded or JSON, flattened: `attribute[code]` and
 * `attribute[code][]` (and a JSON `attribute` object) become `attributes`.
 */
export interface Open311Body {
  fields: Record<string, string>;
  attributes: Record<string, string | string[]>;
}

export function parseFormBody(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    const prev = out[k];
    if (prev === undefined) out[k] = k.endsWith('[]') ? [v] : v;
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export function normaliseBody(body: unknown): Open311Body {
  const fields: Record<string, string> = {};
  const attributes: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { fields, attributes };
  const scalar = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : typeof v === 'object' ? undefined : String(v));
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (m) {
      attributes[m[1]!] = Array.isArray(value) ? value.map(String) : m[2] ? [String(value)] : String(value);
      continue;
    }
    if (key === 'attribute' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [code, v] of Object.entries(value as Record<string, unknown>)) attributes[code] = Array.isArray(v) ? v.map(String) : String(v);
      continue;
    }
    const s = Array.isArray(value) ? scalar(value[value.length - 1]) : scalar(value);
    // An empty optional parameter counts as absent.
    if (s !== undefined && s.trim() !== '') fields[key] = s.trim();
  }
  return { fields, attributes };
}
