/*
 * What the one call pipeline gives C, against the real daemon and registries:
 * failures inside a 200 stream end it with their code and the daemon's message,
 * pushes and pulls take config.json's credentials, a call read the wrong way
 * sends nothing, a client pinned to 1.25 can wait, and docker_call reaches raw
 * requests, bodies read through a callback and per-call time limits; the
 * operation table as JSON. Run by tests/c/run.sh (plain, valgrind, ASan).
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"

/* ---- a tar archive of one file, and a read callback over memory ---- */

struct archive {
    uint8_t *bytes;
    size_t len;
    size_t at; /* how much the read callback handed out */
};

/* A ustar archive holding `name` with `text`. */
static struct archive one_file_tar(const char *name, const char *text) {
    size_t size = strlen(text);
    size_t padded = (size + 511) / 512 * 512;
    struct archive a = {calloc(1, 512 + padded + 1024), 512 + padded + 1024, 0};
    uint8_t *h = a.bytes;
    snprintf((char *)h, 100, "%s", name);
    memcpy(h + 100, "0000644", 8);
    memcpy(h + 108, "0000000", 8);
    memcpy(h + 116, "0000000", 8);
    snprintf((char *)h + 124, 12, "%011o", (unsigned)size);
    memcpy(h + 136, "00000000000", 12);
    memset(h + 148, ' ', 8);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++) {
        sum += h[i];
    }
    snprintf((char *)h + 148, 8, "%06o", sum);
    memcpy(h + 512, text, size);
    return a;
}

/* Hands out the archive 1000 bytes at a time (the library asks for up to 64 KiB). */
static ptrdiff_t read_archive(void *userdata, uint8_t *buf, size_t len) {
    struct archive *a = userdata;
    size_t left = a->len - a->at;
    size_t n = left < len ? left : len;
    if (n > 1000) {
        n = 1000;
    }
    memcpy(buf, a->bytes + a->at, n);
    a->at += n;
    return (ptrdiff_t)n;
}

static ptrdiff_t failing_read(void *userdata, uint8_t *buf, size_t len) {
    (void)userdata;
    (void)buf;
    (void)len;
    return -1;
}

static docker_client *client_of(const char *host, const char *version) {
    docker_client_builder *b = docker_client_builder_new();
    EXPECT(docker_client_builder_set_host(b, host), DOCKER_RESULT_OK);
    if (version != NULL) {
        EXPECT(docker_client_builder_set_api_version(b, version), DOCKER_RESULT_OK);
    }
    docker_client *c = NULL;
    EXPECT(docker_client_builder_build(b, &c), DOCKER_RESULT_OK);
    if (c == NULL) {
        exit(1);
    }
    return c;
}

/* ---- the tests ---- */

static void test_a_failing_build_step_is_build_failed(docker_client *c) {
    struct archive context = one_file_tar(
        "Dockerfile", "FROM " TEST_IMAGE "\nRUN echo first step\nRUN echo step-output && exit 7\n");
    docker_call *call = NULL;
    EXPECT(docker_call_new("ImageBuild", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_params(call, "{\"rm\": true, \"forcerm\": true}"), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_body_reader(call, read_archive, &context), DOCKER_RESULT_OK);
    struct items it = {0};
    EXPECT(docker_client_call_stream(c, call, gather_items, &it), DOCKER_RESULT_BUILD_FAILED);
    CHECK(strstr(last_error(), "non-zero code: 7") != NULL);
    CHECK(strstr(it.text, "step-output") != NULL);
    CHECK(context.at == context.len); /* the whole context went out through the callback */
    free(context.bytes);

    /* The same through the shorthand, with the context in memory. */
    context = one_file_tar("Dockerfile", "FROM " TEST_IMAGE "\nRUN exit 7\n");
    struct items again = {0};
    EXPECT(docker_client_invoke_stream(c, "ImageBuild", "{\"forcerm\": true}", context.bytes,
                                       context.len, gather_items, &again),
           DOCKER_RESULT_BUILD_FAILED);
    CHECK(strstr(last_error(), "non-zero code: 7") != NULL);
    free(context.bytes);

    /* A read callback that fails aborts the call. */
    EXPECT(docker_call_new("ImageBuild", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_body_reader(call, failing_read, NULL), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_stream(c, call, gather_items, &again), DOCKER_RESULT_IO);
    CHECK(strstr(last_error(), "read callback") != NULL);
}

static void test_a_push_to_a_closed_port_fails_with_the_daemons_message(docker_client *c) {
    invoke_ok(c, "ImageTag",
              "{\"name\": \"" TEST_IMAGE "\", \"repo\": \"127.0.0.1:1/libdocker-test/c-closed\","
              " \"tag\": \"t\"}");
    struct items it = {0};
    EXPECT(docker_client_invoke_stream(c, "ImagePush",
                                       "{\"name\": \"127.0.0.1:1/libdocker-test/c-closed\","
                                       " \"tag\": \"t\"}",
                                       NULL, 0, gather_items, &it),
           DOCKER_RESULT_PROGRESS);
    CHECK(strstr(last_error(), "push failed") != NULL);
    CHECK(strstr(last_error(), "127.0.0.1:1") != NULL);
    invoke_ok(c, "ImageDelete", "{\"name\": \"127.0.0.1:1/libdocker-test/c-closed:t\"}");
}

static char *base64(const char *in) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in);
    char *out = calloc(1, (n + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(uint8_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)(uint8_t)in[i + 1] << 8;
        if (i + 2 < n) v |= (uint8_t)in[i + 2];
        out[o++] = digits[(v >> 18) & 63];
        out[o++] = digits[(v >> 12) & 63];
        out[o++] = i + 1 < n ? digits[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? digits[v & 63] : '=';
    }
    return out;
}

static void test_pushes_and_pulls_take_config_json_credentials(docker_client *c) {
    const char *registry = getenv("LIBDOCKER_TEST_AUTH_REGISTRY");
    const char *user = getenv("LIBDOCKER_TEST_REGISTRY_USER");
    const char *password = getenv("LIBDOCKER_TEST_REGISTRY_PASSWORD");
    CHECK(registry != NULL && user != NULL && password != NULL);
    if (registry == NULL || user == NULL || password == NULL) {
        return;
    }
    char dir[] = "/tmp/libdocker-c-config-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], login[256], repo[256], params[512];
    snprintf(path, sizeof path, "%s/config.json", dir);
    snprintf(login, sizeof login, "%s:%s", user, password);
    char *auth = base64(login);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fprintf(f, "{\"auths\": {\"%s\": {\"auth\": \"%s\"}}}", registry, auth);
    fclose(f);
    free(auth);
    snprintf(repo, sizeof repo, "%s/libdocker-test/c-private", registry);

    /* Without the configuration the registry refuses the push. */
    char empty[] = "/tmp/libdocker-c-empty-XXXXXX";
    CHECK(mkdtemp(empty) != NULL);
    setenv("DOCKER_CONFIG", empty, 1);
    snprintf(params, sizeof params,
             "{\"name\": \"" TEST_IMAGE "\", \"repo\": \"%s\", \"tag\": \"c\"}", repo);
    invoke_ok(c, "ImageTag", params);
    snprintf(params, sizeof params, "{\"name\": \"%s\", \"tag\": \"c\"}", repo);
    struct items it = {0};
    EXPECT(docker_client_invoke_stream(c, "ImagePush", params, NULL, 0, gather_items, &it),
           DOCKER_RESULT_UNAUTHORIZED);

    /* With it, no header given: the pipeline takes the credentials from config.json. */
    setenv("DOCKER_CONFIG", dir, 1);
    struct items pushed = {0};
    EXPECT(docker_client_invoke_stream(c, "ImagePush", params, NULL, 0, gather_items, &pushed),
           DOCKER_RESULT_OK);
    CHECK(strstr(pushed.text, "\"Digest\"") != NULL);
    snprintf(params, sizeof params, "{\"name\": \"%s:c\"}", repo);
    invoke_ok(c, "ImageDelete", params);
    snprintf(params, sizeof params, "{\"fromImage\": \"%s\", \"tag\": \"c\"}", repo);
    struct items pulled = {0};
    EXPECT(docker_client_invoke_stream(c, "ImageCreate", params, NULL, 0, gather_items, &pulled),
           DOCKER_RESULT_OK);
    snprintf(params, sizeof params, "{\"name\": \"%s:c\"}", repo);
    invoke_ok(c, "ImageInspect", params);
    invoke_ok(c, "ImageDelete", params);

    /* A login instead: refused with a wrong password, then remembered until logout. */
    setenv("DOCKER_CONFIG", empty, 1);
    snprintf(params, sizeof params,
             "{\"name\": \"" TEST_IMAGE "\", \"repo\": \"%s\", \"tag\": \"c\"}", repo);
    invoke_ok(c, "ImageTag", params);
    snprintf(params, sizeof params, "{\"name\": \"%s\", \"tag\": \"c\"}", repo);
    bool accepted = true;
    EXPECT(docker_client_login(c, registry, user, "wrong", &accepted), DOCKER_RESULT_OK);
    CHECK(!accepted);
    struct items refused = {0};
    EXPECT(docker_client_invoke_stream(c, "ImagePush", params, NULL, 0, gather_items, &refused),
           DOCKER_RESULT_UNAUTHORIZED);
    EXPECT(docker_client_login(c, registry, user, password, &accepted), DOCKER_RESULT_OK);
    CHECK(accepted);
    struct items again = {0};
    EXPECT(docker_client_invoke_stream(c, "ImagePush", params, NULL, 0, gather_items, &again),
           DOCKER_RESULT_OK);
    CHECK(strstr(again.text, "\"Digest\"") != NULL);
    bool forgotten = false;
    EXPECT(docker_client_logout(c, registry, &forgotten), DOCKER_RESULT_OK);
    CHECK(forgotten);
    struct items after = {0};
    EXPECT(docker_client_invoke_stream(c, "ImagePush", params, NULL, 0, gather_items, &after),
           DOCKER_RESULT_UNAUTHORIZED);
    EXPECT(docker_client_login(c, NULL, user, password, &accepted), DOCKER_RESULT_NULL_PARAMETER);
    snprintf(params, sizeof params, "{\"name\": \"%s:c\"}", repo);
    invoke_ok(c, "ImageDelete", params);

    unsetenv("DOCKER_CONFIG");
    unlink(path);
    rmdir(dir);
    rmdir(empty);
}

/* A unix socket that accepts nothing: a connection shows as pending. */
static int silent_listener(char *path, size_t size) {
    snprintf(path, size, "/tmp/libdocker-c-silent-%d.sock", (int)getpid());
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    CHECK(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
    CHECK(listen(fd, 8) == 0);
    return fd;
}

static int someone_connected(int fd) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

static void test_a_call_read_the_wrong_way_sends_nothing(void) {
    char path[128], host[160];
    int fd = silent_listener(path, sizeof path);
    snprintf(host, sizeof host, "unix://%s", path);
    docker_client *c = client_of(host, "1.41");
    char *out = NULL;
    EXPECT(docker_client_invoke(c, "ContainerLogs", "{\"id\": \"web\", \"stdout\": true}", NULL, 0,
                                &out),
           DOCKER_RESULT_WRONG_OUTPUT_KIND);
    CHECK(strstr(last_error(), "docker_client_invoke_stream") != NULL);
    CHECK(strstr(last_error(), "nothing was sent") != NULL);
    struct items it = {0};
    EXPECT(docker_client_invoke_stream(c, "ExecStart",
                                       "{\"id\": \"abc\", \"execStartConfig\": {\"Detach\": false}}",
                                       NULL, 0, gather_items, &it),
           DOCKER_RESULT_WRONG_OUTPUT_KIND);
    CHECK(strstr(last_error(), "docker_client_attach") != NULL);
    docker_attach *a = NULL;
    EXPECT(docker_client_attach(c, "ContainerList", NULL, &a), DOCKER_RESULT_WRONG_OUTPUT_KIND);
    CHECK(a == NULL);
    EXPECT(docker_client_invoke(c, "ContainerList", "{\"alll\": true}", NULL, 0, &out),
           DOCKER_RESULT_INVALID_PARAMS);
    CHECK(!someone_connected(fd));

    /* The check sees a call that does go out (it times out: nobody answers). */
    docker_call *call = NULL;
    EXPECT(docker_call_new("ContainerList", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_timeout(call, 200), DOCKER_RESULT_OK);
    EXPECT(docker_client_call(c, call, &out), DOCKER_RESULT_TIMEOUT);
    CHECK(someone_connected(fd));
    docker_client_free(c);
    close(fd);
    unlink(path);
}

static void test_wait_on_a_client_pinned_to_1_25(void) {
    docker_client *c = client_of(getenv("LIBDOCKER_TEST_MAIN_HOST"), "1.25");
    char *id = run_container(c, "exit 3");
    char params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s\", \"condition\": \"not-running\"}", id);
    char *waited = NULL;
    EXPECT(docker_client_invoke(c, "ContainerWait", params, NULL, 0, &waited), DOCKER_RESULT_OK);
    CHECK(waited != NULL && strstr(waited, "\"StatusCode\":3") != NULL);
    docker_string_free(waited);
    snprintf(params, sizeof params, "{\"id\": \"%s\", \"condition\": \"next-exit\"}", id);
    EXPECT(docker_client_invoke(c, "ContainerWait", params, NULL, 0, &waited),
           DOCKER_RESULT_UNSUPPORTED_API_VERSION);
    CHECK(strstr(last_error(), "condition") != NULL);
    remove_container(c, id);
    docker_client_free(c);
}

static int count(const char *text, const char *what) {
    int n = 0;
    for (const char *at = strstr(text, what); at != NULL; at = strstr(at + 1, what)) {
        n++;
    }
    return n;
}

static void test_the_operation_table_as_json(void) {
    char *json = NULL;
    EXPECT(docker_operations_json(NULL, &json), DOCKER_RESULT_OK);
    CHECK(json != NULL && count(json, "\"body_required\"") == 108);
    CHECK(strstr(json, "\"id\":\"ImageBuild\"") != NULL);
    docker_string_free(json);
    EXPECT(docker_operations_json("exec", &json), DOCKER_RESULT_OK);
    CHECK(json != NULL && count(json, "\"body_required\"") == 4);
    docker_string_free(json);
    EXPECT(docker_operations_json("Nope", &json), DOCKER_RESULT_INVALID_PARAMS);
    CHECK(json == NULL);
    EXPECT(docker_categories_json(&json), DOCKER_RESULT_OK);
    CHECK(json != NULL && json[0] == '[' && strstr(json, "\"Distribution\"") != NULL);
    docker_string_free(json);
    EXPECT(docker_doc_json("ContainerLogs", &json), DOCKER_RESULT_OK);
    CHECK(json != NULL && strstr(json, "\"name\":\"follow\"") != NULL);
    docker_string_free(json);
    EXPECT(docker_doc_json("ContainerLogz", &json), DOCKER_RESULT_INVALID_PARAMS);
    CHECK(strstr(last_error(), "ContainerLogs") != NULL);
    EXPECT(docker_doc_json(NULL, &json), DOCKER_RESULT_NULL_PARAMETER);
}

static void test_raw_requests_and_time_limits(docker_client *c) {
    docker_call *call = NULL;
    char *out = NULL;
    EXPECT(docker_call_new_raw("GET", "/containers/json?all=1", &call), DOCKER_RESULT_OK);
    EXPECT(docker_client_call(c, call, &out), DOCKER_RESULT_OK);
    CHECK(out != NULL && out[0] == '[');
    docker_string_free(out);
    out = NULL;
    EXPECT(docker_call_new_raw("GET", "/no/such/endpoint", &call), DOCKER_RESULT_OK);
    EXPECT(docker_client_call(c, call, &out), DOCKER_RESULT_NOT_FOUND);
    CHECK(out == NULL);
    EXPECT(docker_call_new_raw("GE T", "/x", &call), DOCKER_RESULT_INVALID_PARAMS);
    EXPECT(docker_call_new_raw("GET", "/info", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_params(call, "{\"a\": 1}"), DOCKER_RESULT_OK);
    EXPECT(docker_client_call(c, call, &out), DOCKER_RESULT_INVALID_PARAMS);

    /* A raw request whose answer streams, handed to a callback. */
    struct items it = {0};
    EXPECT(docker_call_new_raw("GET", "/events?since=0&until=1", &call), DOCKER_RESULT_OK);
    EXPECT(docker_client_call_stream(c, call, gather_items, &it), DOCKER_RESULT_OK);

    /* A per-call limit on a wait that would last a minute. */
    char *id = run_container(c, "sleep 60");
    char params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s\"}", id);
    EXPECT(docker_call_new("ContainerWait", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_params(call, params), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_timeout(call, 300), DOCKER_RESULT_OK);
    EXPECT(docker_client_call(c, call, &out), DOCKER_RESULT_TIMEOUT);
    CHECK(strstr(last_error(), "/wait") != NULL);
    remove_container(c, id);

    /* An extra header reaches the daemon (an explicit, wrong login for a push). */
    EXPECT(docker_call_new("SystemPing", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_add_header(call, "X-Libdocker-Test", "1"), DOCKER_RESULT_OK);
    EXPECT(docker_client_call(c, call, &out), DOCKER_RESULT_OK);
    CHECK(out != NULL && strcmp(out, "OK") == 0);
    docker_string_free(out);

    /* Bad arguments: NULL everywhere, an unsent call freed. */
    EXPECT(docker_call_new(NULL, &call), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_call_new("SystemPing", NULL), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_call_set_params(NULL, "{}"), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_call_set_body_reader(NULL, read_archive, NULL), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_client_call(c, NULL, &out), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_call_new("SystemPing", &call), DOCKER_RESULT_OK);
    EXPECT(docker_call_set_body_reader(call, NULL, NULL), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_call_set_params(call, "{\"x\": \"\xff\"}"), DOCKER_RESULT_INVALID_UTF8);
    docker_call_free(call);
    docker_call_free(NULL);
}

int main(void) {
    docker_client *c = connect_test_daemon();
    RUN(test_a_failing_build_step_is_build_failed, c);
    RUN(test_a_push_to_a_closed_port_fails_with_the_daemons_message, c);
    RUN(test_pushes_and_pulls_take_config_json_credentials, c);
    RUN(test_a_call_read_the_wrong_way_sends_nothing);
    RUN(test_wait_on_a_client_pinned_to_1_25);
    RUN(test_the_operation_table_as_json);
    RUN(test_raw_requests_and_time_limits, c);
    docker_client_free(c);
    return finish("C ABI pipeline");
}
