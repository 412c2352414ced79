// A webhook receiver for tests, on 127.0.0.1: verifies signatures, drops repeats by event id (after
// checking a repeat is byte-identical), and can be told to fail.
import { createServer, type Server } from 'node:http';
import { verifyWebhook } from './webhooks.ts';

export interface Received {
  id: string;
  body: any;
  raw: string;
}

export class TestReceiver {
  /** Accepted events in arrival order, each once. */
  events: Received[] = [];
  /** Requests answered with an error (failing) or refused (bad signature). */
  refused = 0;
  duplicates = 0;
  /** Repeats whose body differed from the first copy (must stay 0). */
  mismatched = 0;
  badSignatures = 0;
  /** Answer `failStatus` (503 unless set) while this returns true. */
  fail: (body: any) => boolean = () => false;
  failStatus = 503;
  /** Delay before answering (to have requests in flight). */
  delayMs = 0;
  private seen = new Map<string, string>();
  private server: Server;
  url = '';

  constructor(private readonly secret: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const answer = (status: number) => {
          if (this.delayMs) setTimeout(() => res.writeHead(status).end(), this.delayMs);
          else res.writeHead(status).end();
        };
        const ok = verifyWebhook(this.secret, { signature: req.headers['x-hotline-signature'] as string, timestamp: req.headers['x-hotline-timestamp'] as string }, raw);
        if (!ok) {
          this.badSignatures++;
          return answer(401);
        }
        const body = JSON.parse(raw);
        const id = String(req.headers['x-hotline-event-id']);
        if (this.fail(body)) {
          this.refused++;
          return answer(this.failStatus);
        }
        const first = this.seen.get(id);
        if (first !== undefined) {
          this.duplicates++;
          if (first !== raw) this.mismatched++;
          return answer(200);
        }
        this.seen.set(id, raw);
        this.events.push({ id, body, raw });
        answer(200);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
