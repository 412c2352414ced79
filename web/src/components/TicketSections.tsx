// The parts of the ticket page below its header: duties, submissions, unit requests, callbacks and the
// timeline. Each renders what the API gives and nothing more.
import { TimeLeft } from './ListColumns';
import { Link } from 'react-router-dom';
import { Card, Empty, List, Space, Table, Tag, Timeline, Tooltip, Typography } from 'antd';
import { LightBadge } from './LightBadge';
import { PaperClipOutlined } from '@ant-design/icons';
import { DECLINE_REASONS, DUTY_KIND_LABELS, PARTY_LABELS, ROLE_LABELS, SATISFACTION_LABELS, STATUS_LABELS } from '../labels';
import type { Duty, TicketDetail, TicketEvent } from '../types';
import {
  APPROVAL_LABELS,
  DUTY_STATUS_LABELS,
  EMERGENCY_LINE_LABELS,
  LINK_KIND_LABELS,
  REQUEST_KIND_LABELS,
  REQUEST_STATUS_LABELS,
  SPECIAL_LABELS,
  SUBMISSION_KIND_LABELS,
  fmtTime,
  useUnits,
} from './TicketRefData';

const small = { fontSize: 12 };

const fileSize = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** "2026-11-24T00:36:00+08:00" → "11-24 00:36" (the full instant is in the cell's title). */
const shortTime = (iso: string | null) => (iso ? iso.slice(5, 16).replace('T', ' ') : '—');

export function TicketDuties({ duties, round }: { duties: Duty[]; round: number }) {
  const sorted = [...duties].sort((a, b) => b.round - a.round || a.id - b.id);
  return (
    <Card size="small" title="办理职责与时限" role="region" aria-label="办理职责与时限" styles={{ body: { padding: 0 } }}>
      <Table<Duty>
        size="small"
        rowKey="id"
        dataSource={sorted}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未派单" /> }}
        rowClassName={(d) => (d.round === round ? '' : 'ticket-duty-old-round')}
        onRow={(d) => ({ style: d.round === round ? undefined : { color: '#999' } })}
        columns={[
          {
            title: '单位',
            key: 'unit',
            render: (_, d) => (
              <span>
                {d.unit?.name ?? '—'}
                {d.handlerUnit && d.handlerUnit.code !== d.unit?.code && (
                  <div style={small}>
                    <Typography.Text type="secondary">转 {d.handlerUnit.name} 承办</Typography.Text>
                  </div>
                )}
              </span>
            ),
          },
          { title: '主/协', key: 'party', render: (_, d) => PARTY_LABELS[d.party] ?? d.party },
          { title: '事项', key: 'kind', render: (_, d) => DUTY_KIND_LABELS[d.kind] ?? d.kind },
          { title: '轮次', dataIndex: 'round', align: 'center' },
          {
            title: '时限',
            key: 'limit',
            render: (_, d) => (
              <span>
                {d.limit}
                {d.extensions > 0 && <div style={small}>延期 {d.extensions} 次</div>}
              </span>
            ),
          },
          {
            title: '开始 / 截止',
            key: 'time',
            render: (_, d) => (
              <span style={{ whiteSpace: 'nowrap' }}>
                <Typography.Text type="secondary" style={small} title={`开始 ${fmtTime(d.startedAt)}`}>
                  {shortTime(d.startedAt)}
                </Typography.Text>
                <div title={`截止 ${fmtTime(d.dueAt)}`}>{shortTime(d.dueAt)}</div>
                {d.status === 'open' && (
                  <div style={small}>
                    <TimeLeft dueAt={d.dueAt} light={d.light} />
                  </div>
                )}
              </span>
            ),
          },
          {
            title: '状态',
            key: 'status',
            render: (_, d) => (
              <span style={{ whiteSpace: 'nowrap' }}>
                {DUTY_STATUS_LABELS[d.status] ?? d.status}
                {d.completedAt && (
                  <div style={small} title={`完成 ${fmtTime(d.completedAt)}`}>
                    {shortTime(d.completedAt)}
                  </div>
                )}
              </span>
            ),
          },
          { title: '超期', key: 'late', render: (_, d) => (d.late ? <Tag color="red">超期</Tag> : '—') },
          { title: '红黄灯', key: 'light', render: (_, d) => <LightBadge light={d.light} /> },
          { title: '暂定', key: 'provisional', render: (_, d) => (d.provisional ? <Tooltip title="所在年份尚无节假日数据，时限暂按周一至周五计算"><Tag color="gold">暂定</Tag></Tooltip> : '—') },
        ]}
      />
    </Card>
  );
}

export function TicketSubmissions({ submissions }: { submissions: TicketDetail['submissions'] }) {
  if (!submissions.length) return null;
  return (
    <Card size="small" title="答复与意见" role="region" aria-label="答复与意见">
      <List
        size="small"
        dataSource={[...submissions].reverse()}
        renderItem={(s, i) => (
          <List.Item key={i} style={{ display: 'block' }}>
            <Space wrap size={[8, 2]}>
              <Tag color={s.kind === 'decline' ? 'volcano' : s.kind === 'reply' || s.kind === 'direct_answer' ? 'blue' : 'default'}>{SUBMISSION_KIND_LABELS[s.kind] ?? s.kind}</Tag>
              <span>{s.unit?.name}</span>
              <Typography.Text type="secondary">第 {s.round} 轮 · {fmtTime(s.createdAt)}</Typography.Text>
              {APPROVAL_LABELS[s.approval] && <Tag color={s.approval === 'pending' ? 'gold' : s.approval === 'rejected' ? 'red' : 'green'}>{APPROVAL_LABELS[s.approval]}</Tag>}
            </Space>
            {s.kind === 'decline' && s.reasonCode && (
              <div style={small}>
                <Typography.Text type="secondary">
                  第十七条（{s.reasonCode.split('.')[1]}）{DECLINE_REASONS[s.reasonCode] ?? ''}
                </Typography.Text>
              </div>
            )}
            {s.article && (
              <div style={small} data-testid="submission-article">
                <Typography.Text type="secondary">依据知识：</Typography.Text>
                <Link to={`/kb/articles/${s.article.id}`}>《{s.article.title}》</Link>
              </div>
            )}
            <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>{s.content}</Typography.Paragraph>
            {!!s.attachments?.length && (
              <div style={small} data-testid="submission-attachments">
                <Typography.Text type="secondary">附件：</Typography.Text>
                <Space wrap size={[12, 2]}>
                  {s.attachments.map((a) => (
                    <a key={a.id} href={a.url} download={a.name}>
                      <PaperClipOutlined /> {a.name}（{fileSize(a.size)}）
                    </a>
                  ))}
                </Space>
              </div>
            )}
          </List.Item>
        )}
      />
    </Card>
  );
}

export function TicketRequests({ requests }: { requests: TicketDetail['requests'] }) {
  if (!requests.length) return null;
  return (
    <Card size="small" title="退单、异议与延期" role="region" aria-label="退单、异议与延期">
      <List
        size="small"
        dataSource={[...requests].reverse()}
        renderItem={(r, i) => (
          <List.Item key={i} style={{ display: 'block' }}>
            <Space wrap size={[8, 2]}>
              <Tag color={r.kind === 'extension' ? 'blue' : 'volcano'}>{REQUEST_KIND_LABELS[r.kind] ?? r.kind}</Tag>
              <span>{r.unit?.name}</span>
              <Tag color={r.status === 'pending' ? 'gold' : r.status === 'approved' ? 'green' : 'default'}>{REQUEST_STATUS_LABELS[r.status] ?? r.status}</Tag>
              {r.late && <Tag color="red">超期退回</Tag>}
              {r.improper && <Tag color="red">不当退单</Tag>}
              <Typography.Text type="secondary">{fmtTime(r.requestedAt)}</Typography.Text>
            </Space>
            <div style={{ marginTop: 4 }}>
              {r.amount != null && <div>延期 {r.amount} 个工作日</div>}
              <div>理由：{r.reason}</div>
              {r.basis && <div>依据：{r.basis}</div>}
              {r.suggestedUnit && <div>建议承办单位：{r.suggestedUnit.name}</div>}
              {r.signedBy && <div>负责人签字：{r.signedBy}</div>}
              {r.decidedAt && (
                <div>
                  <Typography.Text type="secondary">
                    {fmtTime(r.decidedAt)} 处理{r.designatedUnit ? `，指定 ${r.designatedUnit.name}` : ''}
                    {r.decisionNote ? `：${r.decisionNote}` : ''}
                  </Typography.Text>
                </div>
              )}
            </div>
          </List.Item>
        )}
      />
    </Card>
  );
}

export function TicketCallbacks({ callbacks }: { callbacks: TicketDetail['callbacks'] }) {
  if (!callbacks.length) return null;
  return (
    <Card size="small" title="回访记录" role="region" aria-label="回访记录">
      <List
        size="small"
        dataSource={[...callbacks].reverse()}
        renderItem={(c, i) => (
          <List.Item key={i} style={{ display: 'block' }}>
            <Space wrap size={[8, 2]}>
              <Typography.Text type="secondary">第 {c.round} 轮 · {fmtTime(c.createdAt)}</Typography.Text>
              {c.reached ? <Tag color="blue">已联系上</Tag> : <Tag>未联系上</Tag>}
              {c.satisfaction && (
                <Tag color={c.satisfaction === 'unsatisfied' || c.satisfaction === 'very_unsatisfied' ? 'red' : 'green'}>{SATISFACTION_LABELS[c.satisfaction] ?? c.satisfaction}</Tag>
              )}
              {c.reasonable != null && <Tag color={c.reasonable ? 'orange' : 'default'}>{c.reasonable ? '诉求合理（再次办理）' : '诉求不合理'}</Tag>}
            </Space>
            {c.words && <Typography.Paragraph style={{ margin: '4px 0 0' }}>诉求人原话：{c.words}</Typography.Paragraph>}
          </List.Item>
        )}
      />
    </Card>
  );
}

/** A few details of an event worth a line: codes and flags only (the audit log holds no personal data). */
function eventDetail(e: TicketEvent, unitName: (code: string) => string): string[] {
  const d = e.detail ?? {};
  const out: string[] = [];
  if (typeof d.lead === 'string' && e.action !== 'intake') out.push(`主办：${unitName(d.lead)}`);
  if (Array.isArray(d.co) && d.co.length) out.push(`协办：${d.co.map((c) => unitName(String(c))).join('、')}`);
  if (typeof d.to === 'string') out.push(`转 ${unitName(d.to)}`);
  if (typeof d.suggested === 'string') out.push(`建议 ${unitName(d.suggested)}`);
  if (d.late === true || d.signLate === true) out.push('超期');
  if (typeof d.reason === 'string' && e.action === 'reveal_contact') out.push(`查看原因：${d.reason}`);
  if (typeof d.satisfaction === 'string') out.push(SATISFACTION_LABELS[d.satisfaction] ?? d.satisfaction);
  if (d.reasonable === true) out.push('诉求合理');
  if (d.reasonable === false) out.push('诉求不合理');
  if (typeof d.amount === 'number') out.push(`${d.amount} 个工作日`);
  if (d.approve === true) out.push('同意');
  if (d.approve === false) out.push('不同意');
  if (d.accept === true) out.push('同意退单');
  if (d.accept === false) out.push('不同意退单');
  if (d.pass === true) out.push('审核通过');
  if (d.pass === false) out.push('审核不通过');
  if (d.upheld === true) out.push('异议成立');
  if (d.upheld === false) out.push('异议不成立');
  if (d.reached === false) out.push('未联系上');
  if (typeof d.level === 'string') out.push(SPECIAL_LABELS[d.level] ?? d.level);
  if (typeof d.line === 'string') out.push(EMERGENCY_LINE_LABELS[d.line] ?? d.line);
  if (typeof d.reasonCode === 'string') out.push(`理由条款 ${d.reasonCode}`);
  if (typeof d.into === 'string') out.push(`并入 ${d.into}`);
  if (typeof d.from === 'string' && e.action === 'merged_in') out.push(`来自 ${d.from}`);
  if (d.supervised === true) out.push('督办');
  if (e.action === 'assign' && e.assignee) out.push(`承办人：${e.assignee}${e.previousAssignee ? `（原：${e.previousAssignee}）` : ''}${d.self === true ? ' · 本人承办' : ''}`);
  return out;
}

/** Events of the ticket moved to the audit archive (older than `before`), no longer listed. */
export type TimelineArchived = { count: number; before: string } | null;

export function TicketTimeline({ events, archived = null }: { events: TicketEvent[]; archived?: TimelineArchived }) {
  const units = useUnits();
  const unitName = (code: string) => units.find((u) => u.code === code)?.name ?? code;
  return (
    <Card size="small" title="流转记录" role="region" aria-label="流转记录">
      <div data-testid="ticket-timeline">
        {archived && (
          <Typography.Text type="secondary" style={small} data-testid="timeline-archived">
            {archived.count} 条早于 {archived.before}-01 的记录已归档
          </Typography.Text>
        )}
        {events.length ? (
          <Timeline
            style={{ marginTop: 8 }}
            items={events.map((e) => {
              const details = eventDetail(e, unitName);
              const changed = e.fromStatus !== e.toStatus;
              return {
                key: e.id,
                color: e.action === 'reveal_contact' ? 'gray' : e.action === 'note' ? 'orange' : changed ? 'blue' : 'green',
                children: (
                  <div data-event={e.action}>
                    <div>
                      <Typography.Text strong>{e.actionLabel}</Typography.Text>{' '}
                      {e.internal && e.action === 'note' && <Tag color="orange" data-testid="internal-note-tag">仅内部可见</Tag>}
                      <Typography.Text type="secondary" style={small}>
                        {fmtTime(e.at)}
                      </Typography.Text>
                    </div>
                    <div style={small}>
                      {e.actor.name}
                      {e.actor.role ? `（${ROLE_LABELS[e.actor.role] ?? e.actor.role}${e.actor.unit ? ` · ${e.actor.unit.name}` : ''}）` : ''}
                    </div>
                    {/* Only ticket states: 差评 reviews and 督办 log their own states, named by the action. */}
                    {!e.internal && e.toStatus && STATUS_LABELS[e.toStatus] && (
                      <div style={small}>
                        {e.fromStatus && changed ? `${STATUS_LABELS[e.fromStatus] ?? e.fromStatus} → ` : ''}
                        {STATUS_LABELS[e.toStatus] ?? e.toStatus}
                      </div>
                    )}
                    {details.length > 0 && (
                      <div style={small}>
                        <Typography.Text type="secondary">{details.join(' · ')}</Typography.Text>
                      </div>
                    )}
                    {e.action === 'note' && e.note && (
                      <Typography.Paragraph data-testid="internal-note" style={{ margin: '4px 0 0', padding: '4px 8px', background: '#fff7e6', borderLeft: '3px solid #fa8c16', whiteSpace: 'pre-wrap' }}>
                        {e.note}
                      </Typography.Paragraph>
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

export function TicketLinks({ links }: { links: TicketDetail['links'] }) {
  if (!links.length) return <>—</>;
  return (
    <Space wrap size={[8, 4]}>
      {links.map((l) => (
        <span key={`${l.kind}-${l.no}`}>
          <Typography.Text type="secondary">{LINK_KIND_LABELS[l.kind] ?? l.kind}</Typography.Text> <Link to={`/tickets/${l.no}`}>{l.no}</Link>{' '}
          <Tag>{STATUS_LABELS[l.status] ?? l.status}</Tag>
        </span>
      ))}
    </Space>
  );
}
