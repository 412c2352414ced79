// The time-limit table of a city as Markdown, rendered from its config: docs/reference/time-limits.md
// is this text for Mudanjiang (scripts/limits-doc.ts writes it; src/config/city-config.test.ts
// checks the committed page is what the config gives).
import { LIMIT_KEYS, describeLimit } from '../domain/time-limits.ts';
import { LIMIT_LABELS } from './limit-labels.ts';
import type { CityConfig } from './city.ts';


export function limitsTable(city: CityConfig): string {
  const rows = LIMIT_KEYS.map((key) => `| \`${key}\` | ${LIMIT_LABELS[key].group}：${LIMIT_LABELS[key].label} | ${describeLimit(city.limits[key])} | ${LIMIT_LABELS[key].basis} |`);
  const overrides = city.categories
    .filter((c) => c.replyLimit)
    .map((c) => `| \`category:${c.code}\` | ${c.name}（法定时限，优先于类型时限） | ${describeLimit(c.replyLimit!)} | ${c.legalBasis ? c.legalBasis.slice(0, c.legalBasis.indexOf('》') + 1) || '法律法规' : '法律法规'} |`);
  return [
    `# 时限表（${city.name}）`,
    '',
    `由 \`src/config/cities/\` 中${city.name}的配置生成（\`node bin/run-ts.js scripts/limits-doc.ts\`），请勿手改；`,
    '改时限只改配置，期限计算、短信文字、演示知识库文章和本页随之改变。工作日自起算时刻次日起算，至第 N 个工作日 24:00 止。',
    '',
    '| 键 | 事项 | 时限 | 依据 |',
    '|---|---|---|---|',
    ...rows,
    ...overrides,
    '',
  ].join('\n');
}
