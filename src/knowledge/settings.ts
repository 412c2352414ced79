// The knowledge base's settings an admin changes: the smart answer's confidence threshold and how
// long an article may go untouched before it is flagged to its unit.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { invalid } from '../server/problem.ts';

export interface KbSettings {
  /** 0–1: below this confidence the smart answer says it does not know. */
  answerThreshold: number;
  /** A published article not updated for this many days is flagged to its unit. */
  staleAfterDays: number;
}

export const DEFAULT_SETTINGS: KbSettings = { answerThreshold: 0.5, staleAfterDays: 365 };

export async function kbSettings(ctx: AppContext): Promise<KbSettings> {
  const rows = await ctx.store.db.selectFrom('kb_settings').select(['key', 'value']).execute();
  const out: KbSettings = { ...DEFAULT_SETTINGS };
  for (const r of rows) if (r.key in out) (out as unknown as Record<string, unknown>)[r.key] = JSON.parse(r.value);
  return out;
}

export async function updateKbSettings(ctx: AppContext, actor: Actor, change: Partial<KbSettings>): Promise<KbSettings> {
  if (change.answerThreshold !== undefined && !(change.answerThreshold >= 0 && change.answerThreshold <= 1)) throw invalid('answerThreshold', '字段「智能解答置信度阈值」应在 0 到 1 之间');
  if (change.staleAfterDays !== undefined && !(Number.isInteger(change.staleAfterDays) && change.staleAfterDays >= 1)) throw invalid('staleAfterDays', '字段「长期未更新天数」应为正整数');
  const before = await kbSettings(ctx);
  await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) continue;
      await tx
        .insertInto('kb_settings')
        .values({ key, value: JSON.stringify(value), updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
        .execute();
    }
    await writeEvent(tx, actor, now, { action: 'kb_settings_update', detail: { before, change } });
  });
  return kbSettings(ctx);
}
