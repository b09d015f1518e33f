/**
 * Turns the command line's paths into the ordered list of inputs. Directories are walked recursively (hidden
 * entries skipped, symlinked directories followed once). Files are ordered so the scan meets events roughly in
 * time order: CloudTrail names each log file after its delivery time
 * (`<account>_CloudTrail_<region>_20250311T0645Z_<id>.json.gz`), so files are sorted by that timestamp across
 * regions and accounts, which lets a short reorder window restore event order. Files without such a name come
 * first, in the order given (directory entries by name).
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { InputRef } from './read';
import type { Problem } from './types';

export interface InputFile extends InputRef {
  readonly size: number;
}

export interface Inputs {
  readonly files: readonly InputFile[];
  /** `-` was given: read standard input first. */
  readonly stdin: boolean;
  /** Paths that could not be opened at all. */
  readonly problems: readonly Problem[];
}

const DELIVERY_TIME = /_CloudTrail_[A-Za-z0-9-]+_(\d{8}T\d{4,6}Z)_/;

/** The delivery timestamp in a CloudTrail log file name, or `undefined`. */
export function deliveryTime(path: string): string | undefined {
  return DELIVERY_TIME.exec(path)?.[1];
}

function message(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

export async function expandInputs(paths: readonly string[]): Promise<Inputs> {
  const files: InputFile[] = [];
  const problems: Problem[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  let stdin = false;

  const addFile = async (path: string, display: string, size: number, walked: boolean) => {
    const real = await realpath(path).catch(() => resolve(path));
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push({ path, display, size, walked });
  };

  const walk = async (dir: string, display: string): Promise<void> => {
    const real = await realpath(dir).catch(() => resolve(dir));
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ kind: 'unreadable', file: display, message: message(error) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      const shown = join(display, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let size = 0;
      if (entry.isSymbolicLink() || isFile) {
        try {
          const info = await stat(path);
          isDir = info.isDirectory();
          isFile = info.isFile();
          size = info.size;
        } catch (error) {
          problems.push({ kind: 'unreadable', file: shown, message: message(error) });
          continue;
        }
      }
      if (isDir) await walk(path, shown);
      else if (isFile) await addFile(path, shown, size, true);
    }
  };

  for (const path of paths) {
    if (path === '-') {
      stdin = true;
      continue;
    }
    try {
      const info = await stat(path);
      if (info.isDirectory()) await walk(path, path);
      else await addFile(path, path, info.size, false);
    } catch (error) {
      problems.push({ kind: 'unreadable', file: path, message: message(error) });
    }
  }

  const keyed = files.map((file, index) => ({ file, index, key: deliveryTime(file.path) ?? '' }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  return { files: keyed.map((k) => k.file), stdin, problems };
}
