// 登录: the password, then, for an account with two-step login, the code from the authenticator app
// (or a recovery code). An admin who must use codes and has not enrolled scans the QR code here
// first and is shown the recovery codes once, before entering the console.
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, QRCode, Space, Typography } from 'antd';
import { useAuth, type SecondStep } from '../auth';
import { HOME_OF } from '../labels';
import type { CurrentUser } from '../types';
import { RecoveryCodes } from '../components/RecoveryCodes';

export function LoginPage() {
  const { login, submitCode, signedIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [second, setSecond] = useState<SecondStep | null>(null);
  const [codesFor, setCodesFor] = useState<{ user: CurrentUser; codes: string[] } | null>(null);

  const enter = (user: CurrentUser) => {
    signedIn(user);
    const from = (location.state as { from?: string } | null)?.from;
    navigate(from && from !== '/login' ? from : HOME_OF[user.role], { replace: true });
  };
  const attempt = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (codesFor) {
    body = (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="success" showIcon message="两步验证已启用" description="请妥善保存以下恢复码：手机丢失时，每个恢复码可代替验证码登录一次。此后不再显示。" />
        <RecoveryCodes codes={codesFor.codes} />
        <Button type="primary" block onClick={() => enter(codesFor.user)}>
          已保存，进入系统
        </Button>
      </Space>
    );
  } else if (second) {
    body = (
      <Form
        layout="vertical"
        onFinish={(v: { code: string }) =>
          attempt(async () => {
            const res = await submitCode(second.challenge, v.code);
            if (res.recoveryCodes) setCodesFor({ user: res.user, codes: res.recoveryCodes });
            else enter(res.user);
          })
        }
      >
        {second.enrolment && (
          <Space direction="vertical" align="center" style={{ width: '100%', marginBottom: 12 }} data-testid="totp-enrolment">
            <Typography.Text>本账户须启用两步验证：请用手机验证器（如 Microsoft Authenticator、Google 身份验证器）扫描二维码，或手动输入密钥。</Typography.Text>
            <QRCode value={second.enrolment.otpauthUri} size={168} bordered={false} />
            <Typography.Text code copyable data-testid="totp-secret">
              {second.enrolment.secret}
            </Typography.Text>
          </Space>
        )}
        <Form.Item name="code" label="动态验证码" extra={second.enrolment ? '输入验证器显示的 6 位数字' : '输入验证器显示的 6 位数字，或一个恢复码'} rules={[{ required: true, message: '请输入验证码' }]}>
          <Input autoFocus autoComplete="one-time-code" inputMode={second.enrolment ? 'numeric' : 'text'} maxLength={20} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          验证
        </Button>
        <Button type="link" block onClick={() => setSecond(null)}>
          返回重新登录
        </Button>
      </Form>
    );
  } else {
    body = (
      <Form
        layout="vertical"
        onFinish={(v: { username: string; password: string }) =>
          attempt(async () => {
            const res = await login(v.username, v.password);
            if ('user' in res) enter(res.user);
            else setSecond(res);
          })
        }
      >
        <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
          <Input autoFocus autoComplete="username" />
        </Form.Item>
        <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          登录
        </Button>
      </Form>
    );
  }

  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f4fa', padding: 16 }}>
      <Card style={{ width: 380, maxWidth: '100%' }}>
        <Typography.Title level={3} style={{ textAlign: 'center' }}>
          12345 政务服务便民热线
        </Typography.Title>
        {error && <Alert type="error" message={error} showIcon style={{ marginBottom: 16 }} />}
        {body}
      </Card>
    </div>
  );
}
