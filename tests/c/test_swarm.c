/*
 * A swarm service driven from C through the pipeline (docker_client_invoke
 * reaches every operation): created on the test environment's two-node swarm,
 * watched until its tasks run, its logs read demultiplexed, an update of a stale
 * version refused with DOCKER_RESULT_OUT_OF_SEQUENCE naming both versions, an
 * unknown service NOT_FOUND, then removed. Run by tests/c/run.sh.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static docker_client *manager(void) {
    return connect_test_daemon_at("LIBDOCKER_TEST_SWARM_MANAGER");
}

/* How many times `needle` occurs in `text`. */
static int count(const char *text, const char *needle) {
    int n = 0;
    for (const char *at = strstr(text, needle); at != NULL; at = strstr(at + 1, needle)) {
        n++;
    }
    return n;
}

/* The service's version index, read with ServiceInspect. */
static uint64_t version_of(docker_client *c, const char *id) {
    char params[256];
    snprintf(params, sizeof params, "{\"id\": \"%s\"}", id);
    char *answer = NULL;
    EXPECT(docker_client_invoke(c, "ServiceInspect", params, NULL, 0, &answer), DOCKER_RESULT_OK);
    const char *at = answer == NULL ? NULL : strstr(answer, "\"Version\":{\"Index\":");
    uint64_t v = at == NULL ? 0 : strtoull(at + 19, NULL, 10);
    CHECK(v > 0);
    docker_string_free(answer);
    return v;
}

static void service_runs_logs_and_refuses_a_stale_version(docker_client *c) {
    const char *spec =
        "{\"body\": {\"Name\": \"libdocker-c-%d\", \"Labels\": {\"libdocker-test\": \"1\"},"
        " \"TaskTemplate\": {\"ContainerSpec\": {\"Image\": \"" TEST_IMAGE "\","
        " \"Command\": [\"sh\", \"-c\", \"echo hello-out; echo hello-err >&2; exec sleep 600\"],"
        " \"StopGracePeriod\": 1000000000}},"
        " \"Mode\": {\"Replicated\": {\"Replicas\": 2}}}}";
    char params[1024];
    snprintf(params, sizeof params, spec, (int)getpid());
    char *created = NULL;
    EXPECT(docker_client_invoke(c, "ServiceCreate", params, NULL, 0, &created), DOCKER_RESULT_OK);
    const char *at = created == NULL ? NULL : strstr(created, "\"ID\":\"");
    if (at == NULL) {
        fprintf(stderr, "ServiceCreate answered no ID: %s\n", created ? created : "(nothing)");
        failures++;
        docker_string_free(created);
        return;
    }
    char id[64] = {0};
    memcpy(id, at + 6, 25);
    docker_string_free(created);

    /* Its two tasks run (a task's own state is "State", its goal "DesiredState"). */
    snprintf(params, sizeof params,
             "{\"filters\": {\"service\": [\"%s\"], \"desired-state\": [\"running\"]}}", id);
    int running = 0;
    for (int i = 0; i < 600 && running != 2; i++) {
        char *tasks = NULL;
        EXPECT(docker_client_invoke(c, "TaskList", params, NULL, 0, &tasks), DOCKER_RESULT_OK);
        running = tasks == NULL ? 0 : count(tasks, "\"State\":\"running\"");
        docker_string_free(tasks);
        if (running != 2) {
            usleep(100000);
        }
    }
    CHECK(running == 2);

    /* Both tasks' output, stdout and stderr apart. */
    snprintf(params, sizeof params, "{\"id\": \"%s\", \"stdout\": true, \"stderr\": true}", id);
    struct output o;
    for (int i = 0; i < 100; i++) {
        memset(&o, 0, sizeof o);
        EXPECT(docker_client_invoke_stream(c, "ServiceLogs", params, NULL, 0, gather, &o),
               DOCKER_RESULT_OK);
        if (count(o.out, "hello-out") == 2 && count(o.err, "hello-err") == 2) {
            break;
        }
        usleep(200000);
    }
    CHECK(count(o.out, "hello-out") == 2);
    CHECK(count(o.err, "hello-err") == 2);
    CHECK(strstr(o.out, "hello-err") == NULL && strstr(o.err, "hello-out") == NULL);

    /* An update names the version it read; naming it again is out of sequence. */
    uint64_t v1 = version_of(c, id);
    char update[1200];
    snprintf(params, sizeof params, spec, (int)getpid());
    /* The same spec again, from its "body" on. */
    const char *body = strstr(params, "{\"Name\"");
    snprintf(update, sizeof update, "{\"id\": \"%s\", \"version\": %" PRIu64 ", \"body\": %.*s}", id,
             v1, (int)(strlen(body) - 1), body);
    char *answer = NULL;
    EXPECT(docker_client_invoke(c, "ServiceUpdate", update, NULL, 0, &answer), DOCKER_RESULT_OK);
    docker_string_free(answer);
    uint64_t v2 = version_of(c, id);
    CHECK(v2 > v1);
    answer = NULL;
    EXPECT(docker_client_invoke(c, "ServiceUpdate", update, NULL, 0, &answer),
           DOCKER_RESULT_OUT_OF_SEQUENCE);
    CHECK(answer == NULL);
    char v1_text[32], v2_text[32];
    snprintf(v1_text, sizeof v1_text, "version %" PRIu64, v1);
    snprintf(v2_text, sizeof v2_text, "version %" PRIu64, v2);
    const char *why = last_error();
    CHECK(strstr(why, v1_text) != NULL && strstr(why, v2_text) != NULL);
    CHECK(strstr(why, id) != NULL);
    CHECK(strcmp(docker_result_name(DOCKER_RESULT_OUT_OF_SEQUENCE), "update out of sequence") == 0);

    snprintf(params, sizeof params, "{\"id\": \"%s\"}", id);
    invoke_ok(c, "ServiceDelete", params);
    answer = NULL;
    EXPECT(docker_client_invoke(c, "ServiceInspect", params, NULL, 0, &answer),
           DOCKER_RESULT_NOT_FOUND);
    CHECK(strstr(last_error(), id) != NULL);
}

static void unknown_objects_are_not_found(docker_client *c) {
    const char *ops[] = {"NodeInspect", "SecretInspect", "ConfigInspect", "TaskInspect"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        char *answer = NULL;
        EXPECT(docker_client_invoke(c, ops[i], "{\"id\": \"no-such-thing-4711\"}", NULL, 0, &answer),
               DOCKER_RESULT_NOT_FOUND);
        CHECK(strstr(last_error(), "no-such-thing-4711") != NULL);
    }
}

int main(void) {
    docker_client *c = manager();
    RUN(service_runs_logs_and_refuses_a_stale_version, c);
    RUN(unknown_objects_are_not_found, c);
    docker_client_free(c);
    return finish("test_swarm");
}
