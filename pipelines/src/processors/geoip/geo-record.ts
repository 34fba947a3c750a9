// Maps a database record to semantic-convention `geo.*` attributes. Two record shapes exist:
// MaxMind GeoIP2/GeoLite2 (and DB-IP's own mmdb), nested (`country.iso_code`, `subdivisions`,
// `location`), and the flat ip-location-db shape of the bundled DB-IP Lite files
// (`country_code`, `state1`, `city`, `postcode`, `latitude`, `longitude`).
import { continentOf } from './country-continent.ts';

export interface GeoAttributes {
  'geo.continent.code'?: string;
  'geo.country.iso_code'?: string;
  'geo.region.iso_code'?: string;
  'geo.locality.name'?: string;
  'geo.postal_code'?: string;
  'geo.location.lat'?: number;
  'geo.location.lon'?: number;
}

interface MaxMindRecord {
  continent?: { code?: string };
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  subdivisions?: { iso_code?: string }[];
  city?: { names?: Record<string, string> };
  postal?: { code?: string };
  location?: { latitude?: number; longitude?: number };
}

interface FlatRecord {
  country_code?: string;
  city?: string;
  postcode?: string;
  latitude?: number;
  longitude?: number;
}

export function geoAttributesOf(record: unknown): GeoAttributes | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const out: GeoAttributes = {};
  const flat = record as FlatRecord;
  if (typeof flat.country_code === 'string') {
    setString(out, 'geo.country.iso_code', flat.country_code);
    if (typeof flat.city === 'string') setString(out, 'geo.locality.name', flat.city);
    setString(out, 'geo.postal_code', flat.postcode);
    setLocation(out, flat.latitude, flat.longitude);
  } else {
    const mm = record as MaxMindRecord;
    setString(out, 'geo.continent.code', mm.continent?.code);
    const country = mm.country?.iso_code ?? mm.registered_country?.iso_code;
    setString(out, 'geo.country.iso_code', country);
    const subdivision = mm.subdivisions?.[0]?.iso_code;
    if (country && subdivision) setString(out, 'geo.region.iso_code', `${country}-${subdivision}`);
    setString(out, 'geo.locality.name', mm.city?.names?.en);
    setString(out, 'geo.postal_code', mm.postal?.code);
    setLocation(out, mm.location?.latitude, mm.location?.longitude);
  }
  const country = out['geo.country.iso_code'];
  if (!country) return undefined;
  if (!out['geo.continent.code']) setString(out, 'geo.continent.code', continentOf(country));
  return out;
}

function setString(out: GeoAttributes, key: keyof GeoAttributes, value: string | undefined): void {
  if (typeof value === 'string' && value !== '') (out as Record<string, unknown>)[key] = value;
}

function setLocation(out: GeoAttributes, lat: unknown, lon: unknown): void {
  if (typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon)) {
    // mmdb stores float32; four decimals (~11 m) is more than the data's precision.
    out['geo.location.lat'] = Math.round(lat * 1e4) / 1e4;
    out['geo.location.lon'] = Math.round(lon * 1e4) / 1e4;
  }
}
