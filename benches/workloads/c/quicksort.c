/* Recursive quicksort (median of three, insertion sort for short runs) of
 * pseudo-random 32-bit keys, then a check that the output is sorted. */
#include "common.h"

#define MAX_LEN 200000

static i32 keys[MAX_LEN];

static void insertion(i32 *a, i32 lo, i32 hi) {
    for (i32 i = lo + 1; i <= hi; i++) {
        i32 v = a[i];
        i32 j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap(i32 *a, i32 i, i32 j) {
    i32 t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quicksort(i32 *a, i32 lo, i32 hi) {
    while (hi - lo > 16) {
        i32 mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        i32 pivot = a[mid];
        i32 i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                swap(a, i, j);
                i++;
                j--;
            }
        }
        /* Recurse into the smaller half so the stack stays shallow. */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion(a, lo, hi);
}

EXPORT u64 run(u32 n) {
    if (n > MAX_LEN) n = MAX_LEN;
    u32 seed = 0x9e3779b9;
    for (u32 i = 0; i < n; i++) keys[i] = (i32)rng_next(&seed);
    quicksort(keys, 0, (i32)n - 1);
    u64 h = 0;
    for (u32 i = 0; i < n; i++) {
        if (i > 0 && keys[i - 1] > keys[i]) return 0; /* unsorted: wrong */
        h = mix64(h, (u32)keys[i] ^ i);
    }
    return h;
}
