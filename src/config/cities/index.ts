// The cities this platform is configured for, by the name HOTLINE_CITY takes (src/app/bootstrap.ts).
// A new city: a file beside this one (defineCity over the closest one) and one line here.
import type { CityConfig } from '../city.ts';
import { mudanjiang } from './mudanjiang.ts';
import { qinghe } from './qinghe.ts';

export const CITIES: Record<string, CityConfig> = {
  mudanjiang,
  qinghe,
};

/** A configuration mistake the operator reads as one sentence (the CLI prints it without a stack trace). */
export class CityConfigError extends Error {}

export const DEFAULT_CITY = 'mudanjiang';

/** The city a name chooses; an unknown name is refused with the known ones (a configuration error, not a default). */
export function cityNamed(name: string | undefined): CityConfig {
  const key = name?.trim() || DEFAULT_CITY;
  const city = CITIES[key];
  if (!city) throw new CityConfigError(`HOTLINE_CITY 取值不正确：没有名为 ${key} 的城市配置（可选：${Object.keys(CITIES).join('、')}）`);
  return city;
}
