// After an admin reset the password, the console shows only this: the account must choose its own
// password before anything else (the API refuses every other request with password-change-required).
import { Alert, Button, Card, Space, Typography } from 'antd';
import { useAuth } from '../../auth';
import { PasswordForm } from './PasswordForm';

export function ForcedPasswordPage() {
  const { user, signedIn, logout } = useAuth();
  if (!user) return null;
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f4fa', padding: 16 }} data-testid="forced-password">
      <Card style={{ width: 420, maxWidth: '100%' }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            请设置新密码
          </Typography.Title>
          <Alert type="warning" showIcon message={`${user.displayName}，管理员已重置您的密码。请先设置您自己的新密码，再继续使用系统。`} />
          <PasswordForm currentLabel="当前（临时）密码" onChanged={() => signedIn({ ...user, mustChangePassword: false })} />
          <Button type="link" onClick={() => void logout()} style={{ padding: 0 }}>
            退出登录
          </Button>
        </Space>
      </Card>
    </div>
  );
}
