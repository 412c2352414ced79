// Chinese segmentation for the knowledge base, with @node-rs/jieba in search mode (fine-grained
// words plus the compound: 住房公积金 → 住房 公积 公积金 …), the same way for what is indexed and
// for what is asked, so 公积金 finds 住房公积金. Punctuation and function words are dropped.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/** Words of this field jieba's general dictionary splits or misses. */
const DOMAIN_WORDS = [
  '政务服务便民热线',
  '工单',
  '直接解答',
  '全城通办',
  '一网通办',
  '一窗受理',
  '跨省通办',
  '好差评',
  '门诊共济',
  '个人账户',
  '公积金',
  '住房公积金',
  '缴存职工',
  '营业执照',
  '个体工商户',
  '老旧小区',
  '排污口',
  '黑土地',
  '黑土耕地',
  '非物质文化遗产',
  '非遗',
  '医保',
  '医保基金',
  '欺诈骗保',
  '异地就医',
  '电子证照',
  '承办单位',
  '知识库',
  '首付款',
  '猎捕',
  '营商环境',
  '数字政府',
  '政务公开',
  '自贸片区',
  '经济普查',
  '粮食应急',
  '天然林',
  '律师查询',
  '承检机构',
  '抽检监测',
  '科学素质',
  '立法工作计划',
  '平台经济',
];

/** Function words: never indexed, never searched. */
const STOP_WORDS = new Set(
  `的 了 和 与 及 或 在 是 对 把 被 从 向 于 为 以 其 之 等 并 由 将 就 都 也 还 又 而 则 但 如 若 即 这 那 这个 那个 这些 那些 此 该 个 吗 呢 吧 啊 呀 嘛 哦 么 我 我们 你 你们 您 他 她 它 他们 自己 咱 咱们 以及 或者 只 才 很 更 非常 比较`.split(/\s+/),
);

/** Words of a question that say it is a question, not what it is about. */
const QUESTION_WORDS = new Set(
  `请问 请 问 问问 想 想问 想要 要 需要 一下 知道 了解 告诉 怎么 怎么样 怎样 如何 怎么办 为什么 为何 什么 啥 哪 哪里 哪儿 哪些 哪个 多少 多久 几 几个 多长 多长时间 能 能否 能不能 可以 可不可以 是否 是不是 有没有 有 没有 会 会不会 应该 如果 现在 目前 您好 你好 谢谢 麻烦 帮 帮忙 给 让 去 来 到 办 弄 搞 呢 个人 我家 家里 一个 具体 规定 政策 相关 有关 关于 后 里 时 内 中 上 下 前`.split(/\s+/),
);

/** What callers add when they speak (啥, 咋, 得, 那边 …): says nothing about the matter asked. */
const SPOKEN_FILLERS = `啥 咋 咋办 咋整 咋样 咋处理 整 得 不 没 没有 一 一下子 事儿 事 那边 这边 那儿 这儿 那个 这个 啊 呗 哈 嘞 啦 咧 哟 俺 咱们 你们 我们 他们 人家 行不行 行 中 管不管 管 能给 给我 给你 老说 老是 一直 都 还 还能 接着 突然 好几个 偷着 逮着 点头 弄 些 啥样 啥时候 多长时间 多少天 几回 几次 几天 多少个 一共 这回 现在 是不是 算不算 算 能不能 可不可以 行吗 对吧 不行 那些 这些 东西`.split(/\s+/);
for (const w of SPOKEN_FILLERS) QUESTION_WORDS.add(w);

let jieba: Jieba | undefined;

/** The segmenter, loaded once (its dictionary takes a few hundred milliseconds). */
function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    jieba.loadDict(Buffer.from(DOMAIN_WORDS.map((w) => `${w} 50000`).join('\n'), 'utf8'));
  }
  return jieba;
}

const MEANINGFUL = /[\p{L}\p{N}]/u;
/** Only letters and digits reach the engines, so no token needs quoting beyond the basics. */
const CLEAN = /[^\p{L}\p{N}]/gu;
const SCRIPT_RUNS = /[a-z0-9\u00c0-\u024f]+|[^a-z0-9\u00c0-\u024f]+/g;

/**
 * A jieba token as indexed: lower case, letters and digits only, split where Chinese meets Latin
 * letters or digits (12345热线 → 12345 热线), so both engines' parsers see the same words.
 */
function keep(token: string, out: string[]): void {
  const t = token.toLowerCase().replace(CLEAN, '');
  if (!t || !MEANINGFUL.test(t)) return;
  for (const part of t.match(SCRIPT_RUNS) ?? []) if (!STOP_WORDS.has(part)) out.push(part);
}

/** The tokens of a text as they are indexed (search mode, with repetition). */
export function indexTokens(text: string): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const token of segmenter().cutForSearch(text, true)) keep(token, out);
  return out;
}

/** A text as stored for the full-text engines: its tokens joined by spaces. */
export function segmented(text: string): string {
  return indexTokens(text).join(' ');
}

/** The distinct tokens of a question (search mode), without its question words. */
export function questionTokens(question: string): string[] {
  return [...new Set(indexTokens(question).filter((t) => !QUESTION_WORDS.has(t)))];
}

/**
 * The words a question is about (precise mode, dictionary words only, without question words): what
 * an answer has to cover. 住房公积金贷款额度是多少 → 住房公积金 贷款 额度.
 */
export function questionWords(question: string): string[] {
  const out: string[] = [];
  for (const token of segmenter().cut(question, false)) keep(token, out);
  return [...new Set(out.filter((t) => !QUESTION_WORDS.has(t)))];
}

/** A word or phrase as the tokens that must all be present (precise mode): 住房公积金 → 住房 公积金. */
export function phraseTokens(phrase: string): string[] {
  let tokens = phrases.get(phrase);
  if (!tokens) {
    const out: string[] = [];
    for (const token of segmenter().cut(phrase, true)) keep(token, out);
    tokens = out.length ? [...new Set(out)] : questionTokens(phrase);
    if (phrases.size > 5000) phrases.clear();
    phrases.set(phrase, tokens);
  }
  return tokens;
}
const phrases = new Map<string, string[]>();

/** A text as jieba's words, punctuation included (precise mode, nothing dropped). */
export function cutWords(text: string): string[] {
  return segmenter().cut(text, true);
}

/** Makes sure the segmenter is loaded, so the first search is not the slow one. */
export function warmUp(): void {
  segmenter();
}

const HAN_RUN = /[\u3400-\u9fff]+|[a-z0-9]+/g;

/**
 * The character bigrams of a text (and its Latin/digit runs whole): the second field searched, which
 * finds a passage that shares a question's characters where the two are segmented apart (楼道灯 /
 * 楼道照明, 公积金贷款 / 贷公积金). A lone character counts as itself.
 */
export function charGrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.toLowerCase().match(HAN_RUN) ?? []) {
    if (!/[\u3400-\u9fff]/.test(run[0])) {
      out.push(run);
      continue;
    }
    if (run.length === 1) out.push(run);
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
}

/** The bigrams of a question worth searching: without those made only of question or function words. */
export function questionGrams(question: string): string[] {
  // The question's runs of words between its question and function words (怎么办, 请问, 的 …).
  const runs: string[] = [];
  let run = '';
  for (const token of segmenter().cut(question, false)) {
    const t = token.toLowerCase();
    if (QUESTION_WORDS.has(t) || STOP_WORDS.has(t) || !MEANINGFUL.test(t)) {
      if (run) runs.push(run);
      run = '';
    } else run += t;
  }
  if (run) runs.push(run);
  return [...new Set(charGrams(runs.join(' ')).filter((g) => g.length > 1))];
}
