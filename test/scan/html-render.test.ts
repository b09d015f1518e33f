/**
 * Renders the HTML report in headless Chromium (Debian's `chromium`; `.ci/run` installs it on a fresh machine) and
 * checks that a person would see it: the findings table, the timeline's bars, the severity colours on screen, and
 * no markup smuggled in through CloudTrail values.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { countColour, decodePng, distinctColours } from './png';
import { cloudTrailFile, failedLogin, put, rootCall, runScanCli, stopLogging, tempDir } from './support';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM ?? 'chromium';

/** Flags that keep headless Chromium from stalling on a machine without network or a session bus. */
async function chromium(args: string[]): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'trailguard-chromium-'));
  try {
    const { stdout } = await run(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { timeout: 90_000, maxBuffer: 32 << 20 },
    );
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

describe('HTML report in a browser', () => {
  it('renders the findings table, the timeline chart and the severity colours in headless Chromium', async () => {
    // Prepare
    const dir = await tempDir();
    const hostile = '<img src=x onerror=alert(1)>\u202etxt.exe';
    const logins = [0, 1, 2, 3, 4].map((i) =>
      failedLogin(`2025-03-11T06:4${i}:00Z`, '45.148.10.22', i === 4 ? hostile : `u${i}`),
    );
    const events = [
      ...logins,
      stopLogging('2025-03-11T07:10:00Z'),
      stopLogging('2025-03-11T09:30:00Z'),
      rootCall('2025-03-11T08:00:00Z'),
    ];
    await put(dir, 'trail.json.gz', cloudTrailFile(events), true);
    const report = join(dir, 'report.html');
    const screenshot = join(dir, 'report.png');
    const scan = await runScanCli([
      'scan',
      join(dir, 'trail.json.gz'),
      '--format',
      'html',
      '--output',
      report,
    ]);
    const url = pathToFileURL(report).href;
    // Act
    const dom = await chromium(['--dump-dom', url]);
    await chromium([`--screenshot=${screenshot}`, '--window-size=1280,2000', url]);
    // Assess
    expect(scan.code).toBe(0);
    expect(dom.match(/<tr class="finding sev-/g)).toHaveLength(4);
    expect(dom.match(/<rect class="bar sev-critical"/g)?.length).toBeGreaterThanOrEqual(2);
    expect(dom).toContain('<rect class="bar sev-medium"');
    expect(dom).toContain('Top principals');
    expect(dom).not.toContain('<img');
    expect(dom).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const image = decodePng(await readFile(screenshot));
    expect([image.width, image.height]).toEqual([1280, 2000]);
    expect(countColour(image, '#b3261e')).toBeGreaterThan(500); // critical: bars, cards, badges
    expect(countColour(image, '#f2b600')).toBeGreaterThan(200); // medium
    expect(distinctColours(image)).toBeGreaterThan(100); // text and shapes, not a blank page
  });
});
