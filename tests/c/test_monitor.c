/*
 * The monitor through the C ABI: a listen on its own thread hears the daemon
 * come up and then the create of a container made meanwhile, tagged with its
 * daemon, and stops when the callback says so; a cancel from another thread
 * ends a listen; bad input gets its code; the monitor's connections are closed
 * once no one listens.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

struct heard {
    char reports[8192];
    size_t len;
    atomic_int up;       /* the daemon came up */
    const char *stop_at; /* stop at the report that holds this, if any */
};

static int32_t hear(void *userdata, docker_stream stream, const uint8_t *data, size_t len) {
    struct heard *h = userdata;
    CHECK(stream == DOCKER_STREAM_JSON);
    size_t room = sizeof h->reports - 2 - h->len;
    size_t take = len < room ? len : room;
    memcpy(h->reports + h->len, data, take);
    h->len += take;
    h->reports[h->len++] = '\n';
    h->reports[h->len] = 0;
    if (memmem(data, len, "\"daemon_up\"", 11) != NULL) {
        atomic_store(&h->up, 1);
    }
    return h->stop_at != NULL && memmem(data, len, h->stop_at, strlen(h->stop_at)) != NULL;
}

struct listening {
    docker_monitor *monitor;
    docker_cancel *cancel;
    struct heard heard;
    docker_result result;
};

static void *listen_thread(void *arg) {
    struct listening *l = arg;
    l->result = docker_monitor_listen(l->monitor, l->cancel, hear, &l->heard);
    return NULL;
}

static void wait_up(struct listening *l) {
    for (int i = 0; i < 400 && !atomic_load(&l->heard.up); i++) {
        usleep(25 * 1000);
    }
    CHECK(atomic_load(&l->heard.up));
}

static void test_a_listen_hears_our_container(docker_client *c) {
    char run[64], filters[256], params[512];
    snprintf(run, sizeof run, "c-%d-%ld", (int)getpid(), (long)time(NULL));
    snprintf(filters, sizeof filters, "{\"label\": [\"libdocker-monitor=%s\"], \"type\": [\"container\"]}", run);
    docker_monitor *m = NULL;
    EXPECT(docker_monitor_new(filters, 0, &m), DOCKER_RESULT_OK);
    EXPECT(docker_monitor_add(m, "main", c), DOCKER_RESULT_OK);

    struct listening l = {.monitor = m, .heard = {.stop_at = "\"create\""}};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, listen_thread, &l) == 0);
    wait_up(&l);
    snprintf(params, sizeof params,
             "{\"body\": {\"Image\": \"%s\", \"Cmd\": [\"true\"],"
             " \"Labels\": {\"libdocker-test\": \"1\", \"libdocker-monitor\": \"%s\"}}}",
             TEST_IMAGE, run);
    char *id = invoke_for_id(c, "ContainerCreate", params);
    /* The cache knows it as soon as the event has come; the listen stops there. */
    pthread_join(t, NULL);
    EXPECT(l.result, DOCKER_RESULT_OK);
    CHECK(strstr(l.heard.reports, "{\"kind\":\"daemon_up\",\"daemon\":\"main\"}") != NULL);
    char *create = strstr(l.heard.reports, "\"kind\":\"event\"");
    CHECK(create != NULL && strstr(create, "\"daemon\":\"main\"") != NULL && strstr(create, id) != NULL &&
          strstr(create, "\"Action\":\"create\"") != NULL);

    /* No one listens now: the monitor forgets its containers. */
    char *containers = NULL;
    EXPECT(docker_monitor_containers(m, "main", &containers), DOCKER_RESULT_OK);
    CHECK(containers != NULL && strcmp(containers, "[]") == 0);
    docker_string_free(containers);

    /* A cancel from another thread ends a listen that hears nothing. */
    struct listening quiet = {.monitor = m, .cancel = docker_cancel_new()};
    CHECK(pthread_create(&t, NULL, listen_thread, &quiet) == 0);
    wait_up(&quiet);
    EXPECT(docker_cancel_fire(quiet.cancel), DOCKER_RESULT_OK);
    pthread_join(t, NULL);
    EXPECT(quiet.result, DOCKER_RESULT_CANCELLED);
    docker_cancel_free(quiet.cancel);

    bool removed = false;
    EXPECT(docker_monitor_remove(m, "main", &removed), DOCKER_RESULT_OK);
    CHECK(removed);
    EXPECT(docker_monitor_remove(m, "main", NULL), DOCKER_RESULT_OK);
    docker_monitor_free(m);
    remove_container(c, id);
}

static void test_stats_of_a_running_container(docker_client *c) {
    char run[64], filters[256], params[512];
    snprintf(run, sizeof run, "c-stats-%d-%ld", (int)getpid(), (long)time(NULL));
    snprintf(params, sizeof params,
             "{\"body\": {\"Image\": \"%s\", \"Cmd\": [\"sleep\", \"300\"],"
             " \"Labels\": {\"libdocker-test\": \"1\", \"libdocker-monitor\": \"%s\"}}}",
             TEST_IMAGE, run);
    char *id = invoke_for_id(c, "ContainerCreate", params);
    snprintf(params, sizeof params, "{\"id\": \"%s\"}", id);
    invoke_ok(c, "ContainerStart", params);
    snprintf(filters, sizeof filters, "{\"label\": [\"libdocker-monitor=%s\"]}", run);
    docker_monitor *m = NULL;
    EXPECT(docker_monitor_new(filters, 500, &m), DOCKER_RESULT_OK);
    EXPECT(docker_monitor_add(m, "main", c), DOCKER_RESULT_OK);
    struct listening l = {.monitor = m, .heard = {.stop_at = "\"kind\":\"stats\""}};
    listen_thread(&l);
    EXPECT(l.result, DOCKER_RESULT_OK);
    char *stats = strstr(l.heard.reports, "\"kind\":\"stats\"");
    CHECK(stats != NULL && strstr(stats, id) != NULL && strstr(stats, "\"memory_usage\":") != NULL &&
          strstr(stats, "\"cpu_percent\":") != NULL);
    docker_monitor_free(m);
    remove_container(c, id);
}

static void test_bad_input(docker_client *c) {
    docker_monitor *m = NULL;
    EXPECT(docker_monitor_new("{\"label\": \"not a list\"}", 0, &m), DOCKER_RESULT_INVALID_PARAMS);
    CHECK(m == NULL && strstr(last_error(), "label") != NULL);
    EXPECT(docker_monitor_new("{not json", 0, &m), DOCKER_RESULT_INVALID_PARAMS);
    EXPECT(docker_monitor_new(NULL, 0, NULL), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_monitor_new(NULL, 0, &m), DOCKER_RESULT_OK);
    EXPECT(docker_monitor_add(m, NULL, c), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_monitor_add(m, "x", NULL), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_monitor_add(m, "\xff", c), DOCKER_RESULT_INVALID_UTF8);
    EXPECT(docker_monitor_listen(m, NULL, NULL, NULL), DOCKER_RESULT_NULL_PARAMETER);
    docker_monitor_free(m);
    docker_monitor_free(NULL);
}

int main(void) {
    docker_client *c = connect_test_daemon();
    RUN(test_a_listen_hears_our_container, c);
    RUN(test_stats_of_a_running_container, c);
    RUN(test_bad_input, c);
    docker_client_free(c);
    return finish("C ABI monitor");
}
