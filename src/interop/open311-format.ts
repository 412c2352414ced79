// Open311 GeoReport v2 wire formats: every resource as XML (a declaration, one root, repeated
// elements for lists) and as JSON (the same content as arrays, no root wrapper), and errors as
// `[{code, description}]` / `<errors><error>…</error></errors>`.
import { XMLBuilder } from 'fast-xml-parser';
import type { FastifyReply } from 'fastify';

export type Format = 'json' | 'xml';

export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 413 | 429 | 500,
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

/**
 * The media types exactly as discovery lists them (`text/xml`, `application/json`), with no charset
 * parameter: validators compare the header with the listed format. Both bodies are UTF-8 (the XML
 * declaration says so; JSON is UTF-8 by RFC 8259). Sent as a Buffer so Fastify adds no charset.
 */
export const MEDIA_TYPES: Record<Format, string> = { xml: 'text/xml', json: 'application/json' };

export function send(reply: FastifyReply, format: Format, status: number, json: unknown, xml: () => string): FastifyReply {
  reply.code(status).header('content-type', MEDIA_TYPES[format]);
  return reply.send(Buffer.from(format === 'xml' ? xml() : JSON.stringify(json), 'utf8'));
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

/** A file part of a multipart/form-data POST (the photo `media` of uReport, FixMyStreet, `three`). */
export interface UploadedFile {
  field: string;
  filename: string;
  type: string;
  data: Buffer;
}

/** Where parsed multipart files ride on the body (a symbol: normaliseBody reads string keys only). */
export const FILES = Symbol('open311 files');

export const MULTIPART_LIMITS = { parts: 60, files: 3, fieldBytes: 64 * 1024 } as const;

/**
 * A small multipart/form-data parser for the Open311 routes (RFC 7578): fields as parseFormBody
 * gives them, files apart. The body is already bounded by the route's bodyLimit; parts, files and
 * field sizes are bounded here. Malformed input is a 400, never a crash.
 */
export function parseMultipart(body: Buffer, contentType: string): Record<string | symbol, unknown> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const bad = (why: string) => new Open311Error(400, `multipart/form-data 请求格式错误：${why}`);
  if (!m) throw bad('缺少 boundary');
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`, 'latin1');
  const delimiter = Buffer.concat([Buffer.from('\r\n', 'latin1'), boundary]);
  const fields: Record<string, string | string[]> = {};
  const files: UploadedFile[] = [];
  let pos = body.indexOf(boundary);
  if (pos < 0) throw bad('找不到分隔符');
  pos += boundary.length;
  for (let parts = 0; ; parts++) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // the closing "--"
    if (parts >= MULTIPART_LIMITS.parts) throw bad(`最多 ${MULTIPART_LIMITS.parts} 个字段`);
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else throw bad('分隔符后须换行');
    const headerEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
    if (headerEnd < 0 || headerEnd - pos > 4096) throw bad('字段头不完整');
    const headers = body.toString('utf8', pos, headerEnd);
    const start = headerEnd + 4;
    const end = body.indexOf(delimiter, start);
    if (end < 0) throw bad('缺少结束分隔符');
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (!name) throw bad('字段缺少 name');
    const data = body.subarray(start, end);
    if (filename !== undefined) {
      if (data.length > 0) {
        if (files.length >= MULTIPART_LIMITS.files) throw new Open311Error(400, `${name}：最多上传 ${MULTIPART_LIMITS.files} 个文件`);
        files.push({ field: name, filename, type: /^content-type:\s*([^\r\n;]+)/im.exec(headers)?.[1]?.trim() ?? 'application/octet-stream', data: Buffer.from(data) });
      }
    } else {
      if (data.length > MULTIPART_LIMITS.fieldBytes) throw new Open311Error(400, `${name}：字段过长`);
      const value = data.toString('utf8');
      const prev = fields[name];
      if (prev === undefined) fields[name] = name.endsWith('[]') ? [value] : value;
      else fields[name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    pos = end + delimiter.length;
  }
  return Object.assign(fields as Record<string | symbol, unknown>, { [FILES]: files });
}

/** The files of a body parsed by parseMultipart (none for form-encoded and JSON bodies). */
export function filesOf(body: unknown): UploadedFile[] {
  return body && typeof body === 'object' ? (((body as Record<symbol, unknown>)[FILES] as UploadedFile[] | undefined) ?? []) : [];
}
