// A camera for Chromium to see: a Y4M video (Chromium's
// --use-file-for-fake-video-capture) of a QR code, white around it, as the
// phone would film a kiosk's screen. The QR code is made with uqr, the
// library the app draws its codes with, from the text the kiosk shows.
import { writeFileSync } from 'node:fs';
import { encode } from 'uqr';

export function writeQrVideo(path, text, { width = 640, height = 480, frames = 3 } = {}) {
  const { data } = encode(text, { ecc: 'M', border: 4 });
  const n = data.length;
  const scale = Math.floor((Math.min(width, height) * 0.9) / n);
  const ox = Math.floor((width - n * scale) / 2);
  const oy = Math.floor((height - n * scale) / 2);
  const luma = Buffer.alloc(width * height, 235); // white
  data.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        const start = (oy + r * scale + dy) * width + ox + c * scale;
        luma.fill(16, start, start + scale); // black
      }
    }),
  );
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128); // no colour
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), luma, chroma);
  writeFileSync(path, Buffer.concat(parts));
}
