/** A database file that cannot be read as MaxMind DB: the message names the file and what is wrong. */
export class MmdbError extends Error {
  override readonly name = 'MmdbError';
}
