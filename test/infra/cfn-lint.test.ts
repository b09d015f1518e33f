import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synth, TRUSTED_CONTEXT } from './synth';

/**
 * Checks we skip, each for a reason:
 * - W3005 "dependency already enforced by a GetAtt": the Lambda L2 adds an explicit DependsOn on its role next
 *   to the Role GetAtt. Redundant, harmless, and not ours to change.
 * Informational (I*) checks are not enabled by default and stay off.
 */
const IGNORED_CHECKS = ['W3005'];

/** cfn-lint's exit code is a bit field: 2 = error, 4 = warning, 8 = informational (1 = cfn-lint itself failed). */
const ERROR = 2;
const WARNING = 4;

let dir: string;
let templatePath: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trailguard-cfn-lint-'));
  templatePath = path.join(dir, 'TrailGuard.template.json');
  // The default template plus the optional trusted accounts and networks parameters.
  const { template } = synth({ context: TRUSTED_CONTEXT });
  writeFileSync(templatePath, JSON.stringify(template.toJSON(), null, 1));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cfn-lint', () => {
  it('finds no error and no warning beyond the documented ones in the synthesized template', () => {
    // Act
    const result = spawnSync('cfn-lint', ['--ignore-checks', ...IGNORED_CHECKS, '--', templatePath], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    // Assess
    expect(result.error, 'cfn-lint must be on PATH (pip install cfn-lint)').toBeUndefined();
    const output = `${result.stdout}${result.stderr}`;
    const status = result.status ?? 1;
    expect(status & 1, `cfn-lint failed to run:\n${output}`).toBe(0);
    expect(status & ERROR, `cfn-lint errors:\n${output}`).toBe(0);
    expect(status & WARNING, `cfn-lint warnings:\n${output}`).toBe(0);
    // cfn-lint takes about 30 s on the full template alone, longer while the suite runs: as long as spawnSync allows.
  }, 120_000);
});
