// The working calendar's API contract: what a calendar change recomputed, as PUT /calendar/days/:date
// and the year import answer. Imports nothing, so the console (web/) shows it with these declarations.

export type ChangedKind = 'open_duty' | 'finished_duty' | 'supervision_item' | 'rating_review';

export interface ChangedObject {
  kind: ChangedKind;
  id: number;
  ticketNo: string | null;
  /** The duty's kind (sign, reply …), the item's deadline (reply, plan) or the review's stage (verify, rectify, appeal, callback). */
  what: string;
  dueFrom: string;
  dueTo: string;
  /** Finished duties and replied items: 超期 before and after. */
  lateFrom?: boolean;
  lateTo?: boolean;
}

export interface RecomputeSummary {
  /** Deadlines on or after this date (and provisional ones) were looked at. */
  fromDate: string;
  /** Finished records from this instant on were recomputed too. */
  finishedSince: string;
  finishedWindowDays: number;
  openDuties: number;
  finishedDuties: number;
  /** Finished duties and replied 督办 items whose 超期 flag changed. */
  lateFlags: number;
  supervisionItems: number;
  ratingReviews: number;
  /** Objects changed (each counted once). */
  total: number;
  changed: ChangedObject[];
  /** Changed objects beyond the list. */
  more: number;
}
