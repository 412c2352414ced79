// `hotline user create`: an account made from the shell (the first admin of a new install).
import { parseArgs } from 'node:util';
import { createUser } from '../../org/users.ts';
import { usageError, type Command } from './command.ts';

const USAGE = `  user create --username U --password P --role R [--unit CODE] [--name 姓名]`;

export const userCommand: Command = {
  usage: USAGE,
  async run(argv, withContext) {
    const [sub, ...args] = argv;
    if (sub !== 'create') throw usageError(`用法:\n${USAGE}`);
    const { values } = parseArgs({ args, options: { username: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, unit: { type: 'string' }, name: { type: 'string' } } });
    if (!values.username || !values.password || !values.role) throw usageError('须给出 --username、--password 和 --role');
    await withContext(async (ctx) => {
      const user = await createUser(ctx, null, { username: values.username!, password: values.password!, role: values.role as never, unitCode: values.unit, displayName: values.name });
      process.stdout.write(`已创建用户 ${user.username}（id ${user.id}）\n`);
    });
  },
};
