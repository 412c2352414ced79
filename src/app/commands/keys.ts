// `hotline keys status|rotate|reencrypt`: the keys personal data is sealed with (the requester's on
// tickets, call handling's numbers). Prints key ids and counts, never a key or a value.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { envOptions } from '../bootstrap.ts';
import { Problem } from '../../server/problem.ts';
import { openStore, type Store } from '../../store/db.ts';
import { migrate } from '../../store/migrations.ts';
import { rotateKeys } from '../../store/field-keys.ts';
import { SEALED_TABLE_LABELS, SEALED_TABLE_NAMES, keyCensus, reencryptFields, type KeyCensus } from '../../store/field-reencrypt.ts';

export const KEYS_USAGE = `  keys status [--json]       个人信息字段加密：密钥来源、当前密钥、各密钥下的字段数
  keys rotate                生成新的字段密钥和审计链密钥并设为当前密钥（旧密钥保留，旧密文仍可读、旧审计事件仍可校验；
                             使用环境变量时请在 HOTLINE_FIELD_KEYS / HOTLINE_AUDIT_KEYS 开头加新密钥）
  keys reencrypt [--batch N] [--json]
                             用当前密钥重写所有加密字段（分批提交，中断后再次运行从断点继续）`;

function openTarget(): Store {
  const env = envOptions();
  return openStore({ url: env.databaseUrl, sqliteFile: env.databaseUrl ? undefined : join(env.dataDir ?? './data', 'hotline.sqlite'), dataDir: env.dataDir });
}

async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = openTarget();
  try {
    await migrate(store.db, store.engine);
    return await work(store);
  } finally {
    await store.close();
  }
}

/** 通话 12 条、话务事件 40 条…: the rows of the sealed tables other than tickets. */
function otherTables(census: KeyCensus): string {
  return SEALED_TABLE_NAMES.filter((t) => t !== 'tickets')
    .map((t) => `${SEALED_TABLE_LABELS[t]} ${census.tables[t].rows} 条`)
    .join('、');
}

function sourceLabel(store: Store): string {
  const s = store.keySource;
  return s.kind === 'env' ? '环境变量 HOTLINE_FIELD_KEYS / HOTLINE_LOOKUP_KEY' : s.kind === 'file' ? `密钥文件 ${s.path}` : '内存（临时）';
}

export async function keysCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, batch: { type: 'string' } } });
  const out = (json: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);

  if (sub === 'status') {
    await withStore(async (store) => {
      const census = await keyCensus(store.db, store.crypto);
      const byKey = Object.entries(census.byKey).map(([id, n]) => `密钥 ${id}：${n} 个字段`).join('；') || '（无）';
      out(
        { source: store.keySource.kind, cipher: store.crypto.cipher, current: store.crypto.currentKeyId, keys: store.crypto.keyIds(), audit: { current: store.auditKeys.currentKeyId, keys: store.auditKeys.keyIds() }, ...census },
        `密钥来源：${sourceLabel(store)}\n算法：${store.crypto.cipher}；当前密钥：${store.crypto.currentKeyId}；密钥表：${store.crypto.keyIds().join(', ')}\n审计链密钥（HMAC-SHA-256）：当前 ${store.auditKeys.currentKeyId}；密钥表：${store.auditKeys.keyIds().join(', ')}（L 由查找密钥派生）\n工单 ${census.tickets} 张，${otherTables(census)}；${byKey}；未加密 ${census.plaintext} 个；查找哈希不符 ${census.badHash} 行`,
      );
    });
    return;
  }

  if (sub === 'rotate') {
    const store = openTarget();
    try {
      const source = store.keySource;
      if (source.kind !== 'file') {
        throw new Problem(400, 'keys-from-env', '密钥来自环境变量：请生成新密钥（如 openssl rand -base64 32），以「新编号:新密钥,」加在 HOTLINE_FIELD_KEYS 开头（审计链密钥同样加在 HOTLINE_AUDIT_KEYS 开头，旧的保留），重启服务，再运行 hotline keys reencrypt');
      }
      const { field: id, audit } = rotateKeys(source.path);
      out(
        { current: id, auditCurrent: audit, file: source.path },
        `新密钥 ${id} 已设为当前密钥（${source.path}）；审计链新密钥 ${audit} 自重启后的下一条事件起使用，旧审计事件仍用各自的密钥校验；旧密钥保留。运行中的服务在读到新密钥的密文时自动载入；请重启服务使新写入也用新密钥，再运行 hotline keys reencrypt`,
      );
    } finally {
      await store.close();
    }
    return;
  }

  if (sub === 'reencrypt') {
    const batchSize = values.batch === undefined ? 500 : Number(values.batch);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new Problem(400, 'usage', '--batch 须为 1 到 100000 之间的整数');
    await withStore(async (store) => {
      const r = await reencryptFields(store.db, store.crypto, {
        batchSize,
        onBatch: (p) => {
          if (!values.json) process.stderr.write(`\r已检查 ${SEALED_TABLE_NAMES.reduce((a, t) => a + p.tables[t].scanned, 0)} 行，重写 ${SEALED_TABLE_NAMES.reduce((a, t) => a + p.tables[t].rewritten, 0)} 行`);
        },
      });
      if (!values.json) process.stderr.write('\n');
      const census = await keyCensus(store.db, store.crypto);
      out(
        { ...r, census },
        `${r.resumedAfter ? `从${SEALED_TABLE_LABELS[r.resumedIn]} #${r.resumedAfter} 之后继续；` : ''}检查 ${r.scanned} 张工单，重写 ${r.rewritten} 张；${SEALED_TABLE_NAMES.filter((t) => t !== 'tickets')
          .map((t) => `${SEALED_TABLE_LABELS[t]}检查 ${r.tables[t].scanned} 条、重写 ${r.tables[t].rewritten} 条`)
          .join('，')}；均已用密钥 ${r.keyId} 加密（其他密钥下 ${Object.entries(census.byKey).filter(([id]) => id !== r.keyId).reduce((a, [, n]) => a + n, 0)} 个字段，未加密 ${census.plaintext} 个）`,
      );
    });
    return;
  }
  throw new Problem(400, 'usage', `用法:\n${KEYS_USAGE}`);
}
