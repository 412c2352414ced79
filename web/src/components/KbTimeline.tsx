// 流转记录 of an article: who did what and when (from the audit log), with the state it moved to and
// the note, reason or changed fields the step recorded.
import { Card, Empty, Timeline, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { ROLE_LABELS } from '../labels';
import { fmtTime } from './TicketRefData';
import { useKbMeta } from './KbMeta';
import type { KbEvent } from './KbTypes';

const small = { fontSize: 12 };

/** Names of the fields a 修改 event lists in `detail.changed`. */
const CHANGED_LABELS: Record<string, string> = {
  kind: '知识类别',
  title: '标题',
  unit: '所属单位',
  category: '诉求分类',
  source: '依据文件',
  effectiveFrom: '生效日期',
  expiresOn: '失效日期',
  entryRequired: '限时录入',
  body: '正文',
};

function details(e: KbEvent): string[] {
  const d = e.detail ?? {};
  const out: string[] = [];
  if (d.approve === true || d.pass === true) out.push('同意');
  if (d.approve === false || d.pass === false) out.push('退回修改');
  if (d.approvedBySubmitter) out.push('负责人提交，视为已审核');
  if (typeof d.reason === 'string') out.push(`理由：${d.reason}`);
  if (typeof d.note === 'string') out.push(`说明：${d.note}`);
  if (Array.isArray(d.changed) && d.changed.length) out.push(`修改了${d.changed.map((c) => CHANGED_LABELS[String(c)] ?? String(c)).join('、')}`);
  if (typeof d.passageSeq === 'number') out.push(`第 ${d.passageSeq + 1} 段`);
  return out;
}

export function KbTimeline({ events }: { events: KbEvent[] }) {
  const meta = useKbMeta();
  return (
    <Card size="small" title="流转记录" role="region" aria-label="流转记录">
      <div data-testid="kb-timeline">
        {events.length ? (
          <Timeline
            style={{ marginTop: 8 }}
            items={events.map((e) => {
              const changed = e.fromStatus !== e.toStatus;
              const extra = details(e);
              return {
                key: e.id,
                color: e.action === 'kb_report' ? 'red' : changed ? 'blue' : 'green',
                children: (
                  <div data-event={e.action}>
                    <div>
                      <Typography.Text strong>{e.actionLabel}</Typography.Text>{' '}
                      <Typography.Text type="secondary" style={small}>
                        {fmtTime(e.at)}
                      </Typography.Text>
                    </div>
                    <div style={small}>
                      {e.actor.name}
                      {e.actor.role ? `（${ROLE_LABELS[e.actor.role] ?? e.actor.role}${e.actor.unit ? ` · ${e.actor.unit.name}` : ''}）` : ''}
                    </div>
                    {e.toStatus && changed && (
                      <div style={small}>
                        {e.fromStatus ? `${meta.status(e.fromStatus)} → ` : ''}
                        {meta.status(e.toStatus)}
                      </div>
                    )}
                    {typeof e.detail?.ticketNo === 'string' && (
                      <div style={small}>
                        工单 <Link to={`/tickets/${e.detail.ticketNo}`}>{e.detail.ticketNo}</Link>
                      </div>
                    )}
                    {extra.length > 0 && (
                      <div style={small}>
                        <Typography.Text type="secondary">{extra.join(' · ')}</Typography.Text>
                      </div>
                    )}
                  </div>
                ),
              };
            })}
          />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无记录" />
        )}
      </div>
    </Card>
  );
}
