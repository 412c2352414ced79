// An Open311 GeoReport v2 client written from the specification alone (wiki.open311.org/GeoReport_v2,
// ../shared/spec/open311.md), the way FixMyStreet's, `three` and `georeport` behave: it knows only the
// base URL and, for POST, an api_key. It never sends a key on reads, POSTs form-encoded (multipart
// when it has a photo), reads the id or else polls the token, and treats any non-2xx as the spec's
// error list. It speaks JSON or XML; XML is parsed back into the same shapes.
import { XMLParser } from 'fast-xml-parser';

export type Open311Format = 'json' | 'xml';

export class Open311ClientError extends Error {
  constructor(
    readonly status: number,
    readonly errors: Array<{ code: string | number; description: string }>,
    readonly contentType: string,
  ) {
    super(`HTTP ${status}: ${errors.map((e) => `${e.code} ${e.description}`).join('; ')}`);
  }
}

export interface Open311Response<T> {
  status: number;
  contentType: string;
  headers: Headers;
  body: T;
}

/** XML elements that the spec repeats in lists, so one element still parses as a list. */
const LIST_TAGS = new Set(['service', 'request', 'request_update', 'error', 'endpoint', 'format', 'attribute', 'value']);
const xmlParser = new XMLParser({ parseTagValue: false, isArray: (name) => LIST_TAGS.has(name) });

/** The spec's XML documents as the JSON the spec describes: the root dropped, lists as arrays. */
function fromXml(text: string): unknown {
  const doc = xmlParser.parse(text) as Record<string, any>;
  if (doc.errors) return doc.errors.error ?? [];
  if (doc.service_requests) return doc.service_requests.request ?? [];
  if (doc.services) return doc.services.service ?? [];
  if (doc.service_request_updates) return doc.service_request_updates.request_update ?? [];
  if (doc.service_definition) {
    const d = doc.service_definition;
    return { ...d, attributes: (d.attributes?.attribute ?? []).map((a: any) => ({ ...a, values: a.values?.value ?? [] })) };
  }
  if (doc.discovery) return { ...doc.discovery, endpoints: (doc.discovery.endpoints?.endpoint ?? []).map((e: any) => ({ ...e, formats: e.formats?.format ?? [] })) };
  return doc;
}

export interface Photo {
  name: string;
  type: string;
  data: Buffer;
}

export class Open311Client {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string | undefined,
    readonly format: Open311Format = 'json',
    readonly jurisdictionId?: string,
  ) {}

  private url(path: string, params: Array<[string, string]> = []): string {
    const all = this.jurisdictionId ? [...params, ['jurisdiction_id', this.jurisdictionId] as [string, string]] : params;
    const qs = new URLSearchParams(all).toString();
    return `${this.baseUrl}/${path}.${this.format}${qs ? `?${qs}` : ''}`;
  }

  private async read<T>(res: Response): Promise<Open311Response<T>> {
    const contentType = res.headers.get('content-type') ?? '';
    const text = await res.text();
    const body = (this.format === 'xml' ? fromXml(text) : JSON.parse(text)) as T;
    if (res.status < 200 || res.status > 299) throw new Open311ClientError(res.status, body as Array<{ code: string; description: string }>, contentType);
    return { status: res.status, contentType, headers: res.headers, body };
  }

  async get<T = any>(path: string, params: Array<[string, string]> = []): Promise<Open311Response<T>> {
    return this.read<T>(await fetch(this.url(path, params)));
  }

  discovery() {
    return this.get('discovery');
  }

  services() {
    return this.get<any[]>('services');
  }

  serviceDefinition(code: string) {
    return this.get(`services/${encodeURIComponent(code)}`);
  }

  /** POST requests: form-encoded, or multipart/form-data with the photo as `media`. */
  async postRequest(fields: Record<string, string>, options: { media?: Photo; headers?: Record<string, string> } = {}): Promise<Open311Response<any[]>> {
    const all: Record<string, string> = { ...fields, ...(this.apiKey ? { api_key: this.apiKey } : {}), ...(this.jurisdictionId ? { jurisdiction_id: this.jurisdictionId } : {}) };
    let body: string | FormData;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.media) {
      const form = new FormData();
      for (const [k, v] of Object.entries(all)) form.append(k, v);
      form.append('media', new Blob([new Uint8Array(options.media.data)], { type: options.media.type }), options.media.name);
      body = form;
    } else {
      body = new URLSearchParams(all).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    return this.read<any[]>(await fetch(`${this.baseUrl}/requests.${this.format}`, { method: 'POST', headers, body }));
  }

  token(token: string) {
    return this.get<any[]>(`tokens/${encodeURIComponent(token)}`);
  }

  request(id: string) {
    return this.get<any[]>(`requests/${encodeURIComponent(id)}`);
  }

  requests(params: Array<[string, string]> = []) {
    return this.get<any[]>('requests', params);
  }

  /**
   * The request's id from a POST answer: the service_request_id if given, else the token polled
   * until it names one (at most `tries` times), as the spec's clients do.
   */
  async idOf(answer: { service_request_id?: string; token?: string }, tries = 3): Promise<string | undefined> {
    if (answer.service_request_id) return String(answer.service_request_id);
    for (let i = 0; answer.token && i < tries; i++) {
      const t = await this.token(answer.token);
      if (t.body[0]?.service_request_id) return String(t.body[0].service_request_id);
    }
    return undefined;
  }
}
