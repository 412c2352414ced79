// `hotline migrate` and `hotline demo`: the store's structure and the demo data.
import { parseArgs } from 'node:util';
import { loadDemo } from '../../demo/load.ts';
import type { Command } from './command.ts';

export const migrateCommand: Command = {
  usage: `  migrate                    执行数据库迁移`,
  async run(_args, withContext) {
    await withContext(async (ctx) => process.stdout.write(`数据库已是最新结构（${ctx.store.engine}）\n`));
  },
};

export const demoCommand: Command = {
  usage: `  demo [--force]             载入演示数据（单位、分类、各角色用户、数百张各状态工单；已有工单时 --force 追加一批）`,
  async run(args, withContext) {
    const { values } = parseArgs({ args, options: { force: { type: 'boolean' } } });
    await withContext(async (ctx) => {
      const loaded = await loadDemo(ctx, { onlyIfEmpty: !values.force });
      process.stdout.write(loaded ? `已载入演示数据：${loaded.tickets} 张工单，${loaded.users} 个用户\n` : '已有工单数据，未重复载入（--force 可追加）\n');
    });
  },
};
