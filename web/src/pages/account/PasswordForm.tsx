// 修改密码: the current password, the new one twice. The server checks the city's password policy
// and answers a Chinese message naming the field, shown under that field.
import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { api, ApiError } from '../../api';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function PasswordForm({ onChanged, currentLabel = '当前密码' }: { onChanged: (revokedSessions: number) => void; currentLabel?: string }) {
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ revokedSessions: number }>('/auth/password', { body: { currentPassword: v.currentPassword, newPassword: v.newPassword } });
      form.resetFields();
      onChanged(res.revokedSessions);
    } catch (e) {
      const fields = e instanceof ApiError ? (e.problem.errors ?? []).filter((f) => f.field === 'currentPassword' || f.field === 'newPassword') : [];
      if (fields.length) form.setFields(fields.map((f) => ({ name: f.field as keyof Values, errors: [f.message] })));
      else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} data-testid="password-form" style={{ maxWidth: 360 }}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form.Item name="currentPassword" label={currentLabel} rules={[{ required: true, message: `请输入${currentLabel}` }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item name="newPassword" label="新密码" extra="至少 10 位，含字母、数字、符号中的两类以上，不含用户名，不用常见密码" rules={[{ required: true, message: '请输入新密码' }]}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label="确认新密码"
        dependencies={['newPassword']}
        rules={[
          { required: true, message: '请再次输入新密码' },
          ({ getFieldValue }) => ({ validator: (_, value) => (!value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致'))) }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        修改密码
      </Button>
    </Form>
  );
}
