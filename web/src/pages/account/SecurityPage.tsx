// 账户安全: changing the password (./PasswordForm.tsx), the user's own two-step login (enrol with a QR code and a first code, recovery codes,
// disable with a code) and the sessions on other devices. The secret is shown only while enrolling.
import { useCallback, useEffect, useState } from 'react';
import { App, Alert, Button, Card, Descriptions, Form, Input, QRCode, Space, Tag, Typography } from 'antd';
import { api } from '../../api';
import { RecoveryCodes } from '../../components/RecoveryCodes';
import { PasswordForm } from './PasswordForm';

interface TotpStatus {
  enabled: boolean;
  pending: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

function CodeForm({ label, onCode, busy, testId }: { label: string; onCode: (code: string) => Promise<void>; busy: boolean; testId: string }) {
  const [form] = Form.useForm<{ code: string }>();
  return (
    <Form
      form={form}
      layout="inline"
      data-testid={testId}
      onFinish={async (v) => {
        await onCode(v.code);
        form.resetFields();
      }}
    >
      <Form.Item name="code" rules={[{ required: true, message: '请输入验证码' }]}>
        <Input placeholder="6 位验证码" autoComplete="one-time-code" maxLength={20} style={{ width: 160 }} aria-label="验证码" />
      </Form.Item>
      <Button htmlType="submit" type="primary" loading={busy}>
        {label}
      </Button>
    </Form>
  );
}

export default function SecurityPage() {
  const { message } = App.useApp();
  const [status, setStatus] = useState<TotpStatus | null>(null);
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => setStatus(await api<TotpStatus>('/auth/totp')), []);
  useEffect(() => {
    void load().catch((e: Error) => setError(e.message));
  }, [load]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%', maxWidth: 760 }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        账户安全
      </Typography.Title>
      {error && <Alert type="error" showIcon message={error} closable onClose={() => setError(null)} />}
      <Card size="small" title="两步验证（动态验证码）">
        {status && (
          <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
            <Descriptions.Item label="状态">
              <span data-testid="totp-status">{status.enabled ? <Tag color="green">已启用</Tag> : <Tag>未启用</Tag>}</span>
              {status.required && <Tag color="orange">管理员须启用</Tag>}
            </Descriptions.Item>
            {status.enabled && <Descriptions.Item label="剩余恢复码">{status.recoveryCodesLeft} 个</Descriptions.Item>}
          </Descriptions>
        )}
        {codes && (
          <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }}>
            <Alert type="success" showIcon message="请妥善保存以下恢复码：手机丢失时，每个恢复码可代替验证码登录一次。此后不再显示。" />
            <RecoveryCodes codes={codes} />
          </Space>
        )}
        {status && !status.enabled && !enrolment && (
          <Button type="primary" loading={busy} onClick={() => run(async () => setEnrolment(await api('/auth/totp/enrol', { body: {} })))}>
            启用两步验证
          </Button>
        )}
        {status && !status.enabled && enrolment && (
          <Space direction="vertical" data-testid="totp-enrolment">
            <Typography.Text>用手机验证器扫描二维码（或手动输入密钥），再输入它显示的 6 位数字确认：</Typography.Text>
            <QRCode value={enrolment.otpauthUri} size={168} bordered={false} />
            <Typography.Text code copyable data-testid="totp-secret">
              {enrolment.secret}
            </Typography.Text>
            <CodeForm
              label="确认启用"
              testId="totp-confirm"
              busy={busy}
              onCode={(code) =>
                run(async () => {
                  const res = await api<{ recoveryCodes: string[] }>('/auth/totp/confirm', { body: { code } });
                  setEnrolment(null);
                  setCodes(res.recoveryCodes);
                  message.success('两步验证已启用');
                })
              }
            />
          </Space>
        )}
        {status?.enabled && (
          <Space direction="vertical">
            <Typography.Text type="secondary">重新生成恢复码（旧恢复码作废）：</Typography.Text>
            <CodeForm label="重新生成" testId="totp-renew" busy={busy} onCode={(code) => run(async () => setCodes((await api<{ recoveryCodes: string[] }>('/auth/totp/recovery-codes', { body: { code } })).recoveryCodes))} />
            {!status.required && (
              <>
                <Typography.Text type="secondary">停用两步验证（输入验证码或恢复码）：</Typography.Text>
                <CodeForm
                  label="停用"
                  testId="totp-disable"
                  busy={busy}
                  onCode={(code) =>
                    run(async () => {
                      await api('/auth/totp/disable', { body: { code } });
                      setCodes(null);
                      message.success('两步验证已停用');
                    })
                  }
                />
              </>
            )}
          </Space>
        )}
      </Card>
      <Card size="small" title="修改密码">
        <PasswordForm onChanged={(n) => message.success(n ? `密码已修改，其他设备上的 ${n} 个会话已退出` : '密码已修改')} />
      </Card>
      <Card size="small" title="登录会话">
        <Space direction="vertical">
          <Typography.Text type="secondary">在其他电脑或浏览器上登录过、未退出的会话，可在此一并退出（本会话保留）。</Typography.Text>
          <Button
            loading={busy}
            data-testid="revoke-others"
            onClick={() =>
              run(async () => {
                const res = await api<{ revokedSessions: number }>('/auth/sessions/revoke-others', { body: {} });
                message.success(`已退出其他 ${res.revokedSessions} 个会话`);
              })
            }
          >
            退出其他设备上的会话
          </Button>
        </Space>
      </Card>
    </Space>
  );
}
