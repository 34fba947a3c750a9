import { describe, expect, it } from 'vitest';
import { type CategoryInput, categorize } from './category.ts';

const input = (partial: Partial<CategoryInput>): CategoryInput => ({
  type: undefined,
  message: undefined,
  httpStatusCode: undefined,
  grpcStatusCode: undefined,
  database: false,
  ...partial,
});

describe('error categories', () => {
  it.each([
    ['timeout', { type: 'TimeoutError', message: 'operation timed out after 30000ms' }],
    ['timeout', { message: 'context deadline exceeded' }],
    ['connection', { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    ['connection', { type: 'java.net.ConnectException', message: 'Connection refused' }],
    ['dns', { message: 'getaddrinfo ENOTFOUND api.example.com' }],
    ['tls', { message: 'x509: certificate signed by unknown authority' }],
    ['auth', { type: 'UnauthenticatedError', message: 'token expired' }],
    ['permission', { type: 'PermissionError', message: "[Errno 13] Permission denied: '/data'" }],
    ['permission', { type: 'System.UnauthorizedAccessException', message: 'Access to the path is denied.' }],
    ['not_found', { type: 'FileNotFoundError', message: 'No such file or directory' }],
    ['validation', { type: 'ValueError', message: 'invalid literal for int()' }],
    ['rate_limit', { message: '429 Too Many Requests' }],
    [
      'database',
      { type: 'psycopg2.errors.UniqueViolation', message: 'duplicate key value violates unique constraint' },
    ],
    ['resource_exhausted', { type: 'RangeError', message: 'Maximum call stack size exceeded' }],
    ['resource_exhausted', { type: 'java.lang.OutOfMemoryError', message: 'Java heap space' }],
    ['dependency', { message: '502 Bad Gateway from upstream' }],
    ['unknown', { type: 'TypeError', message: "Cannot read properties of undefined (reading 'id')" }],
  ] as const)('%s: %j', (category, partial) => {
    expect(categorize(input(partial))).toBe(category);
  });

  it.each([
    [401, 'auth'],
    [403, 'permission'],
    [404, 'not_found'],
    [429, 'rate_limit'],
    [503, 'dependency'],
    [504, 'timeout'],
    [500, 'unknown'],
  ] as const)('falls back to the HTTP status %i -> %s', (status, category) => {
    expect(categorize(input({ httpStatusCode: status }))).toBe(category);
  });

  it('falls back to the gRPC status, then to the kind of call', () => {
    expect(categorize(input({ grpcStatusCode: 4 }))).toBe('timeout');
    expect(categorize(input({ grpcStatusCode: 14 }))).toBe('connection');
    expect(categorize(input({ database: true }))).toBe('database');
  });
});
