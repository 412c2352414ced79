// The working calendar's API contract: what a calendar change recomputed, as PUT /calendar/days/:date
// and the year import answer. The types live in the pure domain (the deadline engine's floor); the
// console (web/) imports them from here.
export type { ChangedKind, ChangedObject, RecomputeSummary } from '../domain/calendar.ts';
