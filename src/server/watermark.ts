// Who an exported file was made for: every report file carries its viewer's name, username, unit
// and the time of export (Shanghai time), so a copy that leaves the platform can be traced back to
// the account that took it out.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';

export interface Viewer {
  displayName: string;
  username: string;
  /** The viewer's unit, null for accounts without one (admins, the command line). */
  unitName: string | null;
}

export function viewerOf(ctx: AppContext, actor: Actor): Viewer {
  return { displayName: actor.displayName, username: actor.username, unitName: ctx.org.get(actor.unitId)?.name ?? null };
}

const shanghaiMinute = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "张三（zhangsan） · 住建局 · 2026-03-02 09:05 北京时间" */
export function viewerMark(viewer: Viewer, atIso: string): string {
  const parts = [`${viewer.displayName}（${viewer.username}）`];
  if (viewer.unitName) parts.push(viewer.unitName);
  parts.push(`${shanghaiMinute.format(Date.parse(atIso))} 北京时间`);
  return parts.join(' · ');
}

/** The footer line of a printed or exported page. */
export const exportFooter = (mark: string) => `导出人：${mark}　仅限工作使用，不得转发、外传`;
