import { describe, expect, it } from 'vitest';
import { plainAttributes } from '../../../../test/support/exported-logs.ts';
import { fileAttributes, resourceAttributesOf } from './path-attributes.ts';

const ID = 'a'.repeat(64);
// The model's AnyValue to the plain form the e2e helper uses (ints as strings).
const plain = (attributes: ReturnType<typeof resourceAttributesOf>) =>
  plainAttributes(
    attributes.map(({ key, value }) => ({
      key,
      value: 'intValue' in value ? { intValue: String(value.intValue) } : (value as Record<string, unknown>),
    })),
  );

describe('path attributes', () => {
  it('reads namespace, pod, uid, container and restart count from a pod log path', () => {
    expect(plain(resourceAttributesOf('/var/log/pods/shop_cart-7d9f_1b2c-3d4e/server/2.log'))).toEqual({
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'cart-7d9f',
      'k8s.pod.uid': '1b2c-3d4e',
      'k8s.container.name': 'server',
      'k8s.container.restart_count': '2',
    });
  });

  it('reads the container id from /var/log/containers and Docker paths', () => {
    expect(plain(resourceAttributesOf(`/var/log/containers/cart-7d9f_shop_server-${ID}.log`))).toEqual({
      'k8s.pod.name': 'cart-7d9f',
      'k8s.namespace.name': 'shop',
      'k8s.container.name': 'server',
      'container.id': ID,
    });
    expect(plain(resourceAttributesOf(`/var/lib/docker/containers/${ID}/${ID}-json.log`))).toEqual({
      'container.id': ID,
    });
  });

  it('adds nothing for other paths, and always the file path and name', () => {
    expect(resourceAttributesOf('/var/log/syslog')).toEqual([]);
    expect(plain(fileAttributes('/var/log/app/x.log'))).toEqual({
      'log.file.path': '/var/log/app/x.log',
      'log.file.name': 'x.log',
    });
  });
});
