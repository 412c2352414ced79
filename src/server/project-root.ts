// The project's folder (where package.json is), found from this module whether it runs as TypeScript
// from src/ or compiled into dist/: the files shipped beside the code (the console's build, the demo
// bulletins) are found from here.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`package.json not found above ${from}`);
  }
}

export const PROJECT_ROOT = projectRoot(import.meta.dirname);
