// The `hotline` command: one entry per command in COMMANDS (each lives in commands/), the usage, exit codes.
import { bootstrap, envOptions } from './bootstrap.ts';
import type { AppContext } from '../server/context.ts';
import { Problem } from '../server/problem.ts';
import { FieldCryptoError } from '../store/field-crypto.ts';
import { CityConfigError } from '../config/cities/index.ts';
import { BackupError } from '../store/backup.ts';
import type { Command } from './commands/command.ts';
import { startCommand, serveCommand } from './commands/serve.ts';
import { migrateCommand, demoCommand } from './commands/store.ts';
import { deadlineCommand } from './commands/deadline.ts';
import { userCommand } from './commands/user.ts';
import { kbCommand, KB_USAGE } from './commands/kb.ts';
import { reportCommand, REPORT_USAGE } from './commands/report.ts';
import { evaluateCommand, EVALUATE_USAGE } from './commands/evaluate.ts';
import { apikeyCommand, APIKEY_USAGE } from './commands/apikey.ts';
import { simulateCommand, SIMULATE_USAGE } from './commands/simulate-calls.ts';
import { auditCommand, backupCommand, restoreCommand, AUDIT_USAGE } from './commands/audit.ts';
import { generateCommand, GENERATE_USAGE } from './commands/generate.ts';
import { keysCommand, KEYS_USAGE } from './commands/keys.ts';

/** Every command, in the order of the usage text. backup and restore share the audit lines. */
const COMMANDS: Record<string, Command> = {
  start: startCommand,
  serve: serveCommand,
  migrate: migrateCommand,
  demo: demoCommand,
  deadline: deadlineCommand,
  user: userCommand,
  kb: { usage: KB_USAGE, run: kbCommand },
  report: { usage: REPORT_USAGE, run: reportCommand },
  evaluate: { usage: EVALUATE_USAGE, run: evaluateCommand },
  apikey: { usage: APIKEY_USAGE, run: apikeyCommand },
  'simulate-calls': { usage: SIMULATE_USAGE, run: (args) => simulateCommand(args) },
  audit: { usage: AUDIT_USAGE, run: (args) => auditCommand(args) },
  backup: { usage: AUDIT_USAGE, run: (args) => backupCommand(args) },
  restore: { usage: AUDIT_USAGE, run: (args) => restoreCommand(args) },
  generate: { usage: GENERATE_USAGE, run: (args) => generateCommand(args) },
  keys: { usage: KEYS_USAGE, run: (args) => keysCommand(args) },
};

const USAGE = `用法: hotline <命令> [选项]

${[...new Set(Object.values(COMMANDS).map((c) => c.usage))].join('\n')}

环境变量: PORT, HOST, HOTLINE_DATA_DIR（SQLite 文件目录，默认 ./data）, HOTLINE_DATABASE_URL（postgres://…）, HOTLINE_CITY（城市配置，默认 mudanjiang）
退出码: 0 成功；2 用法错误或操作被拒绝（原因写在标准错误输出）；1 运行中的意外错误`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function withContext<T>(work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await bootstrap(envOptions());
  try {
    return await work(ctx);
  } finally {
    await ctx.store.close();
  }
}

export async function main(argv: string[]): Promise<void> {
  const command = argv[0] ? COMMANDS[argv[0]] : undefined;
  // --help (or -h) anywhere: the usage on standard output and exit 0, before any option is parsed.
  if (argv.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(command ? `用法: hotline\n${command.usage}\n` : `${USAGE}\n`);
    process.exit(0);
  }
  if (!command) {
    process.stdout.write(`${USAGE}\n`);
    if (argv[0] && argv[0] !== 'help') process.exit(2);
    return;
  }
  try {
    await command.run(argv.slice(1), withContext);
  } catch (err) {
    // A refusal with its Chinese reason is the user's to read, not a crash.
    if (err instanceof Problem) fail(err.title);
    // Keys that do not fit the store (or a malformed key setting): one sentence, no stack trace.
    if (err instanceof FieldCryptoError) fail(err.message);
    // HOTLINE_CITY naming no configured city.
    if (err instanceof CityConfigError || err instanceof BackupError) fail(err.message);
    // A mistyped option (node:util parseArgs): a usage error, exit 2, no stack trace.
    const code = (err as { code?: string } | null)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) fail(`参数错误：${parseArgsMessage(err as Error)}\n用法:\n${command.usage}`);
    throw err;
  }
}

/** parseArgs' English message in Chinese, naming the option. */
function parseArgsMessage(err: Error & { code?: string }): string {
  const option = /'([^']+)'/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `不认识的选项 ${option ?? ''}`.trim();
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `选项 ${option ?? ''} 的取值不正确（缺少取值，或不应带取值）`;
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `多余的参数 ${option ?? ''}`.trim();
  return err.message;
}
