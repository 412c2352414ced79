// 红黄灯: a coloured dot with its word, so the light reads without colour too.
import { Badge } from 'antd';
import { LIGHT_COLORS, LIGHT_LABELS } from '../labels';
import type { Light } from '../types';

export function LightBadge({ light, showText = true }: { light: Light | null; showText?: boolean }) {
  if (!light) return <span style={{ color: '#999' }}>—</span>;
  return <Badge color={LIGHT_COLORS[light]} text={showText ? LIGHT_LABELS[light] : undefined} data-light={light} />;
}
