// Keywords of what citizens report, for 热点诉求 and 社情民意: jieba's precise mode (the segmenter the
// knowledge base already loads), without punctuation, one-character words, numbers and the generic
// words every call contains (a small stopword list below). A ticket counts once per keyword.
import { cutWords } from '../knowledge/segment.ts';
import { isReadReplica, type Db } from '../store/db.ts';
import type { KeywordCount } from './contract.ts';

export type { KeywordCount };
import { storeTicketKeywords, ticketKeywordSources, type Range, type TicketFilter } from './queries.ts';

/** Words that say nothing about the matter: how people speak on the phone, and place words. */
export const REPORT_STOPWORDS = new Set(
  `我们 你们 他们 自己 这个 那个 这些 那些 这样 那样 什么 怎么 怎么办 如何 为什么 是否 是不是 能否 可以 不能 不会 没有 没法 无法
   已经 一直 现在 目前 今天 昨天 最近 近期 长期 多次 反复 经常 一个 一下 一些 很多 非常 特别 还是 但是 而且 因为 所以 如果 希望 要求
   请求 请问 咨询 反映 投诉 举报 建议 表扬 问题 情况 事情 诉求 市民 来电 来电人 本人 家里 家中 附近 周边 当地 相关 有关 部门 单位 工作人员
   处理 解决 协调 落实 核实 查处 办理 联系 无果 无人 管理 进行 出现 发现 导致 造成 影响 存在 需要 应该 及时 尽快 严重 正常 不到 不了
   小区 街道 社区 楼道 单元 号楼 附近 门口 地址 位于 所在 一个月 三天 两天 几天 每天 天天 半年 一年 多年 元 左右 以上 以下
   电话 手机 时候 突然 居民 住户 业主 群众 使用 不管 不让 不给 告诉 说明 表示 称 回复 答复 满意
   持续 一周 规定 了解 最新 多久 哪些 准备 关于 办事 帮助 求助 感谢 超过 提出 进度 结果 流程 材料 哪里 为何 之前 之后 以后 以前 期间 至今
   仍然 依然 还有 多少 几个 怎样 能不能 可不可以 需要 要求 麻烦 谢谢 你好 您好 问问 一样 其他 其它 所有 全部 每个 各种 方面 有没有 可否`.split(/\s+/),
);

const HAS_LETTER = /\p{L}/u;
const ONLY_DIGITS = /^[\p{N}\s]+$/u;
/** Place names (东安区, 新安街道, 某某市): where, not what. */
const PLACE = /^.{1,6}(区|县|市|镇|乡|街道|社区|村)$/u;

/** The distinct keywords of one text. */
export function keywordsOf(text: string): string[] {
  const out = new Set<string>();
  for (const raw of cutWords(text)) {
    const w = raw.trim().toLowerCase();
    if ([...w].length < 2 || !HAS_LETTER.test(w) || ONLY_DIGITS.test(w)) continue;
    if (REPORT_STOPWORDS.has(w) || PLACE.test(w)) continue;
    out.add(w);
  }
  return [...out];
}

// Segmenting is the one step done outside the database, and a ticket's facts never change: its
// keywords are segmented once, when a report first counts it, and kept (ticket_keywords).
export interface KeywordRow {
  id: number;
  district: number | null;
  category: number | null;
  createdAt: string;
  words: string[];
}

/** The range's tickets with their keywords: those stored, the others segmented now and stored. */
export async function ticketKeywordRows(db: Db, range: Range, f: TicketFilter): Promise<KeywordRow[]> {
  const sources = await ticketKeywordSources(db, range, f);
  const fresh: Array<{ id: number; words: string }> = [];
  const rows = sources.map((r) => {
    let words: string[];
    if (r.words !== null) words = JSON.parse(r.words) as string[];
    else {
      words = keywordsOf(r.facts ?? '');
      fresh.push({ id: r.id, words: JSON.stringify(words) });
    }
    return { id: r.id, district: r.district, category: r.category, createdAt: r.createdAt, words };
  });
  // Read on a replica, they are segmented for this report only: the primary's reports keep them.
  if (!isReadReplica(db)) await storeTicketKeywords(db, fresh);
  return rows;
}

const zh = new Intl.Collator('zh');

/** The most frequent keywords over tickets (each ticket once per word), most frequent first, ties in Chinese order. */
export function topKeywords(rows: Array<{ words: string[] }>, limit = 20): KeywordCount[] {
  const counts = new Map<string, number>();
  for (const r of rows) for (const w of r.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  // Only words counted at least as often as the limit-th word can be among the first: sort those.
  const sortedCounts = [...counts.values()].sort((a, b) => b - a);
  const least = sortedCounts[Math.min(limit, sortedCounts.length) - 1] ?? 0;
  return [...counts]
    .filter(([, count]) => count >= least)
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || zh.compare(a.word, b.word))
    .slice(0, limit);
}
