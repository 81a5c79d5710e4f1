/*
 * The C ABI against the real test daemon: lifecycle, logs and exec through
 * callbacks, errors with their codes and messages, NULL and invalid UTF-8
 * parameters, threads sharing one client, a push and a pull with their progress,
 * and the events of our own container. Run by tests/c/run.sh (plain, under
 * valgrind, and with AddressSanitizer).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include <unistd.h>

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

static void test_container_lifecycle(docker_client *c) {
    char params[512];
    snprintf(params, sizeof params,
             "{\"body\": {\"Image\": \"%s\", \"Cmd\": [\"sh\", \"-c\", \"sleep 0.2; exit 5\"],"
             " \"Labels\": {\"libdocker-test\": \"c-lifecycle\"}}}",
             TEST_IMAGE);
    char *id = invoke_for_id(c, "ContainerCreate", params);
    char by_id[256];
    snprintf(by_id, sizeof by_id, "{\"id\": \"%s\"}", id);

    char *inspect = NULL;
    EXPECT(docker_client_invoke(c, "ContainerInspect", by_id, NULL, 0, &inspect),
           DOCKER_RESULT_OK);
    CHECK(inspect != NULL && strstr(inspect, "\"Status\":\"created\"") != NULL);
    docker_string_free(inspect);

    char *started = NULL;
    EXPECT(docker_client_invoke(c, "ContainerStart", by_id, NULL, 0, &started), DOCKER_RESULT_OK);
    CHECK(started != NULL && strcmp(started, "") == 0);
    docker_string_free(started);

    char *waited = NULL;
    EXPECT(docker_client_invoke(c, "ContainerWait", by_id, NULL, 0, &waited), DOCKER_RESULT_OK);
    CHECK(waited != NULL && strstr(waited, "\"StatusCode\":5") != NULL);
    docker_string_free(waited);

    inspect = NULL;
    EXPECT(docker_client_invoke(c, "ContainerInspect", by_id, NULL, 0, &inspect),
           DOCKER_RESULT_OK);
    CHECK(inspect != NULL && strstr(inspect, "\"Status\":\"exited\"") != NULL);
    CHECK(inspect != NULL && strstr(inspect, "\"ExitCode\":5") != NULL);
    docker_string_free(inspect);

    char *listed = NULL;
    EXPECT(docker_client_invoke(c, "ContainerList",
                                "{\"all\": true,"
                                " \"filters\": {\"label\": [\"libdocker-test=c-lifecycle\"]}}",
                                NULL, 0, &listed),
           DOCKER_RESULT_OK);
    CHECK(listed != NULL && listed[0] == '[' && strstr(listed, id) != NULL);
    docker_string_free(listed);

    char *deleted = NULL;
    snprintf(params, sizeof params, "{\"id\": \"%s\", \"force\": true}", id);
    EXPECT(docker_client_invoke(c, "ContainerDelete", params, NULL, 0, &deleted),
           DOCKER_RESULT_OK);
    docker_string_free(deleted);

    inspect = (char *)1;
    EXPECT(docker_client_invoke(c, "ContainerInspect", by_id, NULL, 0, &inspect),
           DOCKER_RESULT_NOT_FOUND);
    CHECK(inspect == NULL);
    CHECK(strstr(last_error(), id) != NULL);
    free(id);
}

static void test_push_and_pull_with_progress(docker_client *c) {
    const char *registry = getenv("LIBDOCKER_TEST_REGISTRY");
    CHECK(registry != NULL);
    if (registry == NULL) {
        return;
    }
    char repo[256], tag[64], ref[384], params[512];
    snprintf(repo, sizeof repo, "%s/libdocker-test/c-progress", registry);
    snprintf(tag, sizeof tag, "%d-%ld", (int)getpid(), (long)time(NULL));
    snprintf(ref, sizeof ref, "%s:%s", repo, tag);
    snprintf(params, sizeof params,
             "{\"name\": \"" TEST_IMAGE "\", \"repo\": \"%s\", \"tag\": \"%s\"}", repo, tag);
    invoke_ok(c, "ImageTag", params);

    /*
     * The push: where it goes, the layer prepared and then pushed (or found in
     * the registry already, or mounted from another of its repositories), and
     * the digest the registry gave the manifest.
     */
    struct items pushed = {0}, pulled = {0};
    snprintf(params, sizeof params, "{\"name\": \"%s\", \"tag\": \"%s\"}", repo, tag);
    EXPECT(docker_client_invoke_stream(c, "ImagePush", params, NULL, 0, gather_items, &pushed),
           DOCKER_RESULT_OK);
    char expected[512];
    snprintf(expected, sizeof expected,
             "{\"status\":\"The push refers to repository [%s]\"}", repo);
    CHECK(strncmp(pushed.text, expected, strlen(expected)) == 0); /* the first item */
    CHECK(strstr(pushed.text, "\"status\":\"Preparing\"") != NULL);
    CHECK(strstr(pushed.text, "\"status\":\"Pushed\"") != NULL ||
          strstr(pushed.text, "\"status\":\"Layer already exists\"") != NULL ||
          strstr(pushed.text, "\"status\":\"Mounted from ") != NULL);
    snprintf(expected, sizeof expected, "\"status\":\"%s: digest: sha256:", tag);
    CHECK(strstr(pushed.text, expected) != NULL);
    const char *aux = strstr(pushed.text, "\"Digest\":\"sha256:");
    CHECK(aux != NULL);
    char digest[72] = "(none)"; /* "sha256:" and 64 hex digits */
    if (aux != NULL && strlen(aux) > 10 + 71) {
        memcpy(digest, aux + 10, 71);
        digest[71] = 0;
    }

    /* Gone here, then pulled back from the registry. */
    snprintf(params, sizeof params, "{\"name\": \"%s\"}", ref);
    invoke_ok(c, "ImageDelete", params);
    char *out = (char *)1;
    EXPECT(docker_client_invoke(c, "ImageInspect", params, NULL, 0, &out),
           DOCKER_RESULT_NOT_FOUND);
    CHECK(out == NULL);

    /*
     * The pull: from which repository, the digest pushed, and the outcome, in
     * that order. No layer lines ("Already exists", "Pull complete") come: the
     * daemon has the image itself (the test image), so it fetches no layer.
     */
    snprintf(params, sizeof params, "{\"fromImage\": \"%s\", \"tag\": \"%s\"}", repo, tag);
    EXPECT(docker_client_invoke_stream(c, "ImageCreate", params, NULL, 0, gather_items, &pulled),
           DOCKER_RESULT_OK);
    CHECK(pulled.count >= 3);
    snprintf(expected, sizeof expected, "\"status\":\"Pulling from libdocker-test/c-progress\"");
    const char *pulling = strstr(pulled.text, expected);
    snprintf(expected, sizeof expected, "\"status\":\"Digest: %s\"", digest);
    const char *same_digest = strstr(pulled.text, expected);
    snprintf(expected, sizeof expected, "\"status\":\"Status: Downloaded newer image for %s\"",
             ref);
    const char *outcome = strstr(pulled.text, expected);
    CHECK(pulling != NULL && same_digest != NULL && outcome != NULL);
    CHECK(pulling < same_digest && same_digest < outcome);
    if (pulling == NULL || same_digest == NULL || outcome == NULL) {
        fprintf(stderr, "pushed: %s\npulled: %s\n", pushed.text, pulled.text);
    }

    /* The image is back, known by its digest in the registry. */
    snprintf(params, sizeof params, "{\"name\": \"%s\"}", ref);
    out = NULL;
    EXPECT(docker_client_invoke(c, "ImageInspect", params, NULL, 0, &out), DOCKER_RESULT_OK);
    snprintf(expected, sizeof expected, "\"%s@%s\"", repo, digest);
    CHECK(out != NULL && strstr(out, expected) != NULL);
    docker_string_free(out);
    invoke_ok(c, "ImageDelete", params);
}

/* Keeps the first item of a stream and stops it. */
static int32_t first_item(void *userdata, docker_stream stream, const uint8_t *data, size_t len) {
    gather_items(userdata, stream, data, len);
    return 1;
}

struct watcher {
    docker_client *client;
    char params[512];
    struct items first;
    docker_result result;
};

static void *watch_events(void *arg) {
    struct watcher *w = arg;
    w->result = docker_client_invoke_stream(w->client, "SystemEvents", w->params, NULL, 0,
                                            first_item, &w->first);
    return NULL;
}

static void test_events_see_our_container(docker_client *c) {
    /*
     * The stream starts a little in the past, so the container's events are
     * replayed if it is created before the daemon subscribed the stream, and
     * ends by itself at `until`, so nothing hangs if no event comes. A label of
     * this run keeps other runs' containers out.
     */
    char run[64];
    snprintf(run, sizeof run, "%d-%ld", (int)getpid(), (long)time(NULL));
    long since = (long)time(NULL) - 2;
    struct watcher w = {.client = c};
    snprintf(w.params, sizeof w.params,
             "{\"since\": \"%ld\", \"until\": \"%ld\", \"filters\": {\"label\":"
             " [\"libdocker-test=c-events\", \"libdocker-test-run=%s\"],"
             " \"type\": [\"container\"]}}",
             since, since + 30, run);
    pthread_t t;
    int watching = pthread_create(&t, NULL, watch_events, &w) == 0;
    CHECK(watching);

    struct timespec pause = {0, 100 * 1000000L};
    nanosleep(&pause, NULL);
    char params[512];
    snprintf(params, sizeof params,
             "{\"body\": {\"Image\": \"%s\", \"Cmd\": [\"true\"], \"Labels\":"
             " {\"libdocker-test\": \"c-events\", \"libdocker-test-run\": \"%s\"}}}",
             TEST_IMAGE, run);
    char *id = invoke_for_id(c, "ContainerCreate", params);
    if (watching) {
        pthread_join(t, NULL);
    }

    EXPECT(w.result, DOCKER_RESULT_OK);
    CHECK(w.first.count == 1);
    CHECK(strstr(w.first.text, "\"Type\":\"container\"") != NULL);
    CHECK(strstr(w.first.text, "\"Action\":\"create\"") != NULL);
    char actor[128];
    snprintf(actor, sizeof actor, "\"ID\":\"%s\"", id);
    CHECK(strstr(w.first.text, actor) != NULL);
    if (w.first.count != 1 || strstr(w.first.text, actor) == NULL) {
        fprintf(stderr, "first event: %s\n", w.first.text);
    }
    remove_container(c, id);
}

int main(void) {
    docker_client *c = connect_test_daemon();
    RUN(test_ping_version_and_whole_answers, c);
    RUN(test_daemon_errors, c);
    RUN(test_bad_arguments, c);
    RUN(test_logs_through_a_callback, c);
    RUN(test_exec_with_stdin, c);
    RUN(test_threads_share_a_client, c);
    RUN(test_container_lifecycle, c);
    RUN(test_push_and_pull_with_progress, c);
    RUN(test_events_see_our_container, c);
    docker_client_free(c);
    return finish("C ABI");
}
