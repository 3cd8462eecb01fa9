import { describe, expect, it } from 'vitest';
import { MalformedPhoto, sniffPhotoType, stripPhoto } from '../../api/photo.strip';
import {
  aJpegWithMetadata,
  aPngWithMetadata,
  chunk,
  jpegMarkers,
  jpegParts,
  metadataIn,
  PNG_SIGNATURE,
  pngChunks,
  pngParts,
  pngPixels,
  pngRows,
  segment,
  theJpegWithoutMetadata,
} from '../support/photos';

const jpeg = (...parts: Buffer[]) => Buffer.concat(parts);
const png = (...parts: Buffer[]) => Buffer.concat([PNG_SIGNATURE, ...parts]);
const refusal = (bytes: Buffer, type: 'image/jpeg' | 'image/png') => {
  try {
    stripPhoto(bytes, type);
  } catch (error) {
    if (error instanceof MalformedPhoto) return error.message;
    throw error;
  }
  throw new Error('the photo was accepted');
};

describe('stripPhoto, JPEG', () => {
  it('the test image carries EXIF with a GPS position, XMP, ICC, IPTC and a comment', () => {
    expect(metadataIn(aJpegWithMetadata())).toEqual([
      'Exif',
      'MM\0*',
      'Stationsplein 1, Assen',
      'GPSLatitude',
      'xpacket',
      'ICC_PROFILE',
      'Photoshop',
    ]);
  });

  it('drops every APPn segment but JFIF, and the comment, keeping the rest byte for byte', () => {
    const stripped = stripPhoto(aJpegWithMetadata(), 'image/jpeg');

    expect(stripped.equals(theJpegWithoutMetadata())).toBe(true);
    expect(metadataIn(stripped)).toEqual([]);
  });

  it('leaves a well-formed JPEG: SOI, frame, tables, one scan with its restart marker, EOI', () => {
    const stripped = stripPhoto(aJpegWithMetadata(), 'image/jpeg');

    expect(jpegMarkers(stripped)).toEqual([0xd8, 0xe0, 0xdb, 0xc0, 0xdd, 0xc4, 0xc4, 0xda, 0xd9]);
    expect(stripped.subarray(-6).equals(Buffer.of(0x3f, 0xff, 0xd0, 0x3f, 0xff, 0xd9))).toBe(true);
  });

  it('keeps fill bytes and stuffed bytes in the image data, which are not markers', () => {
    const p = jpegParts;
    const scan = Buffer.of(0x12, 0xff, 0x00, 0x34, 0xff, 0xd3, 0x56);
    const filled = jpeg(p.soi, p.exif, Buffer.of(0xff), p.dqt, p.sof, p.dhtDc, p.dhtAc, p.sos, scan, p.eoi);

    expect(
      stripPhoto(filled, 'image/jpeg').equals(
        jpeg(p.soi, Buffer.of(0xff), p.dqt, p.sof, p.dhtDc, p.dhtAc, p.sos, scan, p.eoi),
      ),
    ).toBe(true);
  });

  it("keeps Adobe's 12-byte colour-transform segment, which decoding a CMYK image needs, and no longer one", () => {
    const p = jpegParts;
    const adobe = segment(0xee, Buffer.from('Adobe\x00\x64\x00\x00\x00\x00\x02', 'latin1'));
    const adobeWithMore = segment(0xee, Buffer.from('Adobe\x00\x64\x00\x00\x00\x00\x02Assen', 'latin1'));
    const body = [p.dqt, p.sof, p.dhtDc, p.dhtAc, p.sos, p.scan, p.eoi];

    expect(stripPhoto(jpeg(p.soi, adobe, ...body), 'image/jpeg').equals(jpeg(p.soi, adobe, ...body))).toBe(
      true,
    );
    expect(stripPhoto(jpeg(p.soi, adobeWithMore, ...body), 'image/jpeg').equals(jpeg(p.soi, ...body))).toBe(
      true,
    );
  });

  it('drops an APP0 that is not JFIF, and whatever follows the end of the image', () => {
    const p = jpegParts;
    const jfxx = segment(0xe0, Buffer.from(`JFXX\0\x10 thumbnail`, 'latin1'));
    const trailer = Buffer.from(`Exif ${'GPS'} appended`, 'latin1');
    const body = [p.dqt, p.sof, p.dhtDc, p.dhtAc, p.sos, p.scan, p.eoi];

    expect(stripPhoto(jpeg(p.soi, jfxx, ...body, trailer), 'image/jpeg').equals(jpeg(p.soi, ...body))).toBe(
      true,
    );
  });

  it.each([
    ['a JPEG cut short', () => aJpegWithMetadata().subarray(0, 300), /runs past the end/],
    ['a JPEG without its EOI', () => theJpegWithoutMetadata().subarray(0, -2), /ends inside its image data/],
    [
      'a JPEG whose image data comes before its frame header',
      () => jpeg(jpegParts.soi, jpegParts.dqt, jpegParts.sos, jpegParts.scan, jpegParts.eoi),
      /image data before its frame header/,
    ],
    [
      'a JPEG without image data',
      () => jpeg(jpegParts.soi, jpegParts.jfif, jpegParts.eoi),
      /before any image data/,
    ],
    [
      'a JPEG with garbage where a segment should start',
      () => jpeg(jpegParts.soi, jpegParts.jfif, Buffer.from('hello'), jpegParts.eoi),
      /no marker where a segment should start/,
    ],
    [
      'a JPEG with a restart marker outside its image data',
      () => jpeg(jpegParts.soi, Buffer.of(0xff, 0xd0), jpegParts.eoi),
      /unexpected marker 0xFFD0/,
    ],
    [
      'a JPEG with a malformed frame header',
      () => jpeg(jpegParts.soi, segment(0xc0, Buffer.of(8, 0, 8, 0, 16, 2, 1, 0x11, 0)), jpegParts.eoi),
      /malformed frame header/,
    ],
  ])('refuses %s', (_name, bytes, why) => {
    expect(refusal(bytes(), 'image/jpeg')).toMatch(why);
  });
});

describe('stripPhoto, PNG', () => {
  it('the test image carries eXIf with a GPS position, text, compressed text, XMP and a time', () => {
    expect(pngChunks(aPngWithMetadata()).map((c) => c.type)).toEqual([
      'IHDR',
      'gAMA',
      'sRGB',
      'eXIf',
      'tEXt',
      'zTXt',
      'iTXt',
      'tIME',
      'pHYs',
      'IDAT',
      'IEND',
    ]);
    expect(metadataIn(aPngWithMetadata())).toEqual([
      'eXIf',
      'MM\0*',
      'Stationsplein 1, Assen',
      'GPSLatitude',
      'xpacket',
      'Location',
    ]);
  });

  it('keeps only the chunks the image needs, each with a valid CRC, and the same pixels', () => {
    const stripped = stripPhoto(aPngWithMetadata(), 'image/png');

    expect(pngChunks(stripped).map((c) => c.type)).toEqual(['IHDR', 'gAMA', 'sRGB', 'pHYs', 'IDAT', 'IEND']);
    expect(pngPixels(stripped).equals(pngRows)).toBe(true);
    expect(metadataIn(stripped)).toEqual([]);
  });

  it('keeps every kept chunk byte for byte, and drops what follows IEND', () => {
    const p = pngParts;
    const stripped = stripPhoto(
      Buffer.concat([aPngWithMetadata(), Buffer.from(`Exif trailer`)]),
      'image/png',
    );

    expect(stripped.equals(png(p.ihdr, p.gama, p.srgb, p.phys, p.idat, p.iend))).toBe(true);
  });

  it('drops a private ancillary chunk, and keeps an indexed image with its palette and transparency', () => {
    const p = pngParts;
    const ihdr = chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0]));
    const plte = chunk('PLTE', Buffer.of(10, 20, 30));
    const trns = chunk('tRNS', Buffer.of(128));
    const idat = chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]));
    const priv = chunk('prVt', Buffer.from(`where: ${'Assen'}`));

    expect(
      stripPhoto(png(ihdr, plte, priv, trns, idat, p.iend), 'image/png').equals(
        png(ihdr, plte, trns, idat, p.iend),
      ),
    ).toBe(true);
  });

  it.each([
    ['a PNG cut short', () => aPngWithMetadata().subarray(0, 200), /runs past the end|cut short/],
    ['a PNG without IEND', () => png(pngParts.ihdr, pngParts.idat), /ends before its IEND/],
    [
      'a PNG whose first chunk is not IHDR',
      () => png(pngParts.gama, pngParts.ihdr, pngParts.idat, pngParts.iend),
      /does not start with an IHDR/,
    ],
    ['a PNG without image data', () => png(pngParts.ihdr, pngParts.iend), /no IDAT/],
    [
      'a PNG with a chunk that fails its CRC',
      () => {
        const bytes = aPngWithMetadata();
        bytes[bytes.indexOf('tEXt') + 6]! ^= 0x01;
        return bytes;
      },
      /chunk tEXt that fails its CRC/,
    ],
    [
      'a PNG with an unknown critical chunk',
      () => png(pngParts.ihdr, chunk('CgBI', Buffer.alloc(4)), pngParts.idat, pngParts.iend),
      /unknown critical chunk CgBI/,
    ],
    [
      'a PNG with image data split by another chunk',
      () => png(pngParts.ihdr, pngParts.idat, pngParts.phys, pngParts.idat, pngParts.iend),
      /not consecutive/,
    ],
    [
      'a PNG with an impossible header',
      () =>
        png(
          chunk('IHDR', Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 8, 2, 0, 0, 0])),
          pngParts.idat,
          pngParts.iend,
        ),
      /impossible size/,
    ],
    [
      'an indexed PNG without a palette',
      () =>
        png(
          chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0])),
          pngParts.idat,
          pngParts.iend,
        ),
      /without a PLTE/,
    ],
  ])('refuses %s', (_name, bytes, why) => {
    expect(refusal(bytes(), 'image/png')).toMatch(why);
  });
});

describe('stripPhoto, the declared type', () => {
  it('refuses a PNG declared as a JPEG, and a JPEG declared as a PNG, naming what it is', () => {
    expect(refusal(aPngWithMetadata(), 'image/jpeg')).toBe('is a PNG, not the declared image/jpeg');
    expect(refusal(aJpegWithMetadata(), 'image/png')).toBe('is a JPEG, not the declared image/png');
  });

  it('refuses what is no image at all', () => {
    expect(refusal(Buffer.from('GIF89a....'), 'image/jpeg')).toBe('is not a JPEG');
    expect(refusal(Buffer.alloc(0), 'image/png')).toBe('is not a PNG');
  });

  it('tells the types apart by their first bytes', () => {
    expect(sniffPhotoType(aJpegWithMetadata())).toBe('image/jpeg');
    expect(sniffPhotoType(aPngWithMetadata())).toBe('image/png');
    expect(sniffPhotoType(Buffer.from('%PDF-1.7'))).toBeUndefined();
  });
});
