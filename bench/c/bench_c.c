/*
 * bench-libdocker-c: the benchmark client over libdocker's C ABI (client
 * `libdocker-c`, see bench/PROTOCOL.md): noop, ping-seq, list-seq, ping-par
 * (C threads sharing one client) and logs (counted in the chunk callback).
 * Other workloads exit with status 3.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "docker.h"

static const char *CLIENT = "libdocker-c";

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
           u.ru_stime.tv_usec / 1e6;
}

static long maxrss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmHWM: %ld", &kb) == 1) break;
    }
    if (f) fclose(f);
    return kb;
}

static void die(const char *workload, const char *what, docker_result r) {
    char msg[2048] = "";
    docker_error_message(msg, sizeof msg, NULL);
    fprintf(stderr, "%s %s: %s failed (%s): %s\n", CLIENT, workload, what, docker_result_name(r),
            msg);
    exit(1);
}

struct share {
    docker_client *client;
    long n;
    docker_result result;
};

static void *ping_share(void *arg) {
    struct share *s = arg;
    for (long i = 0; i < s->n && s->result == DOCKER_RESULT_OK; i++) {
        s->result = docker_client_ping(s->client);
    }
    return NULL;
}

static int32_t count_bytes(void *userdata, docker_stream stream, const uint8_t *data, size_t len) {
    (void)stream;
    (void)data;
    *(unsigned long long *)userdata += len;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench-libdocker-c <workload> [--host URL] [--n N] ...\n");
        return 1;
    }
    const char *workload = argv[1];
    const char *host = getenv("DOCKER_HOST");
    const char *container = NULL;
    long n = 1, concurrency = 1;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--host")) host = argv[i + 1];
        else if (!strcmp(argv[i], "--n")) n = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--concurrency")) concurrency = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--container")) container = argv[i + 1];
    }
    int known = !strcmp(workload, "noop") || !strcmp(workload, "ping-seq") ||
                !strcmp(workload, "list-seq") || !strcmp(workload, "ping-par") ||
                !strcmp(workload, "logs");
    if (!known) {
        fprintf(stderr, "unsupported workload: %s\n", workload);
        return 3;
    }

    docker_client_builder *b = docker_client_builder_new();
    docker_result r;
    if (host && (r = docker_client_builder_set_host(b, host)) != DOCKER_RESULT_OK)
        die(workload, "set_host", r);
    docker_client *c = NULL;
    if ((r = docker_client_builder_build(b, &c)) != DOCKER_RESULT_OK) die(workload, "build", r);
    if ((r = docker_client_ping(c)) != DOCKER_RESULT_OK) die(workload, "ping", r);
    uint32_t major, minor;
    if ((r = docker_client_api_version(c, &major, &minor)) != DOCKER_RESULT_OK)
        die(workload, "api_version", r);

    unsigned long long ops = 0, bytes = 0;
    double wall0 = now(), cpu0 = cpu();
    if (!strcmp(workload, "ping-seq")) {
        for (long i = 0; i < n; i++) {
            if ((r = docker_client_ping(c)) != DOCKER_RESULT_OK) die(workload, "ping", r);
        }
        ops = n;
    } else if (!strcmp(workload, "list-seq")) {
        for (long i = 0; i < n; i++) {
            char *json = NULL;
            r = docker_client_invoke(c, "ContainerList", "{\"all\": true}", NULL, 0, &json);
            if (r != DOCKER_RESULT_OK) die(workload, "ContainerList", r);
            docker_string_free(json);
        }
        ops = n;
    } else if (!strcmp(workload, "ping-par")) {
        long workers = concurrency < 1 ? 1 : concurrency;
        pthread_t *threads = calloc(workers, sizeof *threads);
        struct share *shares = calloc(workers, sizeof *shares);
        for (long i = 0; i < workers; i++) {
            shares[i] = (struct share){c, n / workers + (i < n % workers), DOCKER_RESULT_OK};
            pthread_create(&threads[i], NULL, ping_share, &shares[i]);
        }
        for (long i = 0; i < workers; i++) {
            pthread_join(threads[i], NULL);
            if (shares[i].result != DOCKER_RESULT_OK) die(workload, "ping", shares[i].result);
        }
        free(threads);
        free(shares);
        ops = n;
    } else if (!strcmp(workload, "logs")) {
        if (!container) {
            fprintf(stderr, "logs needs --container\n");
            return 1;
        }
        char params[512];
        snprintf(params, sizeof params, "{\"id\": \"%s\", \"stdout\": true, \"stderr\": true}",
                 container);
        r = docker_client_invoke_stream(c, "ContainerLogs", params, NULL, 0, count_bytes, &bytes);
        if (r != DOCKER_RESULT_OK) die(workload, "ContainerLogs", r);
        ops = 1;
    }
    double wall = now() - wall0, cpu_s = cpu() - cpu0;
    docker_client_free(c);
    printf("{\"client\": \"%s\", \"workload\": \"%s\", \"ops\": %llu, \"bytes\": %llu, "
           "\"wall_s\": %.6f, \"cpu_s\": %.6f, \"maxrss_kb\": %ld, \"latencies_ms\": []}\n",
           CLIENT, workload, ops, bytes, wall, cpu_s, maxrss_kb());
    return 0;
}
