// HOTLINE_TRUST_PROXY → Fastify's `trustProxy`: which hops in front of the server may say, through
// X-Forwarded-For / -Proto / -Host, who the client is and whether it came over HTTPS. Unset, no
// proxy is trusted and those headers are ignored (request.ip is the socket's peer). Behind a
// reverse proxy it must be set, or every citizen shares the proxy's address and the per-address
// limits (login throttle, portal) become city-wide.
//   true | false        trust every hop / none
//   2                   trust that many hops nearest the server
//   127.0.0.1,10.0.0.0/8  trust these proxy addresses or CIDR ranges (comma list)

//
// A hop count trusts whatever the nearest hops say, whoever they are: use it only where the server
// cannot be reached but through the proxy (listening on 127.0.0.1 or a private network); prefer the
// address list.

export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

/** The setting as Fastify takes it; throws on a value that is none of the forms above. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  // Fastify fails closed on a bare number; as a function, hop 0 (the socket's peer) .. n-1 are trusted.
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops === 0 ? false : (_address, hop) => hop < hops;
  }
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const address = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)(\/\d{1,3})?$/i;
  const bad = list.find((s) => !address.test(s));
  if (bad !== undefined || !list.length) throw new Error(`HOTLINE_TRUST_PROXY: 「${bad ?? v}」不是 true、false、跳数或以逗号分隔的代理地址/CIDR`);
  return list;
}
