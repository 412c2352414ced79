// The logged-in user's watermark over the whole console (name, username and today's date, tiled
// faintly across every page, on screen and on paper), so a photo, screenshot or printout of a
// ticket shows whose session it came from. Ant Design's Watermark draws it as a background image
// that takes no clicks and no selection, and puts it back if it is removed from the page.
import { type ReactNode } from 'react';
import { Watermark } from 'antd';
import { useAuth } from '../auth';
import './print.css';

const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

export function ConsoleWatermark({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  if (!user) return <>{children}</>;
  const content = [`${user.displayName}（${user.username}）`, today()];
  return (
    <div className="console-watermark" data-testid="console-watermark" data-watermark={content.join(' ')}>
      <Watermark
        content={content}
        gap={[120, 110]}
        rotate={-22}
        zIndex={1001}
        font={{ color: 'rgba(0, 0, 0, 0.07)', fontSize: 15 }}
        style={{ minHeight: '100vh', overflow: 'visible' }}
      >
        {children}
      </Watermark>
    </div>
  );
}
