// The intake desk's 知识库 panel: as the agent types the facts, the smart answer for them (第十八条–
// 第二十一条). "采用" opens the direct-answer dialog with the reply filled in and the article recorded;
// below the confidence threshold the panel says it does not know instead of offering a guess.
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App as AntApp, Button, Card, Empty, Input, List, Modal, Progress, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { ApiError, api, qs } from '../api';
import { KbHighlight } from './KbHighlight';
import { useDebounced } from './useDebounced';

/** The smart answer and its passages (GET /kb/answer), as the server declares them. */
import type { AnswerPassage as KbAnswerPassage, SmartAnswer as KbAnswer } from '../../../src/knowledge/contract.ts';

/** What the agent chose to answer with: the reply text and the article it cites. */
export interface KbChoice {
  articleId: number;
  title: string;
  reply: string;
}

/** The search takes at most 200 characters; the start of the facts says what the call is about. */
const MAX_QUESTION = 200;
const MIN_QUESTION = 4;

const percent = (x: number) => Math.round(x * 100);

function sourceLine(p: KbAnswerPassage): string {
  return [p.source.issuer, p.source.docNo, p.source.date].filter(Boolean).join(' · ');
}

export function IntakeKnowledgeBase(props: { facts: string | undefined; onUse(choice: KbChoice): void }) {
  const question = useDebounced((props.facts ?? '').trim().slice(0, MAX_QUESTION), 450);
  const [answer, setAnswer] = useState<KbAnswer | null>(null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const [reporting, setReporting] = useState<KbAnswerPassage | null>(null);

  useEffect(() => {
    if (question.replace(/\s/g, '').length < MIN_QUESTION) {
      setAnswer(null);
      setFailed(false);
      return;
    }
    let live = true;
    setLoading(true);
    api<KbAnswer>(`/kb/answer${qs({ q: question })}`)
      .then((r) => {
        if (!live) return;
        setAnswer(r);
        setFailed(false);
      })
      .catch(() => live && setFailed(true))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [question]);

  const best = answer?.known ? answer.passages[0] : undefined;
  const others = answer ? answer.passages.filter((p) => p !== best) : [];

  return (
    <Card
      size="small"
      title="知识库"
      data-testid="intake-kb"
      role="region"
      aria-label="知识库"
      extra={
        <Space size={8}>
          {loading && <Spin size="small" />}
          {question.length >= MIN_QUESTION && (
            <Link to={`/kb${qs({ q: question })}`} target="_blank" rel="noopener">
              在知识库中检索
            </Link>
          )}
        </Space>
      }
      styles={{ body: { maxHeight: 520, overflowY: 'auto' } }}
    >
      {failed ? (
        <Typography.Text type="danger">知识库暂时无法检索，请稍后重试</Typography.Text>
      ) : !answer ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="输入诉求内容后显示相关政策与答复口径" style={{ margin: '8px 0' }} />
      ) : (
        <Space direction="vertical" size={8} style={{ width: '100%' }}>
          {best ? (
            <div data-testid="intake-kb-answer" style={{ border: '1px solid #b7eb8f', background: '#f6ffed', borderRadius: 6, padding: '8px 10px' }}>
              <Space size={6} wrap style={{ marginBottom: 4 }}>
                <Typography.Text strong>建议答复口径</Typography.Text>
                <Tooltip title={`问题要点被该段落覆盖的比例；低于 ${percent(answer.threshold)}% 时不给出答复`}>
                  <Tag color="green" data-testid="intake-kb-confidence">
                    匹配度 {percent(answer.confidence)}%
                  </Tag>
                </Tooltip>
                {!best.valid && <Tag color="red">不在有效期内</Tag>}
              </Space>
              <Typography.Paragraph style={{ margin: '0 0 6px' }}>{best.reply}</Typography.Paragraph>
{sourceLine(best) && (
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                  来源：{sourceLine(best)}
                  {best.heading ? ` · ${best.heading}` : ''}
                </Typography.Text>
              )}
              <Space style={{ marginTop: 6 }}>
                <Button type="primary" size="small" onClick={() => props.onUse({ articleId: best.articleId, title: best.title, reply: best.reply })}>
                  采用此答复
                </Button>
                <Link to={`/kb/articles/${best.articleId}`} target="_blank" rel="noopener">
                  查看原文
                </Link>
                <Button type="link" size="small" onClick={() => setReporting(best)}>
                  纠错
                </Button>
              </Space>
            </div>
          ) : (
            <Alert type="warning" showIcon data-testid="intake-kb-unknown" message={answer.message} style={{ padding: '6px 10px' }} />
          )}
          {others.length > 0 && (
            <List
              size="small"
              header={<Typography.Text type="secondary">{best ? '其他相关内容' : '相关内容（仅供参考，匹配度不足）'}</Typography.Text>}
              dataSource={others}
              renderItem={(p) => (
                <List.Item key={`${p.articleId}-${p.seq}`} style={{ display: 'block', padding: '6px 0' }} data-article={p.articleId}>
                  <Space size={6} wrap>
                    <Link to={`/kb/articles/${p.articleId}`} target="_blank" rel="noopener" style={{ fontWeight: 500 }}>
                      {p.title}
                    </Link>
                    {p.heading && <Typography.Text type="secondary">{p.heading}</Typography.Text>}
                    <Tag>{p.kindLabel}</Tag>
                    {!p.valid && <Tag color="red">不在有效期内</Tag>}
                  </Space>
                  <Progress percent={percent(p.confidence)} size="small" showInfo={false} strokeColor={p.confidence >= answer.threshold ? '#52c41a' : '#faad14'} style={{ margin: '2px 0', width: 120 }} />
                  <Typography.Paragraph style={{ margin: '2px 0', fontSize: 13 }}>
                    <KbHighlight snippet={p.snippet} />
                  </Typography.Paragraph>
                  <Space size={4}>
                    {p.valid && p.confidence >= answer.threshold && (
                      <Button size="small" onClick={() => props.onUse({ articleId: p.articleId, title: p.title, reply: p.reply })}>
                        采用
                      </Button>
                    )}
                    <Button type="link" size="small" onClick={() => setReporting(p)}>
                      纠错
                    </Button>
                  </Space>
                </List.Item>
              )}
            />
          )}
        </Space>
      )}
      <KbReportModal passage={reporting} onClose={() => setReporting(null)} />
    </Card>
  );
}

/** 纠错: the agent tells the owning unit what is wrong or outdated in a passage. */
function KbReportModal({ passage, onClose }: { passage: KbAnswerPassage | null; onClose(): void }) {
  const { message } = AntApp.useApp();
  const [content, setContent] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setContent('');
    setError(null);
  }, [passage]);
  const send = async () => {
    if (!passage) return;
    if (!content.trim()) {
      setError('请填写纠错内容');
      return;
    }
    setBusy(true);
    try {
      await api(`/kb/articles/${passage.articleId}/reports`, { body: { content: content.trim(), passageSeq: passage.seq } });
      message.success(`已提交纠错，转${passage.unit?.name ?? '所属单位'}处理`);
      onClose();
    } catch (e) {
      setError(e instanceof ApiError ? e.problem.errors?.map((x) => x.message).join('；') || e.problem.title : '网络异常，请重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="知识纠错" open={!!passage} onCancel={onClose} onOk={() => void send()} okText="提交" cancelText="取消" confirmLoading={busy} destroyOnHidden>
      {passage && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          《{passage.title}》{passage.heading ? ` · ${passage.heading}` : ''}，将转{passage.unit?.name ?? '所属单位'}核实修正。
        </Typography.Paragraph>
      )}
      <Input.TextArea
        aria-label="纠错内容"
        autoFocus
        rows={4}
        maxLength={2000}
        showCount
        value={content}
        status={error ? 'error' : undefined}
        onChange={(e) => setContent(e.target.value)}
        placeholder="哪里有误或已过时，正确的内容是什么"
      />
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Modal>
  );
}
