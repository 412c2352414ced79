// `hotline kb …`: import a government bulletin, search, ask the smart answer, list upkeep flags.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AppContext } from '../../server/context.ts';
import { SYSTEM_ACTOR } from '../../domain/actor.ts';
import { Problem } from '../../server/problem.ts';
import { importBulletin } from '../../knowledge/import.ts';
import { searchKb } from '../../knowledge/search.ts';
import { smartAnswer } from '../../knowledge/answer.ts';
import { kbFlags } from '../../knowledge/quality.ts';
import { KB_KINDS, VALIDITIES, type KbKind, type Validity } from '../../knowledge/model.ts';

export const KB_USAGE = `  kb import-bulletin <文件> [--unit CODE] [--json]
                             导入政府公报（拆分为公文，每篇一条政策法规；重复导入不变）。不指定单位：
                             直接发布；--unit 指定承办单位：待该单位负责人审核后发布，5个工作日内录入（第十九条）
  kb search "<问题>" [--json] [--unit CODE] [--kind 类别] [--validity current|expired|upcoming|any] [--limit N]
                             知识库检索，按相关度输出（标题、段落、得分）
  kb answer "<问题>" [--json] 智能解答（低于置信度阈值时回答“不知道”）
  kb flags [--unit CODE]     录入超期、已过期或长期未更新、须所属单位维护的条目`;

const usage = (message: string) => new Problem(400, 'usage', `${message}\n用法:\n${KB_USAGE}`);
const out = (line: string) => process.stdout.write(`${line}\n`);

function filters(ctx: AppContext, values: { unit?: string; kind?: string; validity?: string }) {
  const unit = values.unit ? ctx.org.byCodeOrUndefined(values.unit) : undefined;
  if (values.unit && !unit) throw usage(`单位「${values.unit}」不存在`);
  if (values.kind && !(KB_KINDS as readonly string[]).includes(values.kind)) throw usage(`知识类别应为 ${KB_KINDS.join('、')}`);
  if (values.validity && !(VALIDITIES as readonly string[]).includes(values.validity)) throw usage(`--validity 应为 ${VALIDITIES.join('、')}`);
  return { unitIds: unit ? ctx.org.subtreeIds(unit.id) : undefined, kinds: values.kind ? [values.kind as KbKind] : undefined, validity: values.validity as Validity | undefined };
}

export async function kbCommand(args: string[], withContext: <T>(work: (ctx: AppContext) => Promise<T>) => Promise<T>): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, unit: { type: 'string' }, kind: { type: 'string' }, validity: { type: 'string' }, limit: { type: 'string' } },
  });
  switch (sub) {
    case 'import-bulletin': {
      const file = positionals[0];
      if (!file) throw usage('须给出公报文件');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw usage(`无法读取文件：${file}`);
      }
      await withContext(async (ctx) => {
        const result = await importBulletin(ctx, SYSTEM_ACTOR, text, { unitCode: values.unit });
        if (values.json) return out(JSON.stringify(result));
        out(`${result.bulletin ?? file}：识别出 ${result.documents} 篇公文，新导入 ${result.created.length} 篇，已存在未变 ${result.unchanged.length} 篇`);
        for (const c of result.created) out(`  + [${c.id}] ${c.title}${c.docNo ? `（${c.docNo}）` : ''} → ${c.unit}，${c.passages} 段${c.status === 'published' ? '' : '，待单位负责人审核'}`);
        for (const u of result.unchanged) out(`  = [${u.id}] ${u.title}`);
      });
      return;
    }
    case 'search': {
      const q = positionals.join(' ').trim();
      if (!q) throw usage('须给出检索的问题');
      const limit = values.limit ? Number(values.limit) : 10;
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw usage('--limit 应为 1–50 的整数');
      await withContext(async (ctx) => {
        const { hits } = await searchKb(ctx, { q, ...filters(ctx, values), limit });
        const rows = hits.map((h, i) => ({
          rank: i + 1,
          articleId: h.article.id,
          title: h.article.title,
          docNo: h.article.source.docNo,
          heading: h.passage.heading,
          passage: h.passage.text,
          score: h.score,
          coverage: h.coverage,
          valid: h.article.valid,
        }));
        if (values.json) return out(JSON.stringify(rows));
        if (!rows.length) return out('没有找到相关内容');
        for (const r of rows) {
          out(`${r.rank}. [${r.score}] ${r.title}${r.docNo ? `（${r.docNo}）` : ''}${r.valid ? '' : ' 〔不在有效期内〕'}`);
          if (r.heading) out(`   ${r.heading}`);
          out(`   ${r.passage.replace(/\n/g, ' ').slice(0, 160)}${r.passage.length > 160 ? '…' : ''}`);
        }
      });
      return;
    }
    case 'answer': {
      const q = positionals.join(' ').trim();
      if (!q) throw usage('须给出问题');
      await withContext(async (ctx) => {
        const answer = await smartAnswer(ctx, q, filters(ctx, values));
        if (values.json) return out(JSON.stringify(answer));
        out(`${answer.known ? '解答' : '不知道'}（置信度 ${answer.confidence}，阈值 ${answer.threshold}）`);
        out(answer.message);
      });
      return;
    }
    case 'flags': {
      await withContext(async (ctx) => {
        const { items, staleAfterDays } = await kbFlags(ctx, SYSTEM_ACTOR, { unit: values.unit });
        if (values.json) return out(JSON.stringify(items));
        out(`须维护的条目 ${items.length} 条（录入超期、已过期，或超过 ${staleAfterDays} 天未更新）`);
        const said = (a: (typeof items)[number], r: string) =>
          r === 'entry_overdue' ? `${a.statusLabel}，录入时限 ${a.entry?.dueAt.slice(0, 10)} 已过（第十九条）` : r === 'expired' ? `已于 ${a.expiresOn} 过期` : `${a.daysSinceUpdate} 天未更新`;
        for (const a of items) out(`  [${a.id}] ${a.unit?.code ?? ''} ${a.title}：${a.reasons.map((r) => said(a, r)).join('，')}`);
      });
      return;
    }
    default:
      throw usage(sub ? `未知的 kb 命令：${sub}` : '须给出 kb 命令');
  }
}
