import { describe, expect, it } from 'vitest';
import { dataViewOf, fieldsOf, savedObjects } from './kibana-saved-objects.ts';

const objects = savedObjects();
const byKey = new Map(objects.map((o) => [`${o.type}/${o.id}`, o]));

describe('Kibana saved objects (deploy/kibana/saved-objects.ndjson)', () => {
  it('has data views over the log, trace and alert history indices, the saved searches and the three dashboards', () => {
    const titles = (type: string) => objects.filter((o) => o.type === type).map((o) => o.attributes.title);
    expect(titles('index-pattern')).toEqual(['otelgate-logs-*', 'otelgate-traces-*', 'otelgate-alerts-*']);
    expect(titles('search')).toEqual(
      expect.arrayContaining(['Errors', 'Authentication failures', 'Slow requests', 'Security events']),
    );
    expect(titles('dashboard')).toEqual(['Log overview', 'Error analysis', 'Alert history']);
  });

  it('gives every object a unique id and resolves every reference to an object in the file', () => {
    expect(byKey.size).toBe(objects.length);
    for (const object of objects) {
      for (const reference of object.references) {
        expect(
          byKey.has(`${reference.type}/${reference.id}`),
          `${object.id} -> ${reference.type}/${reference.id}`,
        ).toBe(true);
      }
    }
  });

  it('names in each dashboard panel a reference that exists', () => {
    for (const dashboard of objects.filter((o) => o.type === 'dashboard')) {
      const panels = JSON.parse(dashboard.attributes.panelsJSON as string) as { panelRefName: string }[];
      expect(panels.length).toBeGreaterThan(2);
      for (const panel of panels) {
        expect(dashboard.references.map((r) => r.name)).toContain(panel.panelRefName);
      }
    }
  });

  it('reads every search and visualization from a data view, naming its time field', () => {
    const fieldsPerView = new Map<string, string[]>();
    for (const object of objects) {
      if (object.type !== 'search' && object.type !== 'visualization') continue;
      const view = dataViewOf(object);
      expect(view, object.id).toBeDefined();
      fieldsPerView.set(view as string, [...(fieldsPerView.get(view as string) ?? []), ...fieldsOf(object)]);
    }
    expect(fieldsPerView.get('otelgate-logs')).toEqual(
      expect.arrayContaining(['@timestamp', 'otelgate.error.fingerprint', 'otelgate.error.category']),
    );
    expect(fieldsPerView.get('otelgate-traces')).toEqual(expect.arrayContaining(['@timestamp', 'trace.id']));
    expect(fieldsPerView.get('otelgate-alerts')).toEqual(
      expect.arrayContaining([
        '@timestamp',
        'attributes.alert.name',
        'attributes.alert.status',
        'attributes.alert.fingerprint',
        'attributes.alert.duration_seconds',
      ]),
    );
  });
});
