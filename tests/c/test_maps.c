/*
 * Container maps through the C ABI, across two daemons (the main dockerd as the
 * default client and the TLS dockerd as "tls"): a Compose document in, events
 * out through the callback as JSON, in dependency order; ps and plan as JSON;
 * a callback that stops the action, and an `up` that resumes it; a failed
 * service and bad input, each with its code and a message naming what was wrong.
 */
#define _GNU_SOURCE
#include <time.h>
#include <unistd.h>

#include "check.h"

/* Events of a run, one JSON object a line; optionally stops at the first that holds `stop_at`. */
struct events {
    char text[65536];
    size_t len;
    const char *stop_at;
};

static int32_t gather_events(void *userdata, docker_stream stream, const uint8_t *data, size_t len) {
    struct events *e = userdata;
    CHECK(stream == DOCKER_STREAM_JSON);
    size_t room = sizeof e->text - 2 - e->len;
    size_t take = len < room ? len : room;
    memcpy(e->text + e->len, data, take);
    e->len += take;
    e->text[e->len++] = '\n';
    e->text[e->len] = 0;
    return e->stop_at != NULL && memmem(data, len, e->stop_at, strlen(e->stop_at)) != NULL;
}

static void project_name(char *out, size_t size, const char *prefix) {
    snprintf(out, size, "%s%d%ld", prefix, (int)getpid(), (long)time(NULL));
}

static void test_up_ps_down_across_two_daemons(docker_client *main_daemon, docker_client *tls) {
    char project[64], doc[2048], want[256];
    project_name(project, sizeof project, "cmap");
    snprintf(doc, sizeof doc,
             "name: %s\n"
             "services:\n"
             "  db:\n"
             "    image: " TEST_IMAGE "\n"
             "    command: sh -c 'sleep 1; touch /tmp/ready; exec sleep 600'\n"
             "    stop_grace_period: 1s\n"
             "    healthcheck: {test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30}\n"
             "    x-libdocker: {clients: [tls]}\n"
             "  web:\n"
             "    image: " TEST_IMAGE "\n"
             "    command: [sleep, '600']\n"
             "    stop_grace_period: 1s\n"
             "    depends_on: {db: {condition: service_healthy}}\n",
             project);
    docker_map *m = NULL;
    EXPECT(docker_map_new(doc, NULL, NULL, &m), DOCKER_RESULT_OK);
    EXPECT(docker_map_add_client(m, "", main_daemon), DOCKER_RESULT_OK);
    EXPECT(docker_map_add_client(m, "tls", tls), DOCKER_RESULT_OK);

    struct events up = {0};
    EXPECT(docker_map_run(m, "up", NULL, NULL, gather_events, &up), DOCKER_RESULT_OK);
    snprintf(want, sizeof want, "{\"step\":\"wait\",\"status\":\"done\",\"client\":\"tls\",\"service\":\"web\",\"target\":\"%s_db_1\"", project);
    char *waited = strstr(up.text, want);
    CHECK(waited != NULL);
    snprintf(want, sizeof want, "{\"step\":\"create\",\"status\":\"working\",\"client\":\"\",\"service\":\"web\"");
    char *created = strstr(up.text, want);
    CHECK(created != NULL && waited != NULL && waited < created);

    char *ps = NULL;
    EXPECT(docker_map_ps(m, &ps), DOCKER_RESULT_OK);
    snprintf(want, sizeof want, "\"client\":\"tls\",\"id\":");
    CHECK(ps != NULL && strstr(ps, want) != NULL);
    snprintf(want, sizeof want, "\"name\":\"%s_web_1\",\"service\":\"web\"", project);
    CHECK(ps != NULL && strstr(ps, want) != NULL);
    docker_string_free(ps);

    char *plan = NULL;
    EXPECT(docker_map_plan(m, "up", NULL, &plan), DOCKER_RESULT_OK);
    CHECK(plan != NULL && strcmp(plan, "[]") == 0);
    docker_string_free(plan);
    EXPECT(docker_map_plan(m, "down", "{\"volumes\": true}", &plan), DOCKER_RESULT_OK);
    CHECK(plan != NULL && strstr(plan, "\"step\":\"remove_network\"") != NULL);
    docker_string_free(plan);

    struct events down = {0};
    EXPECT(docker_map_run(m, "down", "{\"timeout\": 1}", NULL, gather_events, &down), DOCKER_RESULT_OK);
    EXPECT(docker_map_ps(m, &ps), DOCKER_RESULT_OK);
    CHECK(ps != NULL && strcmp(ps, "[]") == 0);
    docker_string_free(ps);
    docker_map_free(m);
}

static void test_a_stopped_up_is_resumed(docker_client *main_daemon) {
    char project[64], doc[2048];
    project_name(project, sizeof project, "cmapstop");
    /* late waits for a to be healthy: stopping at the first start leaves it unmade. */
    snprintf(doc, sizeof doc,
             "name: %s\n"
             "services:\n"
             "  a:\n"
             "    image: " TEST_IMAGE "\n"
             "    command: sh -c 'sleep 2; touch /tmp/ready; exec sleep 600'\n"
             "    stop_grace_period: 1s\n"
             "    healthcheck: {test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30}\n"
             "  late:\n"
             "    image: " TEST_IMAGE "\n"
             "    command: [sleep, '600']\n"
             "    stop_grace_period: 1s\n"
             "    depends_on: {a: {condition: service_healthy}}\n",
             project);
    docker_map *m = NULL;
    EXPECT(docker_map_new(doc, NULL, NULL, &m), DOCKER_RESULT_OK);
    EXPECT(docker_map_add_client(m, "", main_daemon), DOCKER_RESULT_OK);
    struct events first = {.stop_at = "\"step\":\"start\",\"status\":\"done\""};
    EXPECT(docker_map_run(m, "up", NULL, NULL, gather_events, &first), DOCKER_RESULT_OK);
    char *ps = NULL;
    EXPECT(docker_map_ps(m, &ps), DOCKER_RESULT_OK);
    CHECK(ps != NULL && strstr(ps, "\"service\":\"a\"") != NULL && strstr(ps, "\"service\":\"late\"") == NULL);
    docker_string_free(ps);

    struct events again = {0};
    EXPECT(docker_map_run(m, "up", NULL, NULL, gather_events, &again), DOCKER_RESULT_OK);
    CHECK(strstr(again.text, "\"step\":\"create\",\"status\":\"done\",\"client\":\"\",\"service\":\"late\"") != NULL);
    CHECK(strstr(again.text, "\"step\":\"create\",\"status\":\"working\",\"client\":\"\",\"service\":\"a\"") == NULL);
    struct events down = {0};
    EXPECT(docker_map_run(m, "down", NULL, NULL, gather_events, &down), DOCKER_RESULT_OK);
    docker_map_free(m);
}

static void test_failures_and_bad_input(docker_client *main_daemon) {
    docker_map *m = NULL;
    /* A cycle: refused with the line and key, before anything is touched. */
    EXPECT(docker_map_new("services:\n  a:\n    image: x\n    depends_on: [b]\n"
                          "  b:\n    image: x\n    depends_on: [a]\n",
                          NULL, NULL, &m),
           DOCKER_RESULT_INVALID_MAP);
    CHECK(m == NULL);
    CHECK(strstr(last_error(), "<yaml>:4: services.a.depends_on") != NULL);
    CHECK(strstr(last_error(), "a \xe2\x86\x92 b \xe2\x86\x92 a") != NULL);
    EXPECT(docker_map_new(NULL, NULL, NULL, &m), DOCKER_RESULT_NULL_PARAMETER);
    EXPECT(docker_map_new("services: {a: {image: \"\xff\"}}", NULL, NULL, &m), DOCKER_RESULT_INVALID_UTF8);
    EXPECT(docker_map_load("/nonexistent/compose.yaml", NULL, &m), DOCKER_RESULT_IO);

    char project[64], doc[1024];
    project_name(project, sizeof project, "cmapfail");
    snprintf(doc, sizeof doc,
             "name: %s\nservices:\n  broken:\n    image: %s/libdocker-test/absent:%s\n"
             "  after:\n    image: " TEST_IMAGE "\n    depends_on: [broken]\n",
             project, getenv("LIBDOCKER_TEST_REGISTRY"), project);
    EXPECT(docker_map_new(doc, NULL, NULL, &m), DOCKER_RESULT_OK);
    struct events ev = {0};
    /* No default client yet. */
    EXPECT(docker_map_run(m, "up", NULL, NULL, gather_events, &ev), DOCKER_RESULT_INVALID_PARAMS);
    CHECK(strstr(last_error(), "no default client") != NULL);
    EXPECT(docker_map_add_client(m, "", main_daemon), DOCKER_RESULT_OK);
    EXPECT(docker_map_run(m, "launch", NULL, NULL, gather_events, &ev), DOCKER_RESULT_INVALID_PARAMS);
    EXPECT(docker_map_run(m, "up", "{\"volume\": true}", NULL, gather_events, &ev), DOCKER_RESULT_INVALID_PARAMS);
    CHECK(strstr(last_error(), "volume") != NULL);
    EXPECT(docker_map_run(m, "up", NULL, NULL, NULL, NULL), DOCKER_RESULT_NULL_PARAMETER);

    EXPECT(docker_map_run(m, "up", NULL, NULL, gather_events, &ev), DOCKER_RESULT_MAP_FAILED);
    CHECK(strstr(last_error(), "pull") != NULL && strstr(last_error(), "broken") != NULL);
    CHECK(strstr(last_error(), "after") != NULL);
    CHECK(strstr(ev.text, "\"status\":\"skipped\",\"client\":\"\",\"service\":\"after\"") != NULL);
    EXPECT(docker_map_run(m, "down", NULL, NULL, gather_events, &ev), DOCKER_RESULT_OK);
    docker_map_free(m);
    docker_map_free(NULL);
}

static void test_a_stack_on_the_swarm(void) {
    docker_client *manager = connect_test_daemon_at("LIBDOCKER_TEST_SWARM_MANAGER");

    char project[64], doc[1024], want[256];
    project_name(project, sizeof project, "cstack");
    snprintf(doc, sizeof doc,
             "name: %s\nservices:\n  web:\n    image: " TEST_IMAGE "\n"
             "    command: [sleep, '600']\n    deploy: {replicas: 2}\n",
             project);
    docker_map *m = NULL;
    EXPECT(docker_map_new(doc, NULL, NULL, &m), DOCKER_RESULT_OK);
    char *report = NULL;
    EXPECT(docker_map_deploy_stack(m, &report), DOCKER_RESULT_INVALID_PARAMS); /* no client yet */
    EXPECT(docker_map_add_client(m, "", manager), DOCKER_RESULT_OK);
    EXPECT(docker_map_deploy_stack(m, &report), DOCKER_RESULT_OK);
    snprintf(want, sizeof want, "\"services\":[\"%s_web\"]", project);
    CHECK(report != NULL && strstr(report, want) != NULL);
    docker_string_free(report);

    char *service = NULL, params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s_web\"}", project);
    EXPECT(docker_client_invoke(manager, "ServiceInspect", params, NULL, 0, &service), DOCKER_RESULT_OK);
    snprintf(want, sizeof want, "\"com.docker.stack.namespace\":\"%s\"", project);
    CHECK(service != NULL && strstr(service, want) != NULL && strstr(service, "\"Replicas\":2") != NULL);
    docker_string_free(service);

    EXPECT(docker_map_remove_stack(m, &report), DOCKER_RESULT_OK);
    snprintf(want, sizeof want, "\"networks\":[\"%s_default\"]", project);
    CHECK(report != NULL && strstr(report, want) != NULL);
    docker_string_free(report);
    EXPECT(docker_client_invoke(manager, "ServiceInspect", params, NULL, 0, &service), DOCKER_RESULT_NOT_FOUND);
    docker_map_free(m);
    docker_client_free(manager);
}

int main(void) {
    docker_client *c = connect_test_daemon();
    docker_client *tls = connect_tls_daemon();
    RUN(test_up_ps_down_across_two_daemons, c, tls);
    RUN(test_a_stopped_up_is_resumed, c);
    RUN(test_failures_and_bad_input, c);
    RUN(test_a_stack_on_the_swarm);
    docker_client_free(tls);
    docker_client_free(c);
    return finish("C ABI maps");
}
