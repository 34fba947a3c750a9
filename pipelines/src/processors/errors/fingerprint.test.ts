import { describe, expect, it } from 'vitest';
import { fingerprint } from './fingerprint.ts';
import { normalizeMessage } from './normalize-message.ts';
import { parseStack } from './stack/parse-stack.ts';

function printOf(trace: string, type?: string): string {
  const stack = parseStack(trace, 256)!;
  return fingerprint(type ?? stack.type ?? '_OTHER', stack.frames, stack.message, 5);
}

const nodeTrace = (
  opts: { root?: string; line?: number; otherLine?: number; id?: string; type?: string; fn?: string } = {},
) =>
  [
    `${opts.type ?? 'TypeError'}: Cannot read properties of undefined (reading '${opts.id ?? 'id'}')`,
    `    at OrderService.${opts.fn ?? 'load'} (${opts.root ?? '/srv/shop'}/src/orders/order-service.js:${opts.line ?? 42}:17)`,
    `    at async OrderController.get (${opts.root ?? '/srv/shop'}/src/orders/order-controller.js:${opts.otherLine ?? 17}:19)`,
    `    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)`,
  ].join('\n');

describe('error fingerprints', () => {
  it('are the same for the same bug on another host with another deploy path', () => {
    expect(printOf(nodeTrace({ root: '/home/runner/app' }))).toBe(printOf(nodeTrace()));
  });

  it('are the same when lines shift in other files (and in the same function)', () => {
    expect(printOf(nodeTrace({ otherLine: 90 }))).toBe(printOf(nodeTrace()));
    expect(printOf(nodeTrace({ line: 57 }))).toBe(printOf(nodeTrace()));
  });

  it('are the same across bundle builds of a browser app', () => {
    const build = (hash: string, line: number) =>
      `TypeError: x is null\n    at initCart (https://shop.example.com/static/js/main.${hash}.js:2:${line})\n    at setup (https://shop.example.com/static/js/main.${hash}.js:2:${line + 200})`;
    expect(printOf(build('3f2a1b9c', 18045))).toBe(printOf(build('9d8e7f6a', 18990)));
  });

  it('are the same for Java lambdas renumbered and Go closures renumbered', () => {
    const java = (n: number) =>
      `java.lang.IllegalStateException: boom\n\tat com.example.Svc.lambda$find$${n}(Svc.java:55)\n\tat com.example.Svc.find(Svc.java:54)`;
    expect(printOf(java(0))).toBe(printOf(java(3)));
  });

  it('ignore ids, numbers, UUIDs, hex and quoted values in messages when there is no stack', () => {
    const a = fingerprint(
      'OrderNotFound',
      [],
      "order 4711 for user 'alice' (8f14e45f-ceea-4670-9f4d-6c2f1b2a9e11) at 0x7ffd5e8c missing",
      5,
    );
    const b = fingerprint(
      'OrderNotFound',
      [],
      "order 99 for user 'bob' (0c2f1b2a-1111-4670-9f4d-6c2f1b2a9e11) at 0x1a2b3c missing",
      5,
    );
    expect(a).toBe(b);
  });

  it('differ for different bugs: another exception type, another function, another message', () => {
    const base = printOf(nodeTrace());
    expect(printOf(nodeTrace({ type: 'RangeError' }))).not.toBe(base);
    expect(printOf(nodeTrace({ fn: 'save' }))).not.toBe(base);
    expect(fingerprint('Error', [], 'connection refused', 5)).not.toBe(
      fingerprint('Error', [], 'permission denied', 5),
    );
  });

  it('normalizes messages predictably', () => {
    expect(
      normalizeMessage(
        'user 42 "bob" from 10.0.0.7:5432 hash deadbeefcafe1234 id 3f2a6c1e-0000-4000-8000-000000000000',
      ),
    ).toBe('user <n> <str> from <ip> hash <hex> id <uuid>');
  });
});
