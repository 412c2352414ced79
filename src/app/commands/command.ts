// What every `hotline` command is: its usage lines and what it runs. src/app/cli.ts lists them.
import type { AppContext } from '../../server/context.ts';
import { Problem } from '../../server/problem.ts';

/** Boots the app for one piece of work and closes the store after it. */
export type WithContext = <T>(work: (ctx: AppContext) => Promise<T>) => Promise<T>;

export interface Command {
  /** The command's own lines of `hotline --help`, shown alone by `hotline <命令> --help`. */
  usage: string;
  run(args: string[], withContext: WithContext): Promise<void>;
}

/** A usage error: the CLI prints the Chinese reason and exits 2, without a stack trace. */
export function usageError(message: string): Problem {
  return new Problem(400, 'usage', message);
}
