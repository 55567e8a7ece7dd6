// A camera for Chromium to see: a Y4M video (Chromium's
// --use-file-for-fake-video-capture) of what another browser drew on its
// screen, as a phone held up to a kiosk or to another phone would film it.
// The picture is a PNG screenshot (Playwright's) of the element: decoded
// here with node:zlib alone, turned to grey, centred on a white frame.
import { writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/** Decodes an 8-bit, non-interlaced PNG (grey, grey+alpha, RGB or RGBA) into grey levels 0–255, over white. */
export function decodePng(png) {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let width = 0, height = 0, depth = 0, type = 0, interlace = 0;
  const idat = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const kind = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + len);
    if (kind === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      depth = body[8];
      type = body[9];
      interlace = body[12];
    } else if (kind === 'IDAT') idat.push(body);
    else if (kind === 'IEND') break;
    at += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[type];
  if (depth !== 8 || !channels || interlace) throw new Error(`unsupported PNG: depth ${depth}, colour type ${type}, interlace ${interlace}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  // Undo each row's filter (PNG spec, section 9).
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[out + i - channels] : 0;
      const b = y > 0 ? pixels[out - stride + i] : 0;
      const c = y > 0 && i >= channels ? pixels[out - stride + i - channels] : 0;
      let v = row[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter}`);
      pixels[out + i] = v & 0xff;
    }
  }
  const grey = new Uint8Array(width * height);
  for (let p = 0; p < width * height; p++) {
    const px = pixels.subarray(p * channels, (p + 1) * channels);
    const [r, g, b] = channels >= 3 ? px : [px[0], px[0], px[0]];
    const alpha = channels === 4 ? px[3] : channels === 2 ? px[1] : 255;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    grey[p] = Math.round((y * alpha + 255 * (255 - alpha)) / 255);
  }
  return { width, height, grey };
}

/**
 * Writes a Y4M video of frames copies of the PNG picture, shrunk (by whole
 * factors, averaging) to fit 90 % of the frame and centred on white.
 */
export function writeCameraVideo(path, png, { width = 640, height = 480, frames = 3 } = {}) {
  const img = decodePng(png);
  const k = Math.max(1, Math.ceil(Math.max(img.width / (width * 0.9), img.height / (height * 0.9))));
  const w = Math.floor(img.width / k);
  const h = Math.floor(img.height / k);
  const ox = Math.floor((width - w) / 2);
  const oy = Math.floor((height - h) / 2);
  const luma = Buffer.alloc(width * height, 235); // white (BT.601 studio range)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) sum += img.grey[(y * k + dy) * img.width + x * k + dx];
      luma[(oy + y) * width + ox + x] = 16 + Math.round(((sum / (k * k)) * 219) / 255);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128); // no colour
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), luma, chroma);
  writeFileSync(path, Buffer.concat(parts));
}

/** A white frame: what a camera sees before anything is held up to it. */
export function writeBlankVideo(path, { width = 640, height = 480 } = {}) {
  const frame = Buffer.concat([Buffer.alloc(width * height, 235), Buffer.alloc((width / 2) * (height / 2) * 2, 128)]);
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), Buffer.from('FRAME\n'), frame]));
}
