import { findTool } from '../../validate/programs/tools';

// Finding and running the real programs is shared with the validator CLI (`--programs`).
export { findTool, PROJECT_TOOLS_DIR, runTool } from '../../validate/programs/tools';
export type { RunResult } from '../../validate/programs/tools';

/**
 * `it` when the tool is there. When it is missing: `it.skip` with a visible note on a developer's
 * machine, but a failing test under CI=true, because CI must never pass without the real check.
 */
export function itWithTool(tool: string, installHint: string): jest.It {
  if (findTool(tool) || process.env.CI === 'true') return it;
  // eslint-disable-next-line no-console
  console.warn(`${tool} not found: skipping its checks (install it with ${installHint}); with CI=true these tests fail instead`);
  return it.skip;
}

