import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../cli/scan/inputs';
import { ParserPool } from '../../cli/scan/pool';
import { catalog } from '../../lambdas/rules';
import { benign, cloudTrailFile, put, stopLogging, tempDir } from './support';

const config = { ruleIds: catalog.map((r) => r.id), ignoreThresholds: false, maxUnacked: 2 };

describe('ParserPool', () => {
  it.each([{ bundled: true }, { bundled: false }])(
    'delivers every file`s batches in file order whichever thread finishes first (bundled $bundled)',
    async ({ bundled }) => {
      // Prepare: big and small files alternate, so threads finish out of order.
      const dir = await tempDir();
      const expected: string[] = [];
      for (let i = 0; i < 8; i++) {
        const stop = stopLogging(`2025-03-11T06:${String(10 + i).padStart(2, '0')}:00Z`);
        const filler = Array.from({ length: i % 2 === 0 ? 3000 : 1 }, () => benign('2025-03-11T06:00:00Z'));
        await put(dir, `f${i}.json.gz`, cloudTrailFile([...filler, stop]), true);
        expected.push(stop.eventID);
      }
      const { files } = await expandInputs([dir]);
      const pool = await ParserPool.start(2, config, { bundled });
      const seen: string[] = [];
      const order: string[] = [];
      // Act
      try {
        for await (const { file, batch } of pool.read(files)) {
          if (batch.final) order.push(file.display);
          seen.push(...batch.candidates.map((c) => c.record.eventID));
        }
      } finally {
        await pool.close();
      }
      // Assess
      expect(order).toEqual(files.map((f) => f.display));
      expect(seen).toEqual(expected);
    },
  );
});
