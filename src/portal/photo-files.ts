// The bytes of a request's photo. They live in the store (portal_photos.data); a row written before
// that names a file under the data directory instead, which the start copies into the store so that a
// backup of the store holds every photo. The file stays where it was: removing it is the operator's
// call once a backup has been taken.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppContext } from '../server/context.ts';

/** The file an older row names, or null when it is gone. */
const olderFile = (ctx: AppContext, file: string): Promise<Buffer | null> => readFile(join(ctx.dataDir, file)).catch(() => null);

/** A photo's bytes: from the store, else from the file an older row names; null when neither exists. */
export async function photoBytes(ctx: AppContext, row: { file: string; data: Buffer | null }): Promise<Buffer | null> {
  return row.data ? Buffer.from(row.data) : olderFile(ctx, row.file);
}

/** Copies into the store the photos that older rows keep as files; returns how many it copied. */
export async function adoptPhotoFiles(ctx: AppContext): Promise<number> {
  const rows = await ctx.store.db.selectFrom('portal_photos').select(['id', 'file']).where('data', 'is', null).execute();
  let adopted = 0;
  for (const row of rows) {
    const data = await olderFile(ctx, row.file);
    if (!data) continue;
    // Several processes may start together: only a row still empty takes the bytes.
    const done = await ctx.store.db.updateTable('portal_photos').set({ data }).where('id', '=', row.id).where('data', 'is', null).executeTakeFirst();
    adopted += Number(done.numUpdatedRows) > 0 ? 1 : 0;
  }
  return adopted;
}
