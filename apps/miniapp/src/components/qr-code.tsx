import { Image } from '@tarojs/components';
import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/**
 * Pixels across the image at least: the 180px the codes are shown at. An image is shrunk to fit
 * its square but never stretched, so a short code's (a pickup code) would sit small in a corner.
 */
const MIN_PIXELS = 180;

/** A code as a QR image (the member code, a pickup code): a GIF data URL, which both WeChat and browsers show. */
export function QrCode({ code, className }: { code: string; className?: string }) {
  const src = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(code);
    qr.make();
    // A quiet zone of two modules each side, as scanners need.
    const cell = Math.ceil(MIN_PIXELS / (qr.getModuleCount() + 4));
    return qr.createDataURL(cell, cell * 2);
  }, [code]);
  return <Image className={className} src={src} mode="aspectFit" />;
}
