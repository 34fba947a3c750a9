import { describe, expect, it } from 'vitest';
import { geoAttributesOf } from './geo-record.ts';

describe('geo attributes from database records', () => {
  it('maps a MaxMind GeoIP2 / GeoLite2 City record', () => {
    const record = {
      continent: { code: 'EU', names: { en: 'Europe' } },
      country: { iso_code: 'DE', names: { en: 'Germany' } },
      subdivisions: [{ iso_code: 'BE', names: { en: 'Land Berlin' } }],
      city: { names: { en: 'Berlin', de: 'Berlin' } },
      postal: { code: '10115' },
      location: { latitude: 52.53231, longitude: 13.38462, accuracy_radius: 20 },
    };
    expect(geoAttributesOf(record)).toEqual({
      'geo.continent.code': 'EU',
      'geo.country.iso_code': 'DE',
      'geo.region.iso_code': 'DE-BE',
      'geo.locality.name': 'Berlin',
      'geo.postal_code': '10115',
      'geo.location.lat': 52.5323,
      'geo.location.lon': 13.3846,
    });
  });

  it('maps a Country-only record, falling back to the registered country', () => {
    expect(geoAttributesOf({ continent: { code: 'AS' }, registered_country: { iso_code: 'JP' } })).toEqual({
      'geo.continent.code': 'AS',
      'geo.country.iso_code': 'JP',
    });
  });

  it('maps the flat DB-IP Lite (ip-location-db) record and derives the continent', () => {
    const record = {
      city: 'Sydney',
      country_code: 'AU',
      latitude: -33.8688,
      longitude: 151.209,
      postcode: '',
      state1: 'New South Wales',
    };
    expect(geoAttributesOf(record)).toEqual({
      'geo.continent.code': 'OC',
      'geo.country.iso_code': 'AU',
      'geo.locality.name': 'Sydney',
      'geo.location.lat': -33.8688,
      'geo.location.lon': 151.209,
    });
  });

  it('returns nothing for records without a country', () => {
    expect(geoAttributesOf(null)).toBeUndefined();
    expect(geoAttributesOf({ location: { latitude: 1, longitude: 2 } })).toBeUndefined();
  });
});
