import type { AppContext } from '../server/context.ts';
export const DEMO_PASSWORD = 'demo12345';
export async function loadDemo(_ctx: AppContext, _o: { onlyIfEmpty: boolean }): Promise<{ tickets: number; users: number } | null> {
  return null;
}
