// Exercises clocks, sleeping, polling, yielding and random bytes. Prints
// only facts that hold on any host, so the output is fixed.
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            printf("FAILED line %d: %s (errno %d: %s)\n", __LINE__, #cond, \
                   errno, strerror(errno));                                 \
            exit(1);                                                        \
        }                                                                   \
    } while (0)

static int64_t nanos(clockid_t clock) {
    struct timespec ts;
    CHECK(clock_gettime(clock, &ts) == 0);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(void) {
    // 2020-01-01 is 1577836800.
    printf("realtime after 2020: %d\n", nanos(CLOCK_REALTIME) / 1000000000 > 1577836800);
    printf("time() after 2020: %d\n", time(NULL) > 1577836800);

    int64_t last = nanos(CLOCK_MONOTONIC);
    int monotonic = 1;
    for (int i = 0; i < 1000; i++) {
        int64_t now = nanos(CLOCK_MONOTONIC);
        monotonic &= now >= last;
        last = now;
    }
    printf("monotonic never goes back: %d\n", monotonic);

    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
    printf("monotonic resolution positive and under 1ms: %d\n",
           res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec < 1000000);
    printf("process cputime readable: %d\n", nanos(CLOCK_PROCESS_CPUTIME_ID) >= 0);

    // Sleep: relative, through nanosleep (a poll_oneoff clock subscription).
    int64_t before = nanos(CLOCK_MONOTONIC);
    struct timespec nap = {0, 20 * 1000000};
    CHECK(nanosleep(&nap, NULL) == 0);
    int64_t slept = nanos(CLOCK_MONOTONIC) - before;
    printf("nanosleep 20ms slept at least 20ms: %d\n", slept >= 20 * 1000000);

    // Sleep until an absolute realtime deadline.
    struct timespec deadline;
    CHECK(clock_gettime(CLOCK_REALTIME, &deadline) == 0);
    deadline.tv_nsec += 10 * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000;
    }
    CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &deadline, NULL) == 0);
    struct timespec after;
    CHECK(clock_gettime(CLOCK_REALTIME, &after) == 0);
    printf("absolute sleep reached its deadline: %d\n",
           after.tv_sec > deadline.tv_sec ||
               (after.tv_sec == deadline.tv_sec && after.tv_nsec >= deadline.tv_nsec));

    // poll(): a timeout alone, then stdin (ready: it holds bytes or is at EOF).
    before = nanos(CLOCK_MONOTONIC);
    CHECK(poll(NULL, 0, 15) == 0);
    printf("poll timeout waited at least 15ms: %d\n",
           nanos(CLOCK_MONOTONIC) - before >= 15 * 1000000);
    struct pollfd fds[2] = {{0, POLLIN, 0}, {1, POLLOUT, 0}};
    int ready = poll(fds, 2, 1000);
    printf("poll stdin+stdout ready: %d, stdin readable %d, stdout writable %d\n", ready,
           (fds[0].revents & POLLIN) != 0, (fds[1].revents & POLLOUT) != 0);

    printf("sched_yield: %d\n", sched_yield());

    unsigned char a[32], b[32], zero[32] = {0};
    CHECK(getentropy(a, sizeof a) == 0);
    CHECK(getentropy(b, sizeof b) == 0);
    printf("random bytes differ: %d, nonzero: %d\n", memcmp(a, b, sizeof a) != 0,
           memcmp(a, zero, sizeof a) != 0);
    return 0;
}
