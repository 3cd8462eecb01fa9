import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * Real images as a phone sends them, built byte by byte: a JPEG and a PNG with the person's whereabouts in
 * their metadata (EXIF with a GPS position, XMP, a comment, PNG text chunks), and the readers a test needs to
 * check what is left of them.
 */

/** The whereabouts the metadata carries, as text: a leak of the metadata shows it. */
export const GPS_AREA = 'Stationsplein 1, Assen';

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const latin1 = (text: string) => Buffer.from(text, 'latin1');

/**
 * An EXIF block (TIFF, big-endian) whose IFD0 points at a GPS IFD: latitude 52°59'33.3" N, longitude
 * 6°33'45" E, and the area as text (GPSAreaInformation).
 */
export function exifWithGps(): Buffer {
  const area = Buffer.concat([latin1('ASCII\0\0\0'), latin1(GPS_AREA)]);
  // Layout: header (8), IFD0 with one entry (2 + 12 + 4), GPS IFD with five entries (2 + 60 + 4), data.
  const ifd0 = 8;
  const gps = ifd0 + 18;
  const data = gps + 66;
  const latitude = data;
  const longitude = latitude + 24;
  const areaAt = longitude + 24;
  const entry = (tag: number, type: number, count: number, value: Buffer) =>
    Buffer.concat([u16(tag), u16(type), u32(count), Buffer.concat([value, Buffer.alloc(4)]).subarray(0, 4)]);
  const rationals = (...pairs: [number, number][]) =>
    Buffer.concat(pairs.flatMap(([n, d]) => [u32(n), u32(d)]));
  return Buffer.concat([
    latin1('MM'),
    u16(42),
    u32(ifd0),
    u16(1),
    entry(0x8825, 4, 1, u32(gps)), // GPSInfo
    u32(0),
    u16(5),
    entry(0x0001, 2, 2, latin1('N\0')), // GPSLatitudeRef
    entry(0x0002, 5, 3, u32(latitude)), // GPSLatitude
    entry(0x0003, 2, 2, latin1('E\0')), // GPSLongitudeRef
    entry(0x0004, 5, 3, u32(longitude)), // GPSLongitude
    entry(0x001c, 7, area.length, u32(areaAt)), // GPSAreaInformation
    u32(0),
    rationals([52, 1], [59, 1], [3330, 100]),
    rationals([6, 1], [33, 1], [4500, 100]),
    area,
  ]);
}

const xmpPacket = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="52,59.555N" exif:GPSLongitude="6,33.75E"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** A JPEG segment: its marker and payload, with the length in between. */
export const segment = (code: number, payload: Buffer): Buffer =>
  Buffer.concat([Buffer.of(0xff, code), u16(payload.length + 2), payload]);

/**
 * The parts of a 16×8 grey baseline JPEG with a restart marker between its two blocks, and the metadata a
 * phone adds. Every block is mid-grey: DC difference 0 and end-of-block, each a one-bit Huffman code.
 */
export const jpegParts = {
  soi: Buffer.of(0xff, 0xd8),
  jfif: segment(
    0xe0,
    Buffer.concat([latin1('JFIF\0'), Buffer.of(1, 2, 0), u16(72), u16(72), Buffer.of(0, 0)]),
  ),
  exif: segment(0xe1, Buffer.concat([latin1('Exif\0\0'), exifWithGps()])),
  xmp: segment(0xe1, latin1(`http://ns.adobe.com/xap/1.0/\0${xmpPacket}`)),
  icc: segment(0xe2, latin1('ICC_PROFILE\0\x01\x01not a real profile')),
  iptc: segment(0xed, latin1(`Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10${GPS_AREA}`)),
  comment: segment(0xfe, latin1(`taken at ${GPS_AREA}`)),
  dqt: segment(0xdb, Buffer.concat([Buffer.of(0), Buffer.alloc(64, 1)])),
  sof: segment(0xc0, Buffer.concat([Buffer.of(8), u16(8), u16(16), Buffer.of(1, 1, 0x11, 0)])),
  dri: segment(0xdd, u16(1)),
  dhtDc: segment(0xc4, Buffer.concat([Buffer.of(0x00, 1), Buffer.alloc(15), Buffer.of(0)])),
  dhtAc: segment(0xc4, Buffer.concat([Buffer.of(0x10, 1), Buffer.alloc(15), Buffer.of(0)])),
  sos: segment(0xda, Buffer.of(1, 1, 0x00, 0, 63, 0)),
  /** Block one, restart marker 0, block two: bits 0 0 each, padded with ones. */
  scan: Buffer.of(0x3f, 0xff, 0xd0, 0x3f),
  eoi: Buffer.of(0xff, 0xd9),
};

/** The JPEG with every kind of metadata, in the order a camera writes it. */
export function aJpegWithMetadata(): Buffer {
  const p = jpegParts;
  return Buffer.concat([
    p.soi,
    p.jfif,
    p.exif,
    p.xmp,
    p.icc,
    p.iptc,
    p.comment,
    p.dqt,
    p.sof,
    p.dri,
    p.dhtDc,
    p.dhtAc,
    p.sos,
    p.scan,
    p.eoi,
  ]);
}

/** The same JPEG as it should come out: only what decoding needs. */
export function theJpegWithoutMetadata(): Buffer {
  const p = jpegParts;
  return Buffer.concat([p.soi, p.jfif, p.dqt, p.sof, p.dri, p.dhtDc, p.dhtAc, p.sos, p.scan, p.eoi]);
}

/** A JPEG's markers in order (fill bytes skipped, image data jumped), failing on anything malformed. */
export function jpegMarkers(b: Buffer): number[] {
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new Error('no SOI');
  const markers = [0xd8];
  let at = 2;
  for (;;) {
    if (b[at] !== 0xff) throw new Error(`no marker at ${at}`);
    const code = b[at + 1]!;
    markers.push(code);
    if (code === 0xd9) {
      if (at + 2 !== b.length) throw new Error('bytes after EOI');
      return markers;
    }
    const end = at + 2 + b.readUInt16BE(at + 2);
    if (end > b.length) throw new Error(`segment at ${at} runs past the end`);
    at = end;
    if (code === 0xda) {
      while (!(b[at] === 0xff && b[at + 1] !== 0x00 && (b[at + 1]! < 0xd0 || b[at + 1]! > 0xd7))) {
        if (at >= b.length) throw new Error('image data runs past the end');
        at++;
      }
    }
  }
}

/** A PNG chunk: length, type, data and the CRC of type and data. */
export const chunk = (type: string, data: Buffer): Buffer => {
  const body = Buffer.concat([latin1(type), data]);
  return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
};

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The pixels of the test PNG: 2×2 RGB, each row behind its filter byte (none). */
export const pngRows = Buffer.from([0, 200, 30, 30, 30, 200, 30, 0, 30, 30, 200, 255, 255, 255]);

/** The parts of a 2×2 RGB PNG, with the metadata chunks a phone or an editor adds. */
export const pngParts = {
  ihdr: chunk('IHDR', Buffer.concat([u32(2), u32(2), Buffer.of(8, 2, 0, 0, 0)])),
  gama: chunk('gAMA', u32(45455)),
  srgb: chunk('sRGB', Buffer.of(0)),
  exif: chunk('eXIf', exifWithGps()),
  text: chunk('tEXt', latin1(`Location\0${GPS_AREA}`)),
  ztxt: chunk('zTXt', Buffer.concat([latin1('Comment\0\0'), deflateSync(latin1(`near ${GPS_AREA}`))])),
  itxt: chunk('iTXt', Buffer.concat([latin1('XML:com.adobe.xmp\0\0\0\0\0'), Buffer.from(xmpPacket, 'utf8')])),
  time: chunk('tIME', Buffer.of(0x07, 0xea, 11, 24, 7, 40, 0)),
  phys: chunk('pHYs', Buffer.concat([u32(2835), u32(2835), Buffer.of(1)])),
  idat: chunk('IDAT', deflateSync(pngRows)),
  iend: chunk('IEND', Buffer.alloc(0)),
};

/** The PNG with every kind of metadata. */
export function aPngWithMetadata(): Buffer {
  const p = pngParts;
  return Buffer.concat([
    PNG_SIGNATURE,
    p.ihdr,
    p.gama,
    p.srgb,
    p.exif,
    p.text,
    p.ztxt,
    p.itxt,
    p.time,
    p.phys,
    p.idat,
    p.iend,
  ]);
}

/** A PNG's chunks in order, each CRC checked, failing on anything malformed. */
export function pngChunks(b: Buffer): { type: string; data: Buffer }[] {
  if (!b.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('no PNG signature');
  const chunks: { type: string; data: Buffer }[] = [];
  let at = 8;
  while (at < b.length) {
    const length = b.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > b.length) throw new Error(`chunk at ${at} runs past the end`);
    if (crc32(b.subarray(at + 4, end - 4)) !== b.readUInt32BE(end - 4)) throw new Error(`bad CRC at ${at}`);
    chunks.push({ type: b.toString('latin1', at + 4, at + 8), data: b.subarray(at + 8, end - 4) });
    at = end;
  }
  if (chunks.at(-1)?.type !== 'IEND') throw new Error('no IEND at the end');
  return chunks;
}

/** A PNG's pixel rows, as its IDAT chunks inflate. */
export const pngPixels = (b: Buffer): Buffer =>
  inflateSync(Buffer.concat(pngChunks(b).flatMap((c) => (c.type === 'IDAT' ? [c.data] : []))));

/** The marks of metadata found in these bytes: EXIF's markers and TIFF header, the GPS text, XMP, ICC, IPTC. */
export function metadataIn(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const needles = [
    'Exif',
    'eXIf',
    'MM\0*',
    GPS_AREA,
    'GPSLatitude',
    'xpacket',
    'ICC_PROFILE',
    'Photoshop',
    'Location',
  ];
  return needles.filter((needle) => text.includes(needle));
}
