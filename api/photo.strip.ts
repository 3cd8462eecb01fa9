import { crc32 } from 'node:zlib';

/** The image types a case photo may have. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** An upload that is not a well-formed image of its declared type; the message says why. */
export class MalformedPhoto extends Error {
  override readonly name = 'MalformedPhoto';
}

function fail(why: string): never {
  throw new MalformedPhoto(why);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the first bytes say an upload is, whatever it was declared as. */
export function sniffPhotoType(bytes: Uint8Array): PhotoType | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'image/png';
  return undefined;
}

/**
 * The image without its metadata (EXIF with its GPS position, XMP, IPTC, ICC profiles, comments, text),
 * every kept segment or chunk byte for byte. Refuses, with `MalformedPhoto`, bytes that are not of the
 * declared type or not a well-formed sequence of JPEG segments or PNG chunks: what cannot be parsed
 * cannot be known to be clean. Anything after the end of the image goes too.
 */
export function stripPhoto(bytes: Buffer, type: PhotoType): Buffer {
  const actual = sniffPhotoType(bytes);
  if (actual !== type)
    fail(actual ? `is a ${nameOf[actual]}, not the declared ${type}` : `is not a ${nameOf[type]}`);
  return type === 'image/jpeg' ? stripJpeg(bytes) : stripPng(bytes);
}

const nameOf: Record<PhotoType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

// JPEG markers (ITU T.81, B.1.1.3): the ones without a length, the frame headers, and where metadata lives.
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP14 = 0xee;
const COM = 0xfe;
const isRst = (code: number) => code >= 0xd0 && code <= 0xd7;
const isApp = (code: number) => code >= APP0 && code <= 0xef;
/** Start-of-frame markers: C0–CF except DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (code: number) => code >= 0xc0 && code <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(code);
/** Every marker that carries a length in T.81 and its extensions (C0–FE but the RSTs, SOI and EOI). */
const hasLength = (code: number) =>
  code >= 0xc0 && code <= 0xfe && !isRst(code) && code !== SOI && code !== EOI;

/**
 * Keeps an APPn segment only when it is codec data, not metadata: the JFIF header (APP0 "JFIF\0"), and
 * Adobe's 12-byte colour-transform segment (APP14 "Adobe"), without which a CMYK or YCCK image decodes in
 * the wrong colours. Every other APPn goes: EXIF and XMP (APP1), ICC and MPF (APP2), IPTC (APP13) and the rest.
 */
function isCodecApp(code: number, payload: Buffer): boolean {
  if (code === APP0) return payload.subarray(0, 5).toString('latin1') === 'JFIF\0';
  if (code === APP14) return payload.length === 12 && payload.subarray(0, 5).toString('latin1') === 'Adobe';
  return false;
}

function stripJpeg(b: Buffer): Buffer {
  const kept: Buffer[] = [b.subarray(0, 2)];
  let at = 2;
  let frame = false;
  let scan = false;
  for (;;) {
    if (at >= b.length) fail('ends before its end-of-image marker');
    if (b[at] !== 0xff) fail(`has no marker where a segment should start (byte ${at})`);
    // A marker may be preceded by fill bytes (0xFF); they are kept with it.
    let codeAt = at + 1;
    while (b[codeAt] === 0xff) codeAt++;
    const code = b[codeAt];
    if (code === undefined) fail('ends inside a marker');
    if (code === EOI) {
      if (!scan) fail('ends before any image data');
      kept.push(b.subarray(at, codeAt + 1));
      return Buffer.concat(kept);
    }
    if (!hasLength(code)) fail(`has an unexpected marker 0xFF${hex(code)} (byte ${codeAt})`);
    if (codeAt + 2 >= b.length) fail('ends inside a segment header');
    const length = b.readUInt16BE(codeAt + 1);
    const end = codeAt + 1 + length;
    if (length < 2 || end > b.length) fail(`has a segment 0xFF${hex(code)} that runs past the end`);
    const payload = b.subarray(codeAt + 3, end);
    if (isSof(code)) {
      checkFrame(payload);
      frame = true;
    }
    if ((!isApp(code) && code !== COM) || isCodecApp(code, payload)) kept.push(b.subarray(at, end));
    at = end;
    if (code === SOS) {
      if (!frame) fail('has image data before its frame header');
      const dataEnd = entropyDataEnd(b, end);
      kept.push(b.subarray(end, dataEnd));
      at = dataEnd;
      scan = true;
    }
  }
}

/** A frame header: precision, a non-zero width, and three bytes for each of its one or more components. */
function checkFrame(payload: Buffer): void {
  const components = payload[5] ?? 0;
  if (payload.length < 6 || components === 0 || payload.length !== 6 + 3 * components)
    fail('has a malformed frame header');
  if (payload.readUInt16BE(3) === 0) fail('has a frame header of width 0');
}

/** Where a scan's entropy-coded data ends: at the first marker that is neither a stuffed 0x00 nor an RST. */
function entropyDataEnd(b: Buffer, from: number): number {
  let at = from;
  for (;;) {
    at = b.indexOf(0xff, at);
    if (at < 0 || at + 1 >= b.length) fail('ends inside its image data');
    const next = b[at + 1] ?? fail('ends inside its image data');
    if (next === 0x00 || isRst(next)) at += 2;
    else return at;
  }
}

const hex = (code: number) => code.toString(16).toUpperCase().padStart(2, '0');

/**
 * The PNG chunks an image needs to be shown as it was meant (PNG spec, 3rd ed.): the critical ones and
 * those about transparency, colour and pixel size. eXIf, tEXt, zTXt, iTXt (XMP), tIME, iCCP, animation and
 * any private chunk go.
 */
const KEPT_PNG_CHUNKS = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'sBIT',
  'pHYs',
]);

/** Bit depths each PNG colour type allows. */
const PNG_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

function stripPng(b: Buffer): Buffer {
  const kept: Buffer[] = [PNG_SIGNATURE];
  let at = PNG_SIGNATURE.length;
  let colourType: number | undefined;
  let palette = false;
  let data: 'none' | 'reading' | 'done' = 'none';
  while (at < b.length) {
    if (at + 12 > b.length) fail(`has a chunk cut short (byte ${at})`);
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) fail(`has a chunk with an invalid type (byte ${at})`);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > b.length) fail(`has a chunk ${type} that runs past the end`);
    if (crc32(b.subarray(at + 4, end - 4)) !== b.readUInt32BE(end - 4))
      fail(`has a chunk ${type} that fails its CRC`);
    const body = b.subarray(at + 8, end - 4);
    if ((colourType === undefined) !== (type === 'IHDR'))
      fail(type === 'IHDR' ? 'has a second IHDR chunk' : 'does not start with an IHDR chunk');
    if (type === 'IHDR') colourType = checkHeader(body);
    // A critical chunk we do not know (its type starts upper case) means an image we cannot vouch for.
    if (!KEPT_PNG_CHUNKS.has(type) && type[0]! <= 'Z') fail(`has an unknown critical chunk ${type}`);
    if (type === 'PLTE') {
      if (data !== 'none') fail('has a PLTE chunk after its image data');
      palette = true;
    }
    if (type === 'IDAT') {
      if (data === 'done') fail('has IDAT chunks that are not consecutive');
      if (colourType === 3 && !palette) fail('has an indexed-colour image without a PLTE chunk');
      data = 'reading';
    } else if (data === 'reading') data = 'done';
    if (type === 'IEND') {
      if (data === 'none') fail('has no IDAT chunk');
      kept.push(b.subarray(at, end));
      return Buffer.concat(kept);
    }
    if (KEPT_PNG_CHUNKS.has(type)) kept.push(b.subarray(at, end));
    at = end;
  }
  return fail('ends before its IEND chunk');
}

/** Checks an IHDR chunk's body and answers its colour type. */
function checkHeader(body: Buffer): number {
  if (body.length !== 13) fail('has an IHDR chunk of the wrong length');
  const width = body.readUInt32BE(0);
  const height = body.readUInt32BE(4);
  const [depth, colourType, compression, filter, interlace] = body.subarray(8);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
    fail('has an IHDR chunk with an impossible size');
  if (!PNG_DEPTHS[colourType!]?.includes(depth!))
    fail('has an IHDR chunk with an invalid colour type or depth');
  if (compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1))
    fail('has an IHDR chunk with an unknown compression, filter or interlace method');
  return colourType!;
}
