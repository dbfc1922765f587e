#!/usr/bin/env python3
"""mkimage.py -- test images without an image library.

  mkimage.py png W H FILE        an RGB gradient PNG
  mkimage.py bomb W H FILE       a 1-bit grey PNG: tiny file, W*H pixels
  mkimage.py exif JPEG TEXT OUT  JPEG with an EXIF ImageDescription of TEXT
"""
import struct
import sys
import zlib


def chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data +
            struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))


def png(w, h, depth, colour, rows):
    z = zlib.compressobj(6)
    idat = b''.join(z.compress(r) for r in rows) + z.flush()
    return (b'\x89PNG\r\n\x1a\n' +
            chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, colour, 0, 0, 0)) +
            chunk(b'IDAT', idat) + chunk(b'IEND', b''))


def main():
    mode = sys.argv[1]
    if mode == 'png':
        w, h, out = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        rows = (b'\x00' + bytes(v for x in range(w) for v in
                               (x * 255 // w, y * 255 // h, 128)) for y in range(h))
        data = png(w, h, 8, 2, rows)
    elif mode == 'bomb':
        w, h, out = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        row = b'\x00' + bytes((w + 7) // 8)
        data = png(w, h, 1, 0, (row for _ in range(h)))
    else:
        jpeg, text, out = open(sys.argv[2], 'rb').read(), sys.argv[3].encode() + b'\0', sys.argv[4]
        # TIFF (little-endian): one IFD entry, ImageDescription (0x010e).
        tiff = b'II*\0' + struct.pack('<I', 8) + struct.pack('<H', 1)
        tiff += struct.pack('<HHII', 0x010e, 2, len(text), 8 + 2 + 12 + 4)
        tiff += struct.pack('<I', 0) + text
        app1 = b'Exif\0\0' + tiff
        data = jpeg[:2] + b'\xff\xe1' + struct.pack('>H', len(app1) + 2) + app1 + jpeg[2:]
    with open(out, 'wb') as f:
        f.write(data)


main()
