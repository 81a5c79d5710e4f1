/*
 * Calls driven by the caller's own event loop (docker_client_invoke_start,
 * docker_pending_poll): a poll(2) loop of the test's own drives several calls
 * at once on one thread, against the test daemon and the TLS one; a freed
 * call closes its connection; bad input gets a code and a message.
 */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <time.h>

#include "check.h"

struct driven {
    docker_pending *call;
    docker_result result;
    char *answer;
    int socket_waits;  /* pending polls that named a socket to watch */
    int runtime_waits; /* pending polls that named none (the wake descriptor only) */
    int ended_as;      /* 1 for the first of the calls to end, 2 for the next, ... */
};

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Polls a pending call once and counts what it waits for, or that it ended. */
static void step(struct driven *call, int *fd, bool *writable, int *ended) {
    call->result = docker_pending_poll(call->call, fd, writable, &call->answer);
    if (call->result != DOCKER_RESULT_PENDING) {
        call->ended_as = ++*ended;
    } else if (*fd >= 0) {
        call->socket_waits++;
    } else {
        call->runtime_waits++;
    }
}

/* Drives `n` calls to their ends on this thread, within 60 s: one poll(2) over
 * what each pending call names (its socket and its wake descriptor), then a
 * poll of the calls whose descriptors are ready. */
static void drive(struct driven *calls, int n) {
    int ended = 0;
    for (int i = 0; i < n; i++) {
        calls[i].result = DOCKER_RESULT_PENDING;
    }
    /* The first poll of each: its request goes out. */
    int fds[16];
    bool writable[16];
    for (int i = 0; i < n; i++) {
        step(&calls[i], &fds[i], &writable[i], &ended);
    }
    double deadline = now_s() + 60;
    while (ended < n) {
        if (now_s() > deadline) {
            CHECK(!"the calls did not end within 60 s");
            break;
        }
        struct pollfd p[32];
        int owner[32];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (calls[i].result != DOCKER_RESULT_PENDING) {
                continue;
            }
            p[k] = (struct pollfd){docker_pending_wake_fd(calls[i].call), POLLIN, 0};
            owner[k++] = i;
            if (fds[i] >= 0) {
                p[k] = (struct pollfd){fds[i], writable[i] ? POLLOUT : POLLIN, 0};
                owner[k++] = i;
            }
        }
        if (poll(p, (nfds_t)k, 10000) <= 0) {
            CHECK(!"a pending call's descriptors stayed quiet for 10 s");
            break;
        }
        bool ready[16] = {false};
        for (int j = 0; j < k; j++) {
            if (p[j].revents != 0) {
                ready[owner[j]] = true;
            }
        }
        for (int i = 0; i < n; i++) {
            if (!ready[i] || calls[i].result != DOCKER_RESULT_PENDING) {
                continue;
            }
            step(&calls[i], &fds[i], &writable[i], &ended);
        }
    }
    CHECK(ended == n);
}

static void test_calls_on_my_own_loop(docker_client *c) {
    /* Five calls at once on this thread, one of them answered only when its
     * container exits, a second from now. */
    char *soon = run_container(c, "sleep 1");
    char wait_params[256];
    snprintf(wait_params, sizeof wait_params, "{\"id\": \"%s\"}", soon);
    struct driven calls[5] = {{0}};
    EXPECT(docker_client_invoke_start(c, "ContainerWait", wait_params, NULL, 0, &calls[0].call), DOCKER_RESULT_OK);
    EXPECT(docker_client_invoke_start(c, "SystemPing", NULL, NULL, 0, &calls[1].call), DOCKER_RESULT_OK);
    EXPECT(docker_client_invoke_start(c, "SystemVersion", NULL, NULL, 0, &calls[2].call), DOCKER_RESULT_OK);
    EXPECT(docker_client_invoke_start(c, "ContainerInspect", "{\"id\": \"libdocker-no-such-container\"}", NULL, 0,
                                      &calls[3].call),
           DOCKER_RESULT_OK);
    EXPECT(docker_client_invoke_start(c, "ContainerList", "{\"all\": true}", NULL, 0, &calls[4].call),
           DOCKER_RESULT_OK);
    drive(calls, 5);
    EXPECT(calls[0].result, DOCKER_RESULT_OK);
    CHECK(calls[0].answer != NULL && strstr(calls[0].answer, "\"StatusCode\":0") != NULL);
    /* It was pending while the others went on to their ends, and the loop's wait ended with its answer. */
    CHECK(calls[0].ended_as == 5 && calls[0].socket_waits + calls[0].runtime_waits >= 1);
    EXPECT(calls[1].result, DOCKER_RESULT_OK);
    CHECK(calls[1].answer != NULL && strcmp(calls[1].answer, "OK") == 0);
    EXPECT(calls[2].result, DOCKER_RESULT_OK);
    CHECK(calls[2].answer != NULL && strstr(calls[2].answer, "\"ApiVersion\"") != NULL);
    /* A daemon's refusal is its code and message, as from docker_client_invoke. */
    EXPECT(calls[3].result, DOCKER_RESULT_NOT_FOUND);
    CHECK(calls[3].answer == NULL && strstr(last_error(), "No such container") != NULL);
    EXPECT(calls[4].result, DOCKER_RESULT_OK);
    CHECK(calls[4].answer != NULL && calls[4].answer[0] == '[');
    for (int i = 0; i < 5; i++) {
        /* Ended: polling again is a misuse, said so. */
        char *again = NULL;
        int fd = 0;
        bool writable = true;
        EXPECT(docker_pending_poll(calls[i].call, &fd, &writable, &again), DOCKER_RESULT_INVALID_PARAMS);
        CHECK(fd == -1 && !writable);
        CHECK(again == NULL && strstr(last_error(), "ended already") != NULL);
        docker_string_free(calls[i].answer);
        docker_pending_free(calls[i].call);
    }
    remove_container(c, soon);
}

static void test_a_freed_call_closes_its_connection(docker_client *c, const char *id) {
    /* Warm: the runtime of pending calls is up, and no connection is idle. */
    struct driven warm = {0};
    EXPECT(docker_client_invoke_start(c, "SystemPing", NULL, NULL, 0, &warm.call), DOCKER_RESULT_OK);
    drive(&warm, 1);
    docker_string_free(warm.answer);
    docker_pending_free(warm.call);
    EXPECT(docker_client_close(c), DOCKER_RESULT_OK);
    int base = open_fds();

    /* A wait that would last minutes: its request goes out, then it is freed. */
    char params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s\"}", id);
    docker_pending *wait = NULL;
    EXPECT(docker_client_invoke_start(c, "ContainerWait", params, NULL, 0, &wait), DOCKER_RESULT_OK);
    int fd = -1;
    bool writable = true;
    char *out = NULL;
    EXPECT(docker_pending_poll(wait, &fd, &writable, &out), DOCKER_RESULT_PENDING);
    for (int i = 0; i < 20 && fd < 0; i++) {
        /* Still connecting (in the runtime): its wake-up says when to poll again. */
        struct pollfd w = {docker_pending_wake_fd(wait), POLLIN, 0};
        poll(&w, 1, 500);
        EXPECT(docker_pending_poll(wait, &fd, &writable, &out), DOCKER_RESULT_PENDING);
    }
    /* Its answer is awaited on its socket, which the caller's loop watches. */
    CHECK(fd >= 0 && !writable && out == NULL);
    CHECK(open_fds() == base + 2);              /* its connection and its wake descriptor */
    docker_pending_free(wait);
    CHECK(open_fds() == base); /* neither kept, nor put back for reuse */
    EXPECT(docker_client_ping(c), DOCKER_RESULT_OK);
}

/* Drives one pending call to its end; gives its result (its answer, if any, in *answer). */
static docker_result drive_one(docker_pending *call, char **answer) {
    struct driven d = {0};
    d.call = call;
    drive(&d, 1);
    *answer = d.answer;
    docker_pending_free(call);
    return d.result;
}

static void test_a_docker_call_on_my_own_loop(docker_client *c, const char *id) {
    char params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s\"}", id);
    char *answer = NULL;
    docker_pending *p = NULL;

    /* Its time limit ends a wait that would last minutes (a timer of the runtime, through the wake descriptor). */
    docker_call *call = NULL;
    EXPECT(docker_call_new("ContainerWait", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_params(call, params), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_timeout(call, 300), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_start(c, call, &p), DOCKER_RESULT_OK);
    double since = now_s();
    EXPECT(drive_one(p, &answer), DOCKER_RESULT_TIMEOUT);
    CHECK(answer == NULL && now_s() - since < 5);

    /* Its cancel handle, fired while it waits. */
    docker_cancel *cancel = docker_cancel_new();
    EXPECT(docker_call_new("ContainerWait", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_params(call, params), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_cancel(call, cancel), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_start(c, call, &p), DOCKER_RESULT_OK);
    int fd = -1;
    bool writable = false;
    EXPECT(docker_pending_poll(p, &fd, &writable, &answer), DOCKER_RESULT_PENDING);
    EXPECT(docker_cancel_fire(cancel), DOCKER_RESULT_OK);
    EXPECT(drive_one(p, &answer), DOCKER_RESULT_CANCELLED);
    CHECK(answer == NULL);
    docker_cancel_free(cancel);

    /* A request outside the table, with a header. */
    EXPECT(docker_call_new_raw("GET", "/_ping", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_add_header(call, "X-Libdocker-Test", "pending"), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_start(c, call, &p), DOCKER_RESULT_OK);
    EXPECT(drive_one(p, &answer), DOCKER_RESULT_OK);
    CHECK(answer != NULL && strcmp(answer, "OK") == 0);
    docker_string_free(answer);

    /* A stream, whether from the table or not, is refused. */
    EXPECT(docker_call_new("ContainerLogs", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_params(call, params), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_start(c, call, &p), DOCKER_RESULT_OK);
    EXPECT(drive_one(p, &answer), DOCKER_RESULT_WRONG_OUTPUT_KIND);
    char path[256];
    snprintf(path, sizeof path, "/containers/%s/logs?stdout=1", id);
    EXPECT(docker_call_new_raw("GET", path, &call), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_start(c, call, &p), DOCKER_RESULT_OK);
    EXPECT(drive_one(p, &answer), DOCKER_RESULT_WRONG_OUTPUT_KIND);
    CHECK(answer == NULL);
}

static void test_a_tls_daemon_wakes_the_loop_through_the_wake_descriptor(void) {
    /* TLS is read in the runtime: every wait is on the wake descriptor (an
     * answer may also be there by the time a slow first poll reads). */
    docker_client *tls = connect_tls_daemon();
    int runtime_waits = 0;
    for (int round = 0; round < 2; round++) {
        struct driven calls[2] = {{0}};
        EXPECT(docker_client_invoke_start(tls, "SystemPing", NULL, NULL, 0, &calls[0].call), DOCKER_RESULT_OK);
        EXPECT(docker_client_invoke_start(tls, "SystemVersion", NULL, NULL, 0, &calls[1].call), DOCKER_RESULT_OK);
        drive(calls, 2);
        EXPECT(calls[0].result, DOCKER_RESULT_OK);
        CHECK(calls[0].answer != NULL && strcmp(calls[0].answer, "OK") == 0);
        EXPECT(calls[1].result, DOCKER_RESULT_OK);
        CHECK(calls[1].answer != NULL && strstr(calls[1].answer, "\"ApiVersion\"") != NULL);
        for (int i = 0; i < 2; i++) {
            /* Never a socket to watch: TLS is read in the runtime. */
            CHECK(calls[i].socket_waits == 0);
            runtime_waits += calls[i].runtime_waits;
            docker_string_free(calls[i].answer);
            docker_pending_free(calls[i].call);
        }
    }
    CHECK(runtime_waits >= 1);
    docker_client_free(tls);
}

static ptrdiff_t no_body(void *userdata, uint8_t *buf, size_t len) {
    (void)userdata;
    (void)buf;
    (void)len;
    return 0;
}

static void test_bad_input(docker_client *c) {
    docker_pending *p = NULL;
    EXPECT(docker_client_invoke_start(NULL, "SystemPing", NULL, NULL, 0, &p), DOCKER_RESULT_NULL_PARAMETER);
    CHECK(p == NULL && strstr(last_error(), "client") != NULL);
    EXPECT(docker_client_invoke_start(c, NULL, NULL, NULL, 0, &p), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_client_invoke_start(c, "SystemPing", NULL, NULL, 0, NULL), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_client_invoke_start(c, "System\xff", NULL, NULL, 0, &p), DOCKER_RESULT_INVALID_UTF8);
    CHECK(strstr(last_error(), "`op`") != NULL);
    EXPECT(docker_client_invoke_start(c, "ContainerList", "{not json", NULL, 0, &p), DOCKER_RESULT_INVALID_PARAMS);
    CHECK(p == NULL);
    /* Told when polled: an unknown operation, an unknown parameter, a stream. */
    const char *ops[3][2] = {
        {"NoSuchOperation", NULL},
        {"ContainerList", "{\"bogus\": 1}"},
        {"ContainerLogs", "{\"id\": \"x\"}"},
    };
    docker_result expected[3] = {DOCKER_RESULT_INVALID_PARAMS, DOCKER_RESULT_INVALID_PARAMS,
                                 DOCKER_RESULT_WRONG_OUTPUT_KIND};
    for (int i = 0; i < 3; i++) {
        struct driven call = {0};
        EXPECT(docker_client_invoke_start(c, ops[i][0], ops[i][1], NULL, 0, &call.call), DOCKER_RESULT_OK);
        drive(&call, 1);
        EXPECT(call.result, expected[i]);
        CHECK(call.answer == NULL);
        docker_pending_free(call.call);
    }
    char *out = NULL;
    int fd = -1;
    bool writable = false;
    EXPECT(docker_pending_poll(NULL, &fd, &writable, &out), DOCKER_RESULT_NULL_PARAMETER);
    /* Where to watch must be asked for: a call nobody watches would never end. */
    EXPECT(docker_client_invoke_start(c, "SystemPing", NULL, NULL, 0, &p), DOCKER_RESULT_OK);
    EXPECT(docker_pending_poll(p, NULL, &writable, &out), DOCKER_RESULT_NULL_PARAMETER);
    CHECK(strstr(last_error(), "out_fd") != NULL);
    EXPECT(docker_pending_poll(p, &fd, NULL, &out), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_pending_poll(p, &fd, &writable, NULL), DOCKER_RESULT_NULL_PARAMETER);
    docker_pending_free(p);
    CHECK(docker_pending_wake_fd(NULL) == -1);
    docker_pending_free(NULL);
    /* A body read through a callback is not for the caller's loop; the call is consumed all the same. */
    docker_call *call = NULL;
    EXPECT(docker_call_new("ImageBuild", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_body_reader(call, no_body, NULL), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_start(c, call, &p), DOCKER_RESULT_INVALID_PARAMS);
    CHECK(p == NULL && strstr(last_error(), "docker_client_call") != NULL);
    EXPECT(docker_client_call_start(c, NULL, &p), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_call_new_raw("GET", "/_ping", &call), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_start(NULL, call, &p), DOCKER_RESULT_NULL_PARAMETER);
    CHECK(strcmp(docker_result_name(DOCKER_RESULT_PENDING), "pending") == 0);
}

int main(void) {
    docker_client *c = connect_test_daemon();
    char *id = run_container(c, "sleep 300");
    RUN(test_calls_on_my_own_loop, c);
    RUN(test_a_freed_call_closes_its_connection, c, id);
    RUN(test_a_docker_call_on_my_own_loop, c, id);
    RUN(test_a_tls_daemon_wakes_the_loop_through_the_wake_descriptor);
    RUN(test_bad_input, c);
    remove_container(c, id);
    docker_client_free(c);
    return finish("C ABI: calls on the caller's loop");
}
