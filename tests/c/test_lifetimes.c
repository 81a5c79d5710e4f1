/*
 * Lifetimes in C, against the real daemon: 64 MiB through `cat` with one thread
 * writing stdin while another reads the output; a waiting stream, a waiting
 * call and a waiting attach read cancelled from another thread; a callback that
 * stops its stream; and the process's open files back to where they were. Run by
 * tests/c/run.sh (plain, valgrind, ASan).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* ---- 64 MiB through cat: one thread writes while this one reads ---- */

#define BIG (64u * 1024 * 1024)

static uint8_t pattern(size_t i) {
    return (uint8_t)((i * 2654435761u) >> 24);
}

struct writer {
    docker_attach *attach;
    docker_result result;
};

static void *write_stdin(void *arg) {
    struct writer *w = arg;
    static uint8_t piece[65536];
    w->result = DOCKER_RESULT_OK;
    for (size_t at = 0; at < BIG && w->result == DOCKER_RESULT_OK; at += sizeof piece) {
        for (size_t i = 0; i < sizeof piece; i++) {
            piece[i] = pattern(at + i);
        }
        w->result = docker_attach_write(w->attach, piece, sizeof piece);
    }
    if (w->result == DOCKER_RESULT_OK) {
        w->result = docker_attach_close_stdin(w->attach);
    }
    return NULL;
}

struct checked {
    size_t len;
    size_t mismatches;
    size_t on_stderr;
};

static int32_t check_pattern(void *userdata, docker_stream stream, const uint8_t *data, size_t len) {
    struct checked *c = userdata;
    if (stream == DOCKER_STREAM_STDERR) {
        c->on_stderr += len;
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        c->mismatches += data[i] != pattern(c->len + i);
    }
    c->len += len;
    return 0;
}

static char *exec_in(docker_client *c, const char *id, const char *cmd_json) {
    char params[512];
    snprintf(params, sizeof params,
             "{\"id\": \"%s\", \"execConfig\": {\"Cmd\": %s, \"AttachStdin\": true,"
             " \"AttachStdout\": true, \"AttachStderr\": true}}",
             id, cmd_json);
    return invoke_for_id(c, "ContainerExec", params);
}

static docker_attach *start(docker_client *c, const char *exec_id) {
    char params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s\", \"execStartConfig\": {\"Detach\": false}}",
             exec_id);
    docker_attach *a = NULL;
    EXPECT(docker_client_attach(c, "ExecStart", params, &a), DOCKER_RESULT_OK);
    if (a == NULL) {
        exit(1);
    }
    return a;
}

static void test_64_mib_through_cat(docker_client *c, const char *id) {
    char *exec_id = exec_in(c, id, "[\"cat\"]");
    docker_attach *a = start(c, exec_id);
    struct writer w = {a, DOCKER_RESULT_OK};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, write_stdin, &w) == 0);
    struct checked got = {0};
    EXPECT(docker_attach_read(a, check_pattern, &got), DOCKER_RESULT_OK);
    pthread_join(t, NULL);
    EXPECT(w.result, DOCKER_RESULT_OK);
    CHECK(got.len == BIG);
    CHECK(got.mismatches == 0);
    CHECK(got.on_stderr == 0);
    docker_attach_free(a);

    char params[256], *inspect = NULL;
    snprintf(params, sizeof params, "{\"id\": \"%s\"}", exec_id);
    EXPECT(docker_client_invoke(c, "ExecInspect", params, NULL, 0, &inspect), DOCKER_RESULT_OK);
    CHECK(inspect != NULL && strstr(inspect, "\"ExitCode\":0") != NULL);
    docker_string_free(inspect);
    free(exec_id);
}

/* ---- cancelling from another thread ---- */

struct firing {
    docker_cancel *cancel;
    docker_attach *attach;
    long after_ms;
};

static void *fire_later(void *arg) {
    struct firing *f = arg;
    sleep_ms(f->after_ms);
    if (f->attach != NULL) {
        docker_attach_cancel(f->attach);
    } else {
        docker_cancel_fire(f->cancel);
    }
    return NULL;
}

static int32_t count_only(void *userdata, docker_stream stream, const uint8_t *data, size_t len) {
    (void)stream;
    (void)data;
    (void)len;
    (*(int *)userdata)++;
    return 0;
}

static int32_t cancel_from_callback(void *userdata, docker_stream stream, const uint8_t *data,
                                    size_t len) {
    (void)stream;
    (void)data;
    (void)len;
    docker_cancel_fire(userdata);
    return 0;
}

static void test_cancelled_from_another_thread(docker_client *c, const char *id) {
    /* A stream of events that would never end. */
    docker_cancel *cancel = docker_cancel_new();
    docker_call *call = NULL;
    EXPECT(docker_call_new("SystemEvents", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_cancel(call, cancel), DOCKER_RESULT_OK);
    struct firing f = {cancel, NULL, 200};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, fire_later, &f) == 0);
    int items = 0;
    EXPECT(docker_client_call_stream(c, call, count_only, &items), DOCKER_RESULT_CANCELLED);
    pthread_join(t, NULL);
    CHECK(docker_cancel_is_fired(cancel));
    EXPECT(docker_cancel_fire(cancel), DOCKER_RESULT_OK); /* again: nothing happens */
    docker_cancel_free(cancel);

    /* A wait that would last minutes (the answer read on a blocking socket). */
    cancel = docker_cancel_new();
    char params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s\"}", id);
    EXPECT(docker_call_new("ContainerWait", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_params(call, params), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_cancel(call, cancel), DOCKER_RESULT_OK);
    f = (struct firing){cancel, NULL, 200};
    CHECK(pthread_create(&t, NULL, fire_later, &f) == 0);
    char *out = NULL;
    EXPECT(docker_client_call(c, call, &out), DOCKER_RESULT_CANCELLED);
    CHECK(out == NULL);
    pthread_join(t, NULL);

    /* Fired already: the next call with it ends before anything is sent. */
    EXPECT(docker_call_new("SystemInfo", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_cancel(call, cancel), DOCKER_RESULT_OK);
    EXPECT(docker_client_call(c, call, &out), DOCKER_RESULT_CANCELLED);
    docker_cancel_free(cancel);

    /* Fired from inside the stream's own callback. */
    cancel = docker_cancel_new();
    EXPECT(docker_call_new("SystemEvents", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_params(call, "{\"since\": \"0\"}"), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_cancel(call, cancel), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_stream(c, call, cancel_from_callback, cancel),
           DOCKER_RESULT_CANCELLED);
    docker_cancel_free(cancel);

    /* An attach read waiting for output that never comes. */
    char *exec_id = exec_in(c, id, "[\"cat\"]");
    docker_attach *a = start(c, exec_id);
    f = (struct firing){NULL, a, 200};
    CHECK(pthread_create(&t, NULL, fire_later, &f) == 0);
    EXPECT(docker_attach_read(a, count_only, &items), DOCKER_RESULT_CANCELLED);
    pthread_join(t, NULL);
    EXPECT(docker_attach_cancel(a), DOCKER_RESULT_OK); /* again: nothing happens */
    docker_attach_free(a);
    free(exec_id);

    EXPECT(docker_cancel_fire(NULL), DOCKER_RESULT_NULL_PARAMETER);
    CHECK(!docker_cancel_is_fired(NULL));
    docker_cancel_free(NULL);
    EXPECT(docker_attach_cancel(NULL), DOCKER_RESULT_NULL_PARAMETER);
}

static void test_close_releases_idle_connections(void) {
    int fds = open_fds();
    docker_client *c = connect_test_daemon();
    EXPECT(docker_client_ping(c), DOCKER_RESULT_OK);
    CHECK(open_fds() == fds + 1); /* the pinged connection, kept for reuse */
    EXPECT(docker_client_close(c), DOCKER_RESULT_OK);
    CHECK(open_fds() == fds);
    EXPECT(docker_client_close(c), DOCKER_RESULT_OK); /* again: nothing happens */
    EXPECT(docker_client_ping(c), DOCKER_RESULT_OK);  /* still usable */
    docker_client_free(c);
    CHECK(open_fds() == fds);
    EXPECT(docker_client_close(NULL), DOCKER_RESULT_NULL_PARAMETER);
}

int main(void) {
    RUN(test_close_releases_idle_connections);
    int fds = open_fds();
    docker_client *c = connect_test_daemon();
    char *id = run_container(c, "sleep 300");
    RUN(test_64_mib_through_cat, c, id);
    RUN(test_cancelled_from_another_thread, c, id);
    remove_container(c, id);
    docker_client_free(c);
    /* Every connection was closed with the client (and every cancelled one before). */
    CHECK(open_fds() == fds);
    return finish("C ABI lifetimes");
}
