// Pushes new notifications (./notifications.ts) to the console's open sockets. Each
// server process reads the table itself, so a notice reaches a unit whichever process wrote it
// (`hotline serve --workers N`): one short index range per interval for the whole process, and none
// while nobody is connected. Ids are handed out before commit, so a slower transaction can commit a
// lower id after a higher one was seen: such a gap is looked at again for a while before it is
// taken for a rolled-back insert.
import type { AppContext } from '../server/context.ts';
import { formatShanghai } from '../domain/deadline.ts';

export interface PushedNotification {
  id: number;
  unitId: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
}

export interface Subscriber {
  /** The units whose notices this socket receives (recipientUnits of its user). */
  units: ReadonlySet<number>;
  /** The socket's user: a notice addressed to another user of the unit is not sent to it. */
  userId?: number;
  /** The highest id this socket was sent: nothing at or below it is sent again. */
  after: number;
  send(n: PushedNotification): void;
}

/** How long an id skipped by a commit is waited for. */
const GAP_WAIT_MS = 60_000;
const BATCH = 500;

type Row = { id: number | string; unit_id: number; user_id?: number | null; kind: string; title: string; body: string; link: string | null; created_at: string };

export function toPushed(r: Row): PushedNotification {
  return { id: Number(r.id), unitId: r.unit_id, kind: r.kind, title: r.title, body: r.body, link: r.link, createdAt: formatShanghai(r.created_at) };
}

export class NotificationHub {
  private readonly subscribers = new Set<Subscriber>();
  /** Highest id read; null until a first subscriber arrives. */
  private cursor: number | null = null;
  /** Ids below the cursor not seen yet, with when they stop being waited for. */
  private readonly gaps = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** The newest id now: where a new socket without a cursor of its own starts. */
  async newestId(): Promise<number> {
    const row = await this.ctx.store.db.selectFrom('notifications').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  /** Adds a socket; it is sent what is written after `sub.after` (its own catch-up covers up to there). */
  subscribe(sub: Subscriber): () => void {
    this.cursor ??= sub.after;
    this.subscribers.add(sub);
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs).unref();
    return () => {
      this.subscribers.delete(sub);
      if (!this.subscribers.size) this.idle();
    };
  }

  private idle(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.cursor = null;
    this.gaps.clear();
  }

  /** One read of the table, delivered to every subscriber it concerns; never two at once. */
  tick(): Promise<void> {
    this.running ??= this.read()
      .catch(this.onError)
      .finally(() => (this.running = null));
    return this.running;
  }

  private async read(): Promise<void> {
    if (this.closed || this.cursor === null || !this.subscribers.size) return;
    const cursor = this.cursor;
    const waiting = [...this.gaps.keys()];
    const rows = (await this.ctx.store.db
      .selectFrom('notifications')
      .select(['id', 'unit_id', 'user_id', 'kind', 'title', 'body', 'link', 'created_at'])
      .where((eb) => (waiting.length ? eb.or([eb('id', '>', cursor), eb('id', 'in', waiting)]) : eb('id', '>', cursor)))
      .orderBy('id')
      .limit(BATCH)
      .execute()) as Row[];
    if (this.cursor !== cursor) return; // idle and subscribed again meanwhile: start afresh
    const now = Date.now();
    let next = cursor;
    for (const row of rows) {
      const id = Number(row.id);
      this.gaps.delete(id);
      if (id > next) {
        for (let missing = next + 1; missing < id && this.gaps.size < 10_000; missing++) this.gaps.set(missing, now + GAP_WAIT_MS);
        next = id;
      }
      const n = toPushed(row);
      for (const sub of this.subscribers) {
        if (!sub.units.has(n.unitId)) continue;
        if (row.user_id != null && row.user_id !== sub.userId) continue;
        // A late id (a gap filled) is below `after`: sent all the same, once.
        if (id <= sub.after && !waiting.includes(id)) continue;
        sub.after = Math.max(sub.after, id);
        sub.send(n);
      }
    }
    this.cursor = next;
    for (const [id, until] of this.gaps) if (until < now) this.gaps.delete(id);
  }

  close(): void {
    this.closed = true;
    this.idle();
    this.subscribers.clear();
  }
}
