/*
 * What the C tests share: CHECK and EXPECT (which count failures and print the
 * library's message), RUN (which runs a test and prints its result line), a
 * client of the test daemon, containers of the test image, and callbacks that
 * gather a stream's output or its JSON items.
 */
#ifndef LIBDOCKER_TEST_CHECK_H
#define LIBDOCKER_TEST_CHECK_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker.h"

static int failures = 0;


#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                   \
            failures++;                                                       \
        }                                                                     \
    } while (0)

/* Checks that a call gave `expected`, printing the error message otherwise. */
#define EXPECT(call, expected)                                                  \
    do {                                                                        \
        docker_result r_ = (call);                                              \
        if (r_ != (expected)) {                                                 \
            fprintf(stderr, "%s:%d: %s gave %u (%s): %s\n", __FILE__, __LINE__, \
                    #call, (unsigned)r_, docker_result_name(r_), last_error()); \
            failures++;                                                         \
        }                                                                       \
    } while (0)

/*
 * Runs `test_fn(...)` and prints "test <file>::<test_fn> ... ok" (or "... FAILED"
 * when a check failed during it) to stdout.
 */
#define RUN(test_fn, ...)                                                         \
    do {                                                                          \
        int failures_before_ = failures;                                          \
        test_fn(__VA_ARGS__);                                                     \
        printf("test %s::%s ... %s\n", __FILE__, #test_fn,                        \
               failures == failures_before_ ? "ok" : "FAILED");                   \
        fflush(stdout);                                                           \
    } while (0)

/* Open file descriptors of this process. */
static inline int open_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) {
        return -1;
    }
    while (readdir(d) != NULL) {
        n++;
    }
    closedir(d);
    return n;
}

static inline const char *last_error(void) {
    static char buf[4096];
    size_t n = 0;
    if (docker_error_message(buf, sizeof buf, &n) != DOCKER_RESULT_OK) {
        return "(message too long)";
    }
    return buf;
}

#define TEST_IMAGE "libdocker-test/busybox:latest"

/* Output gathered by the callbacks. */
struct output {
    char out[4096];
    size_t out_len;
    char err[4096];
    size_t err_len;
    int calls;
    int stop_after; /* 0: never */
};

static inline int32_t gather(void *userdata, docker_stream stream, const uint8_t *data, size_t len) {
    struct output *o = userdata;
    o->calls++;
    char *dst = stream == DOCKER_STREAM_STDERR ? o->err : o->out;
    size_t *n = stream == DOCKER_STREAM_STDERR ? &o->err_len : &o->out_len;
    size_t room = sizeof o->out - 1 - *n;
    size_t take = len < room ? len : room;
    memcpy(dst + *n, data, take);
    *n += take;
    dst[*n] = 0;
    return o->stop_after != 0 && o->calls >= o->stop_after;
}

/* JSON items of a stream, joined. */
struct items {
    char text[65536];
    size_t len;
    int count;
};

static inline int32_t gather_items(void *userdata, docker_stream stream, const uint8_t *data,
                                   size_t len) {
    struct items *it = userdata;
    (void)stream;
    it->count++;
    size_t room = sizeof it->text - 1 - it->len;
    size_t take = len < room ? len : room;
    memcpy(it->text + it->len, data, take);
    it->len += take;
    it->text[it->len] = 0;
    return 0;
}

/* A client of the test environment's daemon whose address the environment
 * variable `variable` holds (set by tests/run.sh; exits if it is not). */
static inline docker_client *connect_test_daemon_at(const char *variable) {
    const char *host = getenv(variable);
    if (host == NULL) {
        fprintf(stderr, "%s is not set: run tests/run.sh\n", variable);
        exit(2);
    }
    docker_client_builder *b = docker_client_builder_new();
    EXPECT(docker_client_builder_set_host(b, host), DOCKER_RESULT_OK);
    docker_client *c = NULL;
    EXPECT(docker_client_builder_build(b, &c), DOCKER_RESULT_OK);
    if (c == NULL) {
        exit(1);
    }
    return c;
}

/* A client of the TLS test daemon, with the test's certificates. */
static inline docker_client *connect_tls_daemon(void) {
    const char *host = getenv("LIBDOCKER_TEST_TLS_HOST");
    const char *certs = getenv("LIBDOCKER_TEST_CERTS");
    if (host == NULL || certs == NULL) {
        fprintf(stderr, "LIBDOCKER_TEST_TLS_HOST/CERTS are not set: run tests/run.sh\n");
        exit(2);
    }
    char ca[512], cert[512], key[512];
    snprintf(ca, sizeof ca, "%s/ca.pem", certs);
    snprintf(cert, sizeof cert, "%s/cert.pem", certs);
    snprintf(key, sizeof key, "%s/key.pem", certs);
    docker_client_builder *b = docker_client_builder_new();
    EXPECT(docker_client_builder_set_host(b, host), DOCKER_RESULT_OK);
    EXPECT(docker_client_builder_set_tls(b, ca, cert, key), DOCKER_RESULT_OK);
    docker_client *c = NULL;
    EXPECT(docker_client_builder_build(b, &c), DOCKER_RESULT_OK);
    if (c == NULL) {
        exit(1);
    }
    return c;
}

static inline docker_client *connect_test_daemon(void) {
    return connect_test_daemon_at("LIBDOCKER_TEST_MAIN_HOST");
}

/* Invokes an operation that answers {"Id":"<64 hex>",...}; returns the id (free it). */
static inline char *invoke_for_id(docker_client *c, const char *op, const char *params) {
    char *answer = NULL;
    EXPECT(docker_client_invoke(c, op, params, NULL, 0, &answer), DOCKER_RESULT_OK);
    const char *at = answer == NULL ? NULL : strstr(answer, "\"Id\":\"");
    if (at == NULL) {
        fprintf(stderr, "%s answered no Id: %s\n", op, answer ? answer : "(nothing)");
        exit(1);
    }
    char *id = calloc(1, 65);
    memcpy(id, at + 6, 64);
    docker_string_free(answer);
    return id;
}

/* Invokes an operation that must succeed, dropping its answer. */
static inline void invoke_ok(docker_client *c, const char *op, const char *params) {
    char *out = NULL;
    EXPECT(docker_client_invoke(c, op, params, NULL, 0, &out), DOCKER_RESULT_OK);
    docker_string_free(out);
}

/* Creates and starts a labelled container running `sh -c script`; returns its id. */
static inline char *run_container(docker_client *c, const char *script) {
    char params[1024];
    snprintf(params, sizeof params,
             "{\"body\": {\"Image\": \"%s\", \"Cmd\": [\"sh\", \"-c\", \"%s\"],"
             " \"Labels\": {\"libdocker-test\": \"1\"}}}",
             TEST_IMAGE, script);
    char *id = invoke_for_id(c, "ContainerCreate", params);
    snprintf(params, sizeof params, "{\"id\": \"%s\"}", id);
    char *started = NULL;
    EXPECT(docker_client_invoke(c, "ContainerStart", params, NULL, 0, &started), DOCKER_RESULT_OK);
    CHECK(started != NULL && strcmp(started, "") == 0);
    docker_string_free(started);
    return id;
}

static inline void remove_container(docker_client *c, char *id) {
    char params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s\", \"force\": true}", id);
    char *out = NULL;
    EXPECT(docker_client_invoke(c, "ContainerDelete", params, NULL, 0, &out), DOCKER_RESULT_OK);
    docker_string_free(out);
    free(id);
}


/* Exits with the number of failed checks, or says that all passed. */
static inline int finish(const char *what) {
    if (failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", what, failures);
        return 1;
    }
    printf("%s: all checks passed\n", what);
    return 0;
}

#endif
