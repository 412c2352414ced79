// The figures of the 漏接回拨 queue over a period: how many lost calls entered it, how many were
// called back, reached, how many are still open, how many were called back within the city's target
// and how long the first attempt took on average. Pure: the caller loads the entries missed in the
// period and their attempts made before `asOf` (the end of the period, or now while it runs), so a
// past period's figures never change.
//
// Definitions (docs/reference/calls.md, "Service levels: formulas"):
// - missed: entries whose call was lost in the period (missedAt ∈ [from, to)).
// - calledBack: entries with at least one attempt before asOf. reached: with a `reached` attempt.
// - calledAgain: closed because the caller got through on a later call (before asOf).
// - open: not closed at asOf (no reached or invalid-number attempt, caller not through again).
// - due = missedAt + targetSeconds counted in the call-back hours only (a call lost at 19:50 with
//   08:00–20:00 and 30 min is due at 08:20 the next day; one lost at 03:00 at 08:30).
// - calledBackWithinTarget: first attempt at or before due.
// - callbackWithinTargetRate = calledBackWithinTarget / the entries that count: every missed entry
//   except those that needed no call back (the caller got through again before any attempt and
//   before due) and those not yet due (no attempt and due after asOf); null when none count.
// - avgFirstAttemptSeconds = mean of (first attempt − missedAt), wall-clock, over calledBack.
import { DateTime } from 'luxon';
import { ZONE } from './calendar.ts';

export interface MissedCallRow {
  /** When the call was lost (ISO instant). */
  missedAt: string;
  /** Attempts before asOf, any order. */
  attempts: Array<{ at: string; outcome: string }>;
  /** When the entry was closed (reached, invalid number, or the caller got through), or null. */
  doneAt: string | null;
  /** `called_again` when the caller got through on a later call. */
  lastOutcome: string | null;
}

export interface MissedCallbackTarget {
  targetSeconds: number;
  /** Shanghai `HH:mm`; start inclusive, end exclusive; start = end means all day. */
  hours: { start: string; end: string };
}

export interface MissedCallFigures {
  missed: number;
  calledBack: number;
  reached: number;
  calledAgain: number;
  open: number;
  calledBackWithinTarget: number;
  /** calledBackWithinTarget / the entries that count (see above); null when none. */
  callbackWithinTargetRate: number | null;
  /** Mean seconds from the loss to the first attempt; null when none was called back. */
  avgFirstAttemptSeconds: number | null;
  /** The target (seconds of call-back hours) the rate is measured against. */
  targetSeconds: number;
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** When a call lost at `missedAt` is due for its first call-back attempt (ISO instant, UTC). */
export function callbackDueAt(missedAt: string, target: MissedCallbackTarget): string {
  const startMin = minutesOf(target.hours.start);
  const endMin = minutesOf(target.hours.end);
  let remaining = target.targetSeconds * 1000;
  if (startMin === endMin) return new Date(Date.parse(missedAt) + remaining).toISOString();
  let t = DateTime.fromISO(missedAt, { zone: ZONE });
  for (let guard = 0; guard < 3660; guard++) {
    const day = t.startOf('day');
    const open = day.plus({ minutes: startMin });
    const close = day.plus({ minutes: endMin });
    if (t < open) t = open;
    if (t >= close) {
      t = day.plus({ days: 1 });
      continue;
    }
    const available = close.toMillis() - t.toMillis();
    if (remaining <= available) return new Date(t.toMillis() + remaining).toISOString();
    remaining -= available;
    t = day.plus({ days: 1 });
  }
  throw new Error('call-back hours never open');
}

export function missedCallFigures(rows: readonly MissedCallRow[], target: MissedCallbackTarget, asOf: string): MissedCallFigures {
  const asOfMs = Date.parse(asOf);
  let calledBack = 0;
  let reached = 0;
  let calledAgain = 0;
  let open = 0;
  let within = 0;
  let counted = 0;
  let firstSumMs = 0;
  for (const row of rows) {
    const attempts = row.attempts.filter((a) => Date.parse(a.at) < asOfMs);
    const first = attempts.length ? Math.min(...attempts.map((a) => Date.parse(a.at))) : null;
    const done = row.doneAt !== null && Date.parse(row.doneAt) < asOfMs;
    const again = done && row.lastOutcome === 'called_again';
    const due = Date.parse(callbackDueAt(row.missedAt, target));
    if (first !== null) {
      calledBack++;
      firstSumMs += first - Date.parse(row.missedAt);
    }
    if (attempts.some((a) => a.outcome === 'reached')) reached++;
    if (again) calledAgain++;
    if (!done) open++;
    if (first !== null && first <= due) within++;
    const neededNone = first === null && again && Date.parse(row.doneAt!) <= due;
    const notYetDue = first === null && !done && due > asOfMs;
    if (!neededNone && !notYetDue) counted++;
  }
  return {
    missed: rows.length,
    calledBack,
    reached,
    calledAgain,
    open,
    calledBackWithinTarget: within,
    callbackWithinTargetRate: counted ? within / counted : null,
    avgFirstAttemptSeconds: calledBack ? firstSumMs / calledBack / 1000 : null,
    targetSeconds: target.targetSeconds,
  };
}
