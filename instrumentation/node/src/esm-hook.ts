import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';

/**
 * Lets the instrumentations patch ES modules (`import express from 'express'`). Only modules an
 * instrumentation asked for are wrapped, so application files (including .ts run by type
 * stripping) load untouched. Returns a promise that settles once the loader thread knows the list.
 */
export function registerEsmHook(): () => Promise<void> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  return waitForAllMessagesAcknowledged;
}
