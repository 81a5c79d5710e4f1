/*
 * The C ABI against the real test daemon: lifecycle, logs and exec through
 * callbacks, errors with their codes and messages, NULL and invalid UTF-8
 * parameters, threads sharing one client. Run by tests/c/run.sh (plain, under
 * valgrind, and with AddressSanitizer).
 */
#include <pthread.h>

#include "check.h"

static void test_ping_version_and_whole_answers(docker_client *c) {
    EXPECT(docker_client_ping(c), DOCKER_RESULT_OK);
    uint32_t major = 0, minor = 0;
    EXPECT(docker_client_api_version(c, &major, &minor), DOCKER_RESULT_OK);
    CHECK(major == 1 && minor >= 25);
    char *version = NULL;
    EXPECT(docker_client_invoke(c, "SystemVersion", NULL, NULL, 0, &version), DOCKER_RESULT_OK);
    CHECK(version != NULL && strstr(version, "\"ApiVersion\"") != NULL);
    docker_string_free(version);
}

static void test_daemon_errors(docker_client *c) {
    char *out = (char *)1;
    EXPECT(docker_client_invoke(c, "ContainerInspect", "{\"id\": \"no-such-container-c-abi\"}",
                                NULL, 0, &out),
           DOCKER_RESULT_NOT_FOUND);
    CHECK(out == NULL);
    CHECK(strstr(last_error(), "no-such-container-c-abi") != NULL);
    CHECK(strcmp(docker_result_name(DOCKER_RESULT_NOT_FOUND), "not found") == 0);

    /* The message does not fit: its length is reported. */
    char small[8];
    size_t needed = 0;
    EXPECT(docker_error_message(small, sizeof small, &needed), DOCKER_RESULT_BUFFER_TOO_SMALL);
    CHECK(needed > sizeof small);

    EXPECT(docker_client_invoke(c, "ContainerList", "{\"colour\": \"red\"}", NULL, 0, &out),
           DOCKER_RESULT_INVALID_PARAMS);
    CHECK(strstr(last_error(), "colour") != NULL);
    EXPECT(docker_client_invoke(c, "ContainerList", "{not json", NULL, 0, &out),
           DOCKER_RESULT_INVALID_PARAMS);
    CHECK(strstr(last_error(), "params_json") != NULL);
    EXPECT(docker_client_invoke(c, "NoSuchOperation", NULL, NULL, 0, &out),
           DOCKER_RESULT_INVALID_PARAMS);
    CHECK(strstr(last_error(), "NoSuchOperation") != NULL);
}

static void test_bad_arguments(docker_client *c) {
    char *out = NULL;
    EXPECT(docker_client_ping(NULL), DOCKER_RESULT_NULL_PARAMETER);
    CHECK(strstr(last_error(), "client") != NULL);
    EXPECT(docker_client_invoke(c, NULL, NULL, NULL, 0, &out), DOCKER_RESULT_NULL_PARAMETER);
    CHECK(strstr(last_error(), "`op`") != NULL);
    EXPECT(docker_client_invoke(c, "SystemPing", NULL, NULL, 0, NULL),
           DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_client_invoke(c, "SystemPing", NULL, NULL, 5, &out),
           DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_client_invoke(c, "System\xff\xfePing", NULL, NULL, 0, &out),
           DOCKER_RESULT_INVALID_UTF8);
    CHECK(strstr(last_error(), "UTF-8") != NULL);
    EXPECT(docker_client_invoke_stream(c, "SystemPing", NULL, NULL, 0, NULL, NULL),
           DOCKER_RESULT_NULL_PARAMETER);
    CHECK(strstr(last_error(), "callback") != NULL);
    uint32_t major;
    EXPECT(docker_client_api_version(c, &major, NULL), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_client_builder_build(NULL, NULL), DOCKER_RESULT_NULL_PARAMETER);
    docker_client_free(NULL);
    docker_string_free(NULL);
    docker_attach_free(NULL);
    docker_client_builder_free(NULL);

    docker_client_builder *b = docker_client_builder_new();
    EXPECT(docker_client_builder_set_api_version(b, "one.forty"), DOCKER_RESULT_INVALID_PARAMS);
    EXPECT(docker_client_builder_set_tls(b, "/ca.pem", "/cert.pem", NULL),
           DOCKER_RESULT_INVALID_PARAMS);
    EXPECT(docker_client_builder_set_host(b, NULL), DOCKER_RESULT_NULL_PARAMETER);
    docker_client_builder_free(b);

    /* Nothing listens there: a connect error naming the socket. */
    b = docker_client_builder_new();
    EXPECT(docker_client_builder_set_host(b, "unix:///nonexistent/docker.sock"), DOCKER_RESULT_OK);
    docker_client *nowhere = NULL;
    EXPECT(docker_client_builder_build(b, &nowhere), DOCKER_RESULT_OK);
    EXPECT(docker_client_ping(nowhere), DOCKER_RESULT_CONNECT);
    CHECK(strstr(last_error(), "/nonexistent/docker.sock") != NULL);
    docker_client_free(nowhere);
}

static void test_logs_through_a_callback(docker_client *c) {
    char *id = run_container(c, "echo out; echo err >&2; echo more");
    char params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s\"}", id);
    char *waited = NULL;
    EXPECT(docker_client_invoke(c, "ContainerWait", params, NULL, 0, &waited), DOCKER_RESULT_OK);
    CHECK(waited != NULL && strstr(waited, "\"StatusCode\":0") != NULL);
    docker_string_free(waited);

    snprintf(params, sizeof params, "{\"id\": \"%s\", \"stdout\": true, \"stderr\": true}", id);
    struct output o = {0};
    EXPECT(docker_client_invoke_stream(c, "ContainerLogs", params, NULL, 0, gather, &o),
           DOCKER_RESULT_OK);
    CHECK(strcmp(o.out, "out\nmore\n") == 0);
    CHECK(strcmp(o.err, "err\n") == 0);

    /* Returning non-zero stops the stream after that piece. */
    struct output first = {.stop_after = 1};
    EXPECT(docker_client_invoke_stream(c, "ContainerLogs", params, NULL, 0, gather, &first),
           DOCKER_RESULT_OK);
    CHECK(first.calls == 1);

    /* A stream is not a whole answer. */
    char *out = NULL;
    EXPECT(docker_client_invoke(c, "ContainerLogs", params, NULL, 0, &out),
           DOCKER_RESULT_WRONG_OUTPUT_KIND);
    CHECK(strstr(last_error(), "docker_client_invoke_stream") != NULL);
    remove_container(c, id);
}

static void test_exec_with_stdin(docker_client *c) {
    char *id = run_container(c, "sleep 60");
    char params[512];
    snprintf(params, sizeof params,
             "{\"id\": \"%s\", \"execConfig\": {\"Cmd\": [\"tr\", \"a-z\", \"A-Z\"],"
             " \"AttachStdin\": true, \"AttachStdout\": true, \"AttachStderr\": true}}",
             id);
    char *exec_id = invoke_for_id(c, "ContainerExec", params);

    snprintf(params, sizeof params, "{\"id\": \"%s\", \"execStartConfig\": {\"Detach\": false}}",
             exec_id);
    free(exec_id);
    docker_attach *a = NULL;
    EXPECT(docker_client_attach(c, "ExecStart", params, &a), DOCKER_RESULT_OK);
    CHECK(a != NULL);
    const char *input = "hello from c\n";
    EXPECT(docker_attach_write(a, (const uint8_t *)input, strlen(input)), DOCKER_RESULT_OK);
    EXPECT(docker_attach_close_stdin(a), DOCKER_RESULT_OK);
    struct output o = {0};
    EXPECT(docker_attach_read(a, gather, &o), DOCKER_RESULT_OK);
    CHECK(strcmp(o.out, "HELLO FROM C\n") == 0);
    docker_attach_free(a);
    remove_container(c, id);
}

struct pinger {
    docker_client *client;
    int ok;
};

static void *ping_many(void *arg) {
    struct pinger *p = arg;
    for (int i = 0; i < 50; i++) {
        p->ok += docker_client_ping(p->client) == DOCKER_RESULT_OK;
    }
    return NULL;
}

static void test_threads_share_a_client(docker_client *c) {
    pthread_t threads[8];
    struct pinger pingers[8];
    for (int i = 0; i < 8; i++) {
        pingers[i] = (struct pinger){c, 0};
        CHECK(pthread_create(&threads[i], NULL, ping_many, &pingers[i]) == 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        CHECK(pingers[i].ok == 50);
    }
}

int main(void) {
    docker_client *c = connect_test_daemon();
    test_ping_version_and_whole_answers(c);
    test_daemon_errors(c);
    test_bad_arguments(c);
    test_logs_through_a_callback(c);
    test_exec_with_stdin(c);
    test_threads_share_a_client(c);
    docker_client_free(c);
    return finish("C ABI");
}
