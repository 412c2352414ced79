// Small pieces every knowledge-base page shows the same way: an article's status and validity, its
// source document, and the 限时录入 light with its due time.
import { Space, Tag, Tooltip, Typography } from 'antd';
import { LightBadge } from './LightBadge';
import { fmtTime } from './TicketRefData';
import { VALIDITY_LABELS } from './KbMeta';
import type { KbArticleSummary, KbEntry, KbSource } from './KbTypes';

const STATUS_COLORS: Record<string, string> = {
  draft: 'default',
  pending_approval: 'gold',
  pending_review: 'orange',
  published: 'green',
  withdrawn: 'default',
  expired: 'red',
};

export function KbStatusTag({ article }: { article: Pick<KbArticleSummary, 'status' | 'statusLabel'> }) {
  return (
    <Tag color={STATUS_COLORS[article.status] ?? 'default'} data-testid="kb-status" data-status={article.status}>
      {article.statusLabel}
    </Tag>
  );
}

/** 有效 / 尚未生效 / 已失效, with the dates in the tooltip. */
export function KbValidityTag({ article }: { article: Pick<KbArticleSummary, 'validity' | 'effectiveFrom' | 'expiresOn'> }) {
  const color = article.validity === 'current' ? 'blue' : article.validity === 'expired' ? 'red' : 'purple';
  return (
    <Tooltip title={`生效：${article.effectiveFrom ?? '未填写'}；失效：${article.expiresOn ?? '长期有效'}`}>
      <Tag color={color} data-validity={article.validity}>
        {VALIDITY_LABELS[article.validity] ?? article.validity}
      </Tag>
    </Tooltip>
  );
}

/** Table scroll width: the fixed columns plus room for the one without a width (the title), so a phone scrolls rather than squeezing it. */
export const scrollWidth = (columns: Array<{ width?: string | number }>, flexible = 260) => columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : 0), flexible);

/** 《标题》 文号 · 发文机关 · 发文日期, or a dash when the article cites no document. */
export function KbSourceText({ source }: { source: KbSource }) {
  const rest = [source.docNo, source.issuer, source.date].filter(Boolean);
  if (!source.title && !rest.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <span data-testid="kb-source">
      {source.title && `《${source.title.replace(/^《|》$/g, '')}》`}
      {rest.length > 0 && <Typography.Text type="secondary">{`${source.title ? ' ' : ''}${rest.join(' · ')}`}</Typography.Text>}
    </span>
  );
}

/** The 限时录入 light and due time; after publication, whether it was entered late. */
export function KbEntryLight({ entry, compact = false }: { entry: KbEntry | null | undefined; compact?: boolean }) {
  if (!entry) return <Typography.Text type="secondary">—</Typography.Text>;
  if (!entry.light) {
    return entry.late ? <Tag color="red">超期录入</Tag> : <Tag color="green">按期录入</Tag>;
  }
  return (
    <Space size={4} wrap data-testid="kb-entry" data-light={entry.light}>
      <LightBadge light={entry.light} showText={!compact} />
      <Typography.Text type={entry.light === 'red' ? 'danger' : undefined}>
        {compact ? fmtTime(entry.dueAt).slice(5) : `${fmtTime(entry.dueAt)} 前录入`}
      </Typography.Text>
      {entry.provisional && (
        <Tooltip title="所在年份尚无节假日数据，时限按周一至周五暂算">
          <Tag color="gold">暂算</Tag>
        </Tooltip>
      )}
    </Space>
  );
}
