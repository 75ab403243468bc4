import { displayPath } from '../config/paths.js';
import type { ChainContext } from './types.js';

/** "profile dev in ~/.aws/credentials", for traces and messages. */
export function profileIn(context: ChainContext, profile: string, path: string): string {
  return `profile ${profile} in ${displayPath(path, context.deps.env, context.deps.homedir)}`;
}
