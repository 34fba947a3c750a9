// The state of the gateway's own log file for /status, read from the file system: the current
// file's size against the rotation size, the rotated files beside it, the last rotation.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LogConfig } from '../config/schema.ts';

export interface LogFileStatus {
  path: string;
  sizeBytes: number;
  rotateAtBytes: number;
  rotateEveryHours: number;
  rotatedFiles: number;
  rotatedBytes: number;
  lastRotationAt: string | undefined;
  /** Why the file looks unwell: missing, or past twice the rotation size (rotation not happening). */
  problem: string | undefined;
}

export function logFileStatus(config: LogConfig): LogFileStatus | undefined {
  const file = config.file;
  if (!file) return undefined;
  const dir = dirname(file.path);
  const prefix = `${basename(file.path).replace(/\.log$/, '')}-`;
  const rotateAtBytes = Math.max(1, Math.round(file.maxSizeMiB * 1024)) * 1024;
  let sizeBytes = 0;
  let problem: string | undefined;
  try {
    sizeBytes = statSync(file.path).size;
  } catch (error) {
    problem = `log file not readable: ${(error as Error).message}`;
  }
  if (!problem && sizeBytes > 2 * rotateAtBytes) {
    problem = `log file is ${sizeBytes} bytes, past twice the rotation size: rotation is not happening`;
  }
  let rotatedFiles = 0;
  let rotatedBytes = 0;
  let lastRotation = 0;
  for (const name of safeReaddir(dir)) {
    if (!name.startsWith(prefix)) continue;
    const stat = statSync(join(dir, name), { throwIfNoEntry: false });
    if (!stat) continue;
    rotatedFiles++;
    rotatedBytes += stat.size;
    lastRotation = Math.max(lastRotation, stat.mtimeMs);
  }
  return {
    path: file.path,
    sizeBytes,
    rotateAtBytes,
    rotateEveryHours: file.rotateEveryHours,
    rotatedFiles,
    rotatedBytes,
    lastRotationAt: lastRotation ? new Date(lastRotation).toISOString() : undefined,
    problem,
  };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
