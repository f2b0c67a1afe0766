import { Image } from '@tarojs/components';
import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/** A code as a QR image (the member code, a pickup code): a GIF data URL, which both WeChat and browsers show. */
export function QrCode({ code, className }: { code: string; className?: string }) {
  const src = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(code);
    qr.make();
    return qr.createDataURL(6, 8);
  }, [code]);
  return <Image className={className} src={src} mode="aspectFit" />;
}
