// `hotline apikey create|rotate|revoke|list`: keys for external systems from the command line.
// The key is printed once, on standard output; nothing else records it.
import { parseArgs } from 'node:util';
import { SCOPES, createApiKey, listApiKeys, parseRate, parseScopes, revokeApiKey, rotateApiKey, type ApiKeyInfo } from '../../auth/api-keys.ts';

export const APIKEY_USAGE = `  apikey create --name 名称 --scopes a,b [--rate 每分钟请求数]
                             为外部系统创建 API 密钥（只显示一次）；权限范围：${SCOPES.join(', ')}
  apikey rotate <id|名称>     轮换密钥（旧密钥立即失效，新密钥只显示一次）
  apikey revoke <id|名称>     吊销密钥
  apikey list [--json]        列出密钥（不含密钥本身）`;

import type { WithContext } from './command.ts';

function describe(k: ApiKeyInfo): string {
  const state = k.active ? '有效' : `已吊销（${k.revokedAt}）`;
  return `${String(k.id).padStart(3)}  ${k.name}  ${k.prefix}…  ${k.scopes.join(',')}  ${k.ratePerMinute}/分钟  ${state}`;
}

export async function apikeyCommand(argv: string[], withContext: WithContext): Promise<void> {
  const [sub, ...rest] = argv;
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n`);
    process.exit(2);
  };
  switch (sub) {
    case 'create': {
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, scopes: { type: 'string' }, rate: { type: 'string' }, json: { type: 'boolean' } } });
      if (!values.name) fail(`须给出 --name（外部系统名称）\n用法:\n${APIKEY_USAGE}`);
      if (!values.scopes) fail(`须给出 --scopes（逗号分隔的权限范围，如 --scopes open311:read,open311:write），可选：${SCOPES.join('、')}\n用法:\n${APIKEY_USAGE}`);
      const scopes = parseScopes(values.scopes, '--scopes');
      const rate = parseRate(values.rate, '--rate');
      await withContext(async (ctx) => {
        const { key, info } = await createApiKey(ctx, null, { name: values.name!, scopes, ratePerMinute: rate });
        if (values.json) process.stdout.write(`${JSON.stringify({ ...info, key })}\n`);
        else process.stdout.write(`已创建 API 密钥「${info.name}」（id ${info.id}，${info.scopes.join(',')}，每分钟 ${info.ratePerMinute} 次）\n密钥（只显示这一次）：\n${key}\n`);
      });
      return;
    }
    case 'rotate': {
      const target = rest[0] ?? fail('须给出密钥的 id 或名称');
      await withContext(async (ctx) => {
        const { key, info } = await rotateApiKey(ctx, null, target);
        process.stdout.write(`已轮换 API 密钥「${info.name}」，旧密钥已失效\n新密钥（只显示这一次）：\n${key}\n`);
      });
      return;
    }
    case 'revoke': {
      const target = rest[0] ?? fail('须给出密钥的 id 或名称');
      await withContext(async (ctx) => {
        const info = await revokeApiKey(ctx, null, target);
        process.stdout.write(`已吊销 API 密钥「${info.name}」\n`);
      });
      return;
    }
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
      await withContext(async (ctx) => {
        const keys = await listApiKeys(ctx);
        if (values.json) process.stdout.write(`${JSON.stringify(keys)}\n`);
        else process.stdout.write(keys.length ? `${keys.map(describe).join('\n')}\n` : '尚无 API 密钥\n');
      });
      return;
    }
    default:
      fail(`用法:\n${APIKEY_USAGE}`);
  }
}
