/* Mandelbrot set escape counts over an `n` x `n` grid: a tight loop of
 * double multiplies and compares with an early exit. */
#include "common.h"

EXPORT u64 run(u32 n) {
    u64 h = 0;
    u64 total = 0;
    for (u32 py = 0; py < n; py++) {
        double ci = 2.0 * (double)py / (double)n - 1.0;
        u32 row = 0;
        for (u32 px = 0; px < n; px++) {
            double cr = 2.5 * (double)px / (double)n - 2.0;
            double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
            u32 it = 0;
            while (it < 200 && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                it++;
            }
            total += it;
            row = row * 31 + it;
        }
        h = mix64(h, row);
    }
    return mix64(h, total);
}
