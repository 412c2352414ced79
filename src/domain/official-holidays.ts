// The State Council's holiday arrangements as shipped by `chinese-days`, turned into calendar data.
import { createRequire } from 'node:module';
import type { CalendarData, CalendarDay } from './calendar.ts';

const require = createRequire(import.meta.url);

interface ChineseDaysJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** "Spring Festival,春节,4" → "春节" */
function chineseName(value: string): string {
  const parts = value.split(',');
  return parts[1] ?? parts[0];
}

let cached: CalendarData | undefined;

export function officialCalendarData(): CalendarData {
  if (cached) return cached;
  const json = require('chinese-days/dist/chinese-days.json') as ChineseDaysJson;
  const days: CalendarDay[] = [];
  const years = new Set<number>();
  for (const [date, value] of Object.entries(json.holidays)) {
    days.push({ date, kind: 'holiday', name: chineseName(value) });
    years.add(Number(date.slice(0, 4)));
  }
  for (const [date, value] of Object.entries(json.workdays)) {
    days.push({ date, kind: 'workday', name: `${chineseName(value)}调休上班` });
    years.add(Number(date.slice(0, 4)));
  }
  cached = { officialYears: years, days };
  return cached;
}
