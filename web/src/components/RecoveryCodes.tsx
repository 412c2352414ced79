// Recovery codes as they are shown once: in a grid, copyable together.
import { Typography } from 'antd';

export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div data-testid="recovery-codes">
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(2, 1fr)', gap: '4px 16px', fontFamily: 'monospace', fontSize: 15 }}>
        {codes.map((c) => (
          <span key={c}>{c}</span>
        ))}
      </div>
      <Typography.Paragraph copyable={{ text: codes.join('\n'), tooltips: ['复制全部恢复码', '已复制'] }} style={{ marginTop: 8, marginBottom: 0 }}>
        复制全部
      </Typography.Paragraph>
    </div>
  );
}
